import { Initial1795856442526 } from './1795856442526-Initial.js';
import { RecordsAndReceipts1795900000000 } from './1795900000000-RecordsAndReceipts.js';
import { OutboxStreamSeq1795900000002 } from './1795900000002-OutboxStreamSeq.js';
import { ScreeningRounds17959100000000 } from './17959100000000-ScreeningRounds.js';
import { Deliberation17959100000002 } from './17959100000002-Deliberation.js';
import { CategoryVote17959400000000 } from './17959400000000-CategoryVote.js';
import { AuditAppendMany17959420000000 } from './17959420000000-AuditAppendMany.js';

// Listed explicitly: ESM has no glob loading, and the order is the history.
export const migrations: (new () => object)[] = [
  Initial1795856442526,
  RecordsAndReceipts1795900000000,
  OutboxStreamSeq1795900000002,
  ScreeningRounds17959100000000,
  Deliberation17959100000002,
  CategoryVote17959400000000,
  AuditAppendMany17959420000000,
];
