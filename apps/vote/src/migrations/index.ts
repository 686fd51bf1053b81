import { Initial17959300000001 } from './17959300000001-Initial.js';

// Listed explicitly: ESM has no glob loading, and the order is the history.
export const migrations: (new () => object)[] = [Initial17959300000001];
