import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, AuditVerification } from '#contracts';
import { appendEntry, verifyChain, type AuditEntry, type JsonValue } from './audit-chain.js';
import { AuditHead, AuditRow } from './audit.entities.js';

/** Who did it, as recorded: `admin`, `juror:<id>` or `system` (event handlers). */
export function actorLabel(actor: Actor | 'system'): string {
  if (actor === 'system') return 'system';
  return actor.jurorId ? `${actor.role}:${actor.jurorId}` : actor.role;
}

/**
 * Appends to a ceremony's hash-chained jury audit log inside the caller's transaction. Appends for one
 * ceremony are serialized by a transaction-scoped advisory lock, taken last in every transaction (after
 * the panel row), so the chain never forks and lock order cannot deadlock.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  async append(manager: EntityManager, ceremonyId: string, actor: Actor | 'system', action: string, subject: string, data: JsonValue): Promise<AuditEntry> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`laurel-jury-audit:${ceremonyId}`]);
    // The head row holds the last entry's seq and hash: all appending needs, without reading the entry.
    const head = await manager.findOne(AuditHead, { where: { ceremonyId } });
    const entry = appendEntry(head, { ceremonyId, actor: actorLabel(actor), action, subject, data, at: new Date().toISOString() });
    await manager.insert(AuditRow, { ...entry, data: entry.data as object });
    await manager.upsert(AuditHead, { ceremonyId, seq: entry.seq, hash: entry.hash }, ['ceremonyId']);
    return entry;
  }

  /** Checks the whole chain against the stored head; names the first broken entry by its seq. */
  async verify(ceremonyId: string): Promise<AuditVerification> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const rows = await manager.find(AuditRow, { where: { ceremonyId }, order: { seq: 'ASC' } });
      const head = await manager.findOne(AuditHead, { where: { ceremonyId } });
      const result = verifyChain(rows.map(toEntry), head ? { expectedHead: head.hash } : {});
      if (result.ok) return { ok: true, count: result.count };
      return { ok: false, count: rows.length, brokenAt: result.brokenAt, reason: result.reason };
    });
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return { seq: row.seq, ceremonyId: row.ceremonyId, actor: row.actor, action: row.action, subject: row.subject, data: row.data as JsonValue, at: row.at, prevHash: row.prevHash, hash: row.hash };
}
