import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, AuditAnchor, AuditVerification } from '#contracts';
import { Outbox, type OutboxRow } from '#messaging';
import { appendEntry, canonicalParts, GENESIS_PREV_HASH, hashEntry, verifyChain, type AuditEntry, type AuditFields, type JsonValue } from './audit-chain.js';
import { AuditHead, AuditRow } from './audit.entities.js';

/** Who did it, as recorded: `admin`, `juror:<id>` or `system` (event handlers). */
export function actorLabel(actor: Actor | 'system'): string {
  if (actor === 'system') return 'system';
  return actor.jurorId ? `${actor.role}:${actor.jurorId}` : actor.role;
}

/**
 * Appends to a ceremony's hash-chained jury audit log inside the caller's transaction. Appends for one
 * ceremony are serialized by a row lock on the ceremony's head row, taken last in every transaction (after
 * the panel row), so the chain never forks and lock order cannot deadlock. Without events an append is one
 * statement (lock, insert, move the head), so the head is held from it to the commit only; `appendMany` writes
 * several entries in that one statement (a group commit).
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox?: Outbox,
  ) {}

  /**
   * `events`, when given, builds outbox rows from the new entry (e.g. a sealed event carrying the head
   * right after this append) and writes them in the same statement: no extra round trip under the head lock.
   */
  async append(
    manager: EntityManager,
    ceremonyId: string,
    actor: Actor | 'system',
    action: string,
    subject: string,
    data: JsonValue,
    events?: (entry: AuditEntry) => OutboxRow[],
  ): Promise<AuditEntry> {
    const heads = manager.getRepository(AuditHead).metadata.tablePath;
    const log = manager.getRepository(AuditRow).metadata.tablePath;
    const label = actorLabel(actor);
    if (!events) return (await this.appendInOneStatement(manager, heads, ceremonyId, [{ ceremonyId, actor: label, action, subject, data }]))[0];
    // With events (built from the new entry's hash, so computed here): the head row (last seq and hash) is the
    // chain's lock, held until commit, so appends never fork. Two round trips while it is held; rare appends
    // (seal, reveal) take this path.
    const lockHead = () => manager.query<{ seq: number; hash: string }[]>(`SELECT seq, hash FROM ${heads} WHERE ceremony_id = $1 FOR UPDATE`, [ceremonyId]);
    let [head] = await lockHead();
    if (!head) {
      await this.createHead(manager, heads, ceremonyId);
      [head] = await lockHead();
    }
    const entry = appendEntry(head.seq === 0 ? null : head, { ceremonyId, actor: label, action, subject, data, at: new Date().toISOString() });
    const params: unknown[] = [ceremonyId, entry.seq, entry.actor, entry.action, entry.subject, JSON.stringify(entry.data), entry.at, entry.prevHash, entry.hash];
    const rows = events(entry);
    if (rows.length && !this.outbox) throw new Error('AuditLog.append: events need the outbox');
    await manager.query(
      `WITH entry AS (
         INSERT INTO ${log} (ceremony_id, seq, actor, action, subject, data, at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       )${rows.length ? `, events AS (${this.outbox!.insertStatement(manager, rows, params)})` : ''}
       UPDATE ${heads} SET seq = $2, hash = $9 WHERE ceremony_id = $1`,
      params,
    );
    if (rows.length) this.outbox!.written(manager, rows);
    return entry;
  }

  /**
   * Appends several entries to one ceremony's chain, in the given order, in one statement (see
   * appendInOneStatement): a group commit (e.g. review locks arriving together) holds the head once for all of
   * them. Each entry chains to the one before it exactly as if appended one by one.
   */
  async appendMany(manager: EntityManager, ceremonyId: string, entries: { actor: Actor | 'system'; action: string; subject: string; data: JsonValue }[]): Promise<AuditEntry[]> {
    if (entries.length === 0) return [];
    const heads = manager.getRepository(AuditHead).metadata.tablePath;
    return this.appendInOneStatement(manager, heads, ceremonyId, entries.map((e) => ({ ceremonyId, actor: actorLabel(e.actor), action: e.action, subject: e.subject, data: e.data })));
  }

  /**
   * The common append, in one statement (`jury.audit_append`, migration AuditAppendMany): it locks the head
   * row, stamps the entries (`at` from the database clock, taken once the head is held, so `at` follows `seq`),
   * and per entry in order inserts it with its hash (sha256 of its JCS text, completed with seq and prevHash;
   * see canonicalParts) and moves the head forward by one. The head is then held only from this statement to the caller's commit.
   * The same hashes as hashEntry, checked here before returning: a mismatch throws, so the caller's transaction
   * rolls back rather than storing an entry the verifier would reject.
   */
  private async appendInOneStatement(manager: EntityManager, heads: string, ceremonyId: string, fields: Omit<AuditFields, 'at'>[]): Promise<AuditEntry[]> {
    const parts = fields.map((f) => canonicalParts(f));
    const params = [
      ceremonyId,
      fields.map((f) => f.actor),
      fields.map((f) => f.action),
      fields.map((f) => f.subject),
      fields.map((f) => JSON.stringify(f.data)),
      parts.map((p) => p.beforeAt),
      parts.map((p) => p.beforePrevHash),
      parts.map((p) => p.afterSeq),
    ];
    const statement = `SELECT o_seq AS seq, o_at AS at, o_prev_hash AS "prevHash", o_hash AS hash FROM ${schemaOf(heads)}audit_append($1, $2, $3, $4, $5, $6, $7, $8) ORDER BY o_seq`;
    type Row = { seq: number; at: string; prevHash: string; hash: string };
    let rows = await manager.query<Row[]>(statement, params);
    if (rows.length === 0) {
      await this.createHead(manager, heads, ceremonyId);
      rows = await manager.query<Row[]>(statement, params);
    }
    if (rows.length !== fields.length) throw new Error(`audit append of ${fields.length} entries to ${ceremonyId} stored ${rows.length}; not appended`);
    return rows.map((row, i) => {
      const entry: AuditEntry = { seq: row.seq, ...fields[i], at: row.at, prevHash: row.prevHash, hash: row.hash };
      const prev = i === 0 ? null : rows[i - 1];
      if (hashEntry(entry) !== entry.hash || new Date(entry.at).toISOString() !== entry.at || (prev !== null && (prev.seq + 1 !== entry.seq || prev.hash !== entry.prevHash))) {
        throw new Error(`audit entry ${entry.seq} of ${ceremonyId}: the database's hash differs from hashEntry; not appended`);
      }
      return entry;
    });
  }

  /** A new chain: its head starts at the genesis (seq 0), created once even when two appends race for it. */
  private async createHead(manager: EntityManager, heads: string, ceremonyId: string): Promise<void> {
    await manager.query(`INSERT INTO ${heads} (ceremony_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`, [ceremonyId, GENESIS_PREV_HASH]);
  }

  /**
   * Checks the whole chain against the stored head and, when given, an anchor published outside the
   * database; names the first broken entry by its seq.
   */
  async verify(ceremonyId: string, anchor?: AuditAnchor): Promise<AuditVerification> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const rows = await manager.find(AuditRow, { where: { ceremonyId }, order: { seq: 'ASC' } });
      const head = await manager.findOne(AuditHead, { where: { ceremonyId } });
      const result = verifyChain(rows.map(toEntry), { ...(head ? { expectedHead: head.hash } : {}), ...(anchor ? { anchor } : {}) });
      const checked = anchor ? { anchor } : {};
      if (result.ok) return { ok: true, count: result.count, head: { hash: result.headHash, count: result.count }, ...checked };
      return { ok: false, count: rows.length, brokenAt: result.brokenAt, reason: result.reason, ...checked };
    });
  }
}

/** `schema.` of a table path (`jury.audit_heads` → `jury.`), where the append function lives beside the tables. */
function schemaOf(tablePath: string): string {
  const dot = tablePath.lastIndexOf('.');
  return dot < 0 ? '' : tablePath.slice(0, dot + 1);
}

/** An audit entry as the anchor it makes: its hash and its seq (= the number of entries up to it). */
export function anchorOf(entry: Pick<AuditEntry, 'hash' | 'seq'>): AuditAnchor {
  return { hash: entry.hash, count: entry.seq };
}

function toEntry(row: AuditRow): AuditEntry {
  return { seq: row.seq, ceremonyId: row.ceremonyId, actor: row.actor, action: row.action, subject: row.subject, data: row.data as JsonValue, at: row.at, prevHash: row.prevHash, hash: row.hash };
}
