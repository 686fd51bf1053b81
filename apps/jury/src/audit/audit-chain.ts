/**
 * Hash-chained jury audit log (DESIGN.md integrity rule 6). Each entry hashes its own fields and the
 * previous entry's hash, so changing, deleting or reordering a stored row breaks the chain from there on.
 * A chain rewritten from the start is only caught against a head hash kept elsewhere (`expectedHead`).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_PREV_HASH = '0'.repeat(64);
export const FIRST_SEQ = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What the caller records; `at` is an ISO 8601 UTC timestamp as produced by `Date.toISOString()`. */
export interface AuditFields {
  ceremonyId: string;
  actor: string;
  action: string;
  subject: string;
  data: JsonValue;
  at: string;
}

export interface AuditEntry extends AuditFields {
  seq: number;
  prevHash: string;
  hash: string;
}

export type ChainBreak = 'hash mismatch' | 'prev link mismatch' | 'sequence gap' | 'head mismatch';

export type ChainVerification =
  | { ok: true; count: number; headHash: string }
  | { ok: false; brokenAt: number; reason: ChainBreak };

export function appendEntry(prev: Pick<AuditEntry, 'seq' | 'hash'> | null, fields: AuditFields): AuditEntry {
  // Stored as text and compared as hashed: a timestamp that does not round-trip would break its own row.
  if (typeof fields.at !== 'string' || Number.isNaN(Date.parse(fields.at)) || new Date(fields.at).toISOString() !== fields.at) {
    throw new TypeError(`audit at must be an ISO 8601 UTC timestamp (Date.toISOString()), got ${String(fields.at)}`);
  }
  const { ceremonyId, actor, action, subject, data, at } = fields;
  const seq = prev === null ? FIRST_SEQ : prev.seq + 1;
  const prevHash = prev === null ? GENESIS_PREV_HASH : prev.hash;
  const unsigned = { seq, ceremonyId, actor, action, subject, data, at, prevHash };
  return { ...unsigned, hash: hashEntry(unsigned) };
}

/** sha256 hex of the JCS form of every field but `hash`. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, ceremonyId, actor, action, subject, data, at, prevHash } = entry;
  const canonical = canonicalize({ seq, ceremonyId, actor, action, subject, data, at, prevHash });
  if (canonical === undefined) throw new TypeError('audit entry is not canonicalizable');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * An entry's JCS text (what hashEntry hashes) cut around the three values only known under the head lock:
 * `${beforeAt}${at}${beforePrevHash}${prevHash}","seq":${seq}${afterSeq}`. JCS writes an object's members
 * sorted by key (action, actor, at, ceremonyId, data, prevHash, seq, subject), each value canonicalized on
 * its own, so the text can be built around them; `at` (an ISO timestamp) and `prevHash` (64 hex digits) need
 * no escaping and `seq` is a plain integer. The database completes and hashes it (sha256 of its UTF-8).
 */
export interface CanonicalParts {
  beforeAt: string;
  beforePrevHash: string;
  afterSeq: string;
}

export function canonicalParts(fields: Pick<AuditFields, 'ceremonyId' | 'actor' | 'action' | 'subject' | 'data'>): CanonicalParts {
  const jcs = (value: JsonValue) => {
    const text = canonicalize(value);
    if (text === undefined) throw new TypeError('audit entry is not canonicalizable');
    return text;
  };
  return {
    beforeAt: `{"action":${jcs(fields.action)},"actor":${jcs(fields.actor)},"at":"`,
    beforePrevHash: `","ceremonyId":${jcs(fields.ceremonyId)},"data":${jcs(fields.data)},"prevHash":"`,
    afterSeq: `,"subject":${jcs(fields.subject)}}`,
  };
}

/** The text `canonicalParts` stands for, completed (the SQL in AuditLog.append does the same). */
export function completeCanonical(parts: CanonicalParts, at: string, prevHash: string, seq: number): string {
  return `${parts.beforeAt}${at}${parts.beforePrevHash}${prevHash}","seq":${seq}${parts.afterSeq}`;
}

/**
 * Verifies entries in stored order (seq ascending), starting at the genesis entry.
 * Reports the FIRST broken entry by the seq it carries. With `expectedHead`, the last hash must equal it,
 * which also catches rows cut off the end. With `anchor` (a head published outside the database), entry
 * number `anchor.count` must carry `anchor.hash` (count 0: the genesis hash): a chain rewritten and
 * re-hashed from an earlier entry on verifies by itself, but no longer passes through the anchor.
 */
export function verifyChain(entries: readonly AuditEntry[], options: { expectedHead?: string; anchor?: { hash: string; count: number } } = {}): ChainVerification {
  let prevHash = GENESIS_PREV_HASH;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.seq !== FIRST_SEQ + i) return { ok: false, brokenAt: entry.seq, reason: 'sequence gap' };
    if (entry.prevHash !== prevHash) return { ok: false, brokenAt: entry.seq, reason: 'prev link mismatch' };
    let actual: string;
    try {
      actual = hashEntry(entry);
    } catch {
      return { ok: false, brokenAt: entry.seq, reason: 'hash mismatch' }; // data no longer canonicalizable
    }
    if (entry.hash !== actual) return { ok: false, brokenAt: entry.seq, reason: 'hash mismatch' };
    prevHash = entry.hash;
  }
  if (options.expectedHead !== undefined && options.expectedHead !== prevHash) {
    return { ok: false, brokenAt: FIRST_SEQ + entries.length - 1, reason: 'head mismatch' };
  }
  const { anchor } = options;
  if (anchor !== undefined) {
    const at = anchor.count === 0 ? GENESIS_PREV_HASH : entries[anchor.count - 1]?.hash;
    if (at !== anchor.hash) return { ok: false, brokenAt: Math.min(anchor.count, entries.length), reason: 'head mismatch' };
  }
  return { ok: true, count: entries.length, headHash: prevHash };
}
