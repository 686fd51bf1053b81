import { messagingEntities } from '#messaging';
import { serviceDataSourceOptions } from '#persistence';
import { AccessToken } from './access/access-token.entity.js';
import { Category } from './ceremonies/category.entity.js';
import { Ceremony } from './ceremonies/ceremony.entity.js';
import { Nominee } from './ceremonies/nominee.entity.js';
import { Entry } from './entries/entry.entity.js';
import { IntakeSubmission } from './intake/submission.entity.js';
import { migrations } from './migrations/index.js';

export const SCHEMA = 'nominations';
export const entities = [Ceremony, Category, Nominee, Entry, IntakeSubmission, AccessToken, ...messagingEntities];

export function nominationsDataSource(url: string) {
  return serviceDataSourceOptions({ schema: SCHEMA, url, entities, migrations });
}
