import { messagingEntities } from '#messaging';
import { serviceDataSourceOptions } from '#persistence';
import { AuditHead, AuditRow } from './audit/audit.entities.js';
import { Ballot } from './ballots/ballot.entity.js';
import { migrations } from './migrations/index.js';
import { Conflict, JuryCategory, JuryCeremony, Juror } from './panels/panel.entities.js';
import { EntryConflict, Review, Round, RoundEntry } from './rounds/round.entities.js';
import { DeliberationCommentRow, DiscussedNominee } from './deliberation/deliberation.entities.js';
import { Verdict } from './verdicts/verdict.entity.js';

export const SCHEMA = 'jury';
export const entities = [JuryCeremony, JuryCategory, Juror, Conflict, Ballot, Verdict, AuditRow, AuditHead, Round, RoundEntry, Review, EntryConflict, DeliberationCommentRow, DiscussedNominee, ...messagingEntities];

export function juryDataSource(url: string) {
  return serviceDataSourceOptions({ schema: SCHEMA, url, entities, migrations });
}
