import { messagingEntities } from '#messaging';
import { serviceDataSourceOptions } from '#persistence';
import { CeremonyReadModel } from './ceremonies/ceremony-read-model.entity.js';
import { PublicSeal, SealedEnvelope } from './envelopes/sealed-envelope.entity.js';
import { migrations } from './migrations/index.js';
import { EnvelopeSize, RevealKey, StagedEnvelope } from './envelopes/reveal-key.entity.js';
import { Result } from './show/result.entity.js';
import { CueRecord, Show } from './show/show.entity.js';

export const SCHEMA = 'announcements';
export const entities = [CeremonyReadModel, SealedEnvelope, PublicSeal, Show, CueRecord, Result, RevealKey, StagedEnvelope, EnvelopeSize, ...messagingEntities];

export function announcementsDataSource(url: string) {
  return serviceDataSourceOptions({ schema: SCHEMA, url, entities, migrations });
}
