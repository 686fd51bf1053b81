import { headers } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CORRELATION_HEADER, outboxPublished } from '#observability';
import { OutboxMessage, type OutboxRow } from './entities.js';
import type { NatsBus } from './nats-bus.js';

export interface OutboxRelayOptions {
  pollIntervalMs?: number;
  batchSize?: number;
  /** Fault injection for tests: runs after publishing a batch and before marking it sent. */
  afterPublish?: (rows: Pick<OutboxMessage, 'id' | 'subject' | 'kind' | 'payload'>[]) => Promise<void>;
}

/**
 * Publishes outbox rows to JetStream in order, with the event id as msgID (the stream dedups a
 * republish after a crash), then marks them sent. Rows are claimed FOR UPDATE SKIP LOCKED so several
 * replicas of a service can run a relay each.
 *
 * Fast path: rows that a transaction of this process has just committed (`kick(rows)`) are published
 * straight from memory, without reading them back, when nothing older is known to be pending (the last
 * poll found the outbox drained and every kick since carried its rows). That takes a round trip and a
 * lock off every cue's way to the screens. Anything else (an error, a kick without rows, rows of other
 * replicas) goes through the ordered poll, which also republishes whatever the fast path could not mark.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pending = false;
  /** Committed rows waiting for the fast path, in commit order. */
  private fresh: OutboxRow[] = [];
  /** True while every row this process knows of is published (so fresh rows may go out first). */
  private drained = false;
  /** Kicks without rows so far: rows committed somewhere we do not know, to be found by a poll. */
  private blindKicks = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: NatsBus,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in flight, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    this.loop = null;
  }

  /** Wakes the relay; `committed` are the rows of a transaction that has just committed (in order). */
  kick(committed?: OutboxRow[]): void {
    if (committed === undefined) {
      this.blindKicks++;
      this.drained = false;
    }
    else if (committed.length === 0) return;
    else this.fresh.push(...committed);
    this.pending = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 500;
    let backoff = 0;
    while (this.running) {
      this.pending = false;
      try {
        if (this.fresh.length > 0 && this.drained && (await this.publishFresh())) {
          backoff = 0;
          if (!this.pending) await this.sleep(poll);
          continue;
        }
        const published = await this.publishBatch();
        backoff = 0;
        if (published > 0) continue;
      } catch (error) {
        this.drained = false;
        // At most a second between tries: a JetStream cluster electing a new stream leader answers
        // "not enabled" for a few seconds, and what was committed meanwhile (a reveal) should go out
        // within a second of the new leader, not after a 5 s back-off. A try costs one small query.
        backoff = Math.min(backoff ? backoff * 2 : 200, 1000);
        this.logger.warn({ err: (error as Error).message, retryInMs: backoff }, 'outbox relay could not publish; will retry');
      }
      if (!this.running) break;
      if (this.pending && backoff === 0) continue;
      await this.sleep(backoff || poll);
    }
  }

  /** Waits `ms` or until the next kick. */
  private async sleep(ms: number): Promise<void> {
    if (!this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  /**
   * The fast path: publishes the rows just committed, then marks them sent (rows another relay marked
   * meanwhile are left alone). Returns false, leaving them to the ordered poll, if publishing fails.
   */
  private async publishFresh(): Promise<boolean> {
    const rows = this.fresh.splice(0);
    try {
      for (const row of rows) await this.publishOne(row);
    } catch (error) {
      this.drained = false;
      this.logger.warn({ err: (error as Error).message }, 'outbox relay could not publish committed rows at once; the poll retries them in order');
      return false;
    }
    await this.options.afterPublish?.(rows);
    await this.dataSource
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ publishedAt: () => 'now()' })
      .where('id IN (:...ids) AND published_at IS NULL', { ids: rows.map((r) => r.id) })
      .execute();
    outboxPublished.inc(rows.length);
    return true;
  }

  /** Publishes one batch; returns how many rows were sent. */
  async publishBatch(): Promise<number> {
    const batch = this.options.batchSize ?? 100;
    // Rows committed from now on and kicked with their contents may take the fast path once this batch
    // shows the outbox drained; the ones already waiting are in this batch or the next.
    this.fresh = [];
    const blindKicks = this.blindKicks;
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .getRepository(OutboxMessage)
        .createQueryBuilder('o')
        .where('o.published_at IS NULL')
        .orderBy('o.position', 'ASC')
        .limit(batch)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (rows.length === 0) {
        this.drained = this.blindKicks === blindKicks;
        return 0;
      }
      try {
        for (const row of rows) await this.publishOne(row);
      } catch (error) {
        await manager
          .createQueryBuilder()
          .update(OutboxMessage)
          .set({ attempts: () => 'attempts + 1', lastError: String((error as Error).message).slice(0, 500) })
          .where('position = :p', { p: rows[0].position })
          .execute();
        throw error;
      }
      await this.options.afterPublish?.(rows);
      await manager
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ publishedAt: () => 'now()' })
        .whereInIds(rows.map((r) => r.position))
        .execute();
      outboxPublished.inc(rows.length);
      this.drained = rows.length < batch && this.blindKicks === blindKicks;
      return rows.length;
    });
  }

  private async publishOne(row: Pick<OutboxMessage, 'id' | 'subject' | 'kind' | 'payload'>): Promise<void> {
    const h = headers();
    if (row.kind === 'event') {
      const correlationId = (JSON.parse(row.payload) as { correlationId?: string }).correlationId;
      if (correlationId) h.set(CORRELATION_HEADER, correlationId);
    }
    await this.bus.js.publish(row.subject, row.payload, { msgID: row.id, headers: h, timeout: 5000 });
  }
}
