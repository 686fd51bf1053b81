import { Initial17959300000001 } from './17959300000001-Initial.js';
import { CombinedVerdict17959400000001 } from './17959400000001-CombinedVerdict.js';
import { VoteCueKey17959440000000 } from './17959440000000-VoteCueKey.js';

// Listed explicitly: ESM has no glob loading, and the order is the history.
export const migrations: (new () => object)[] = [Initial17959300000001, CombinedVerdict17959400000001, VoteCueKey17959440000000];
