import { Initial1795854881355 } from './1795854881355-Initial.js';
import { SealAnchors1795900000001 } from './1795900000001-SealAnchors.js';
import { RevealV21795900000002 } from './1795900000002-RevealV2.js';
import { OutboxStreamSeq1795900000003 } from './1795900000003-OutboxStreamSeq.js';

// Listed explicitly: ESM has no glob loading, and the order is the history.
export const migrations: (new () => object)[] = [Initial1795854881355, SealAnchors1795900000001, RevealV21795900000002, OutboxStreamSeq1795900000003];
