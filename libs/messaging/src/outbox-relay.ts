import { headers } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CORRELATION_HEADER, outboxPublished } from '#observability';
import { OutboxMessage } from './entities.js';
import type { NatsBus } from './nats-bus.js';

export interface OutboxRelayOptions {
  pollIntervalMs?: number;
  batchSize?: number;
  /** Fault injection for tests: runs after publishing a batch and before marking it sent. */
  afterPublish?: (rows: OutboxMessage[]) => Promise<void>;
}

/**
 * Publishes outbox rows to JetStream in order, with the event id as msgID (the stream dedups a
 * republish after a crash), then marks them sent. Rows are claimed FOR UPDATE SKIP LOCKED so several
 * replicas of a service can run a relay each.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pending = false;

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

  kick(): void {
    this.pending = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 500;
    let backoff = 0;
    while (this.running) {
      this.pending = false;
      try {
        const published = await this.publishBatch();
        backoff = 0;
        if (published > 0) continue;
      } catch (error) {
        backoff = Math.min(backoff ? backoff * 2 : 200, 5000);
        this.logger.warn({ err: (error as Error).message, retryInMs: backoff }, 'outbox relay could not publish; will retry');
      }
      if (!this.running) break;
      if (this.pending && backoff === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff || poll);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Publishes one batch; returns how many rows were sent. */
  async publishBatch(): Promise<number> {
    const batch = this.options.batchSize ?? 100;
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
      if (rows.length === 0) return 0;
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
      return rows.length;
    });
  }

  private async publishOne(row: OutboxMessage): Promise<void> {
    const h = headers();
    if (row.kind === 'event') {
      const correlationId = (JSON.parse(row.payload) as { correlationId?: string }).correlationId;
      if (correlationId) h.set(CORRELATION_HEADER, correlationId);
    }
    await this.bus.js.publish(row.subject, row.payload, { msgID: row.id, headers: h, timeout: 5000 });
  }
}
