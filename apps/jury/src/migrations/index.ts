import { Initial1795856277910 } from './1795856277910-Initial.js';

// Listed explicitly: ESM has no glob loading, and the order is the history.
export const migrations: (new () => object)[] = [Initial1795856277910];
