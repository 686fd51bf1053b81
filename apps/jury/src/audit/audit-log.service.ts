import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, AuditAnchor, AuditVerification } from '#contracts';
import { Outbox, type OutboxRow } from '#messaging';
import { appendEntry, GENESIS_PREV_HASH, verifyChain, type AuditEntry, type JsonValue } from './audit-chain.js';
import { AuditHead, AuditRow } from './audit.entities.js';

/** Who did it, as recorded: `admin`, `juror:<id>` or `system` (event handlers). */
export function actorLabel(actor: Actor | 'system'): string {
  if (actor === 'system') return 'system';
  return actor.jurorId ? `${actor.role}:${actor.jurorId}` : actor.role;
}

/**
 * Appends to a ceremony's hash-chained jury audit log inside the caller's transaction. Appends for one
 * ceremony are serialized by a row lock on the ceremony's head row, taken last in every transaction (after
 * the panel row), so the chain never forks and lock order cannot deadlock.
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
    // The head row (last seq and hash) is the chain's lock: held until commit, so appends never fork.
    // Two round trips while it is held; callers append last in their transaction to keep that window short.
    const lockHead = () => manager.query<{ seq: number; hash: string }[]>(`SELECT seq, hash FROM ${heads} WHERE ceremony_id = $1 FOR UPDATE`, [ceremonyId]);
    let [head] = await lockHead();
    if (!head) {
      // A new chain: its head starts at the genesis (seq 0), created once even when two appends race for it.
      await manager.query(`INSERT INTO ${heads} (ceremony_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`, [ceremonyId, GENESIS_PREV_HASH]);
      [head] = await lockHead();
    }
    const entry = appendEntry(head.seq === 0 ? null : head, { ceremonyId, actor: actorLabel(actor), action, subject, data, at: new Date().toISOString() });
    const params: unknown[] = [ceremonyId, entry.seq, entry.actor, entry.action, entry.subject, JSON.stringify(entry.data), entry.at, entry.prevHash, entry.hash];
    const rows = events?.(entry) ?? [];
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

/** An audit entry as the anchor it makes: its hash and its seq (= the number of entries up to it). */
export function anchorOf(entry: Pick<AuditEntry, 'hash' | 'seq'>): AuditAnchor {
  return { hash: entry.hash, count: entry.seq };
}

function toEntry(row: AuditRow): AuditEntry {
  return { seq: row.seq, ceremonyId: row.ceremonyId, actor: row.actor, action: row.action, subject: row.subject, data: row.data as JsonValue, at: row.at, prevHash: row.prevHash, hash: row.hash };
}
