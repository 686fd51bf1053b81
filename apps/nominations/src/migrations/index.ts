import { Initial1795854760970 } from './1795854760970-Initial.js';
import { Entries1795856208709 } from './1795856208709-Entries.js';
import { AdminGrant1795860000000 } from './1795860000000-AdminGrant.js';
import { OutboxStreamSeq1795900000002 } from './1795900000002-OutboxStreamSeq.js';
import { ShortlistRound17959100000001 } from './17959100000001-ShortlistRound.js';
import { IntakeSubmissions17959200000000 } from './17959200000000-IntakeSubmissions.js';
import { CategoryVote17959300000000 } from './17959300000000-CategoryVote.js';

// Listed explicitly: ESM has no glob loading, and the order is the history.
export const migrations: (new () => object)[] = [Initial1795854760970, Entries1795856208709, AdminGrant1795860000000, OutboxStreamSeq1795900000002, ShortlistRound17959100000001, IntakeSubmissions17959200000000, CategoryVote17959300000000];
