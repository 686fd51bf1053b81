import type { PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CORRELATION_HEADER, outboxPublished, outboxRepublished, setOutboxLagProbe, traceHop } from '#observability';
import { OutboxMessage, type OutboxRow } from './entities.js';
import type { NatsBus } from './nats-bus.js';

export interface OutboxRelayOptions {
  /** The service whose outbox this is: the label of its lag gauges on /metrics. */
  service?: string;
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
 *
 * While drained, the periodic poll first looks without a transaction or a lock (one query: the oldest
 * unpublished rows' ids) and claims rows only when it finds one the fast path did not take; rows kicked while
 * that look runs are published at once, not after it. A cue committed while the poll was under way waited for
 * the whole claiming transaction before (bench/reveal --trace: 36 ms from commit to publish in 2 of 9 rounds on
 * a loaded machine).
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
  /**
   * Rows of this process's transactions between the end of their work and their kick (the commit under way).
   * A poll that sees one has overtaken its kick, which is on its way: the fast path takes it.
   */
  private readonly inCommit = new Set<string>();
  /** Rows a claiming poll published before their kick came: the kick must not publish them again. */
  private readonly polledAhead = new Set<string>();
  /** Kicks without rows so far: rows committed somewhere we do not know, to be found by a poll. */
  private blindKicks = 0;
  /** The highest seq JetStream acknowledged per stream (from this relay's publishes and its outbox). */
  private readonly acked = new Map<string, number>();
  /** Set when the stream may have lost what it acknowledged: the loop checks and republishes first. */
  private tailCheckWanted = false;
  /** Rows published and then found missing from their stream, republished (for tests and the log). */
  republished = 0;

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
    if (this.options.service) {
      setOutboxLagProbe(this.options.service, async () => {
        const [row] = await this.dataSource.query<{ pending: number; oldest: number }[]>(
          `SELECT count(*)::int AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest FROM ${this.table} WHERE published_at IS NULL`,
        );
        return { pending: row.pending, oldestSeconds: row.oldest };
      });
    }
  }

  /**
   * Asks the relay to compare its stream(s) with what it marked published: at once when a stream's last
   * seq is below what it acknowledged to this relay (a lost tail), or always with `thorough` (after a
   * reconnect: the broker may have come back from an older copy of its store while others published).
   */
  async checkTail(thorough = false): Promise<void> {
    if (this.acked.size === 0) await this.loadAcked();
    let behind = thorough;
    for (const [stream, seq] of this.acked) {
      const info = await this.bus.jsm.streams.info(stream).catch(() => null);
      if (info && info.state.last_seq < seq) {
        this.logger.warn({ stream, lastSeq: info.state.last_seq, acknowledged: seq }, 'stream holds less than it acknowledged (lost tail): checking the outbox against it');
        behind = true;
      }
    }
    if (behind) {
      this.tailCheckWanted = true;
      this.pending = true;
      this.wake?.();
    }
  }

  private async loadAcked(): Promise<void> {
    const rows: { stream: string; seq: string }[] = await this.dataSource.query(`SELECT stream, max(stream_seq)::text AS seq FROM ${this.table} WHERE stream IS NOT NULL GROUP BY stream`);
    for (const r of rows) this.acked.set(r.stream, Math.max(this.acked.get(r.stream) ?? 0, Number(r.seq)));
  }

  private get table(): string {
    return this.dataSource.getRepository(OutboxMessage).metadata.tablePath;
  }

  /** A PubAck at or below a seq already acknowledged, not a duplicate: the stream went back (lost its tail). */
  private noteAck(ack: PubAck): void {
    const highest = this.acked.get(ack.stream) ?? 0;
    if (!ack.duplicate && ack.seq <= highest) {
      if (!this.tailCheckWanted) this.logger.warn({ stream: ack.stream, seq: ack.seq, acknowledged: highest }, 'stream seq went back (lost tail): checking the outbox against it');
      this.tailCheckWanted = true;
    }
    if (ack.seq > highest) this.acked.set(ack.stream, ack.seq);
  }

  /** Marks rows published, with where JetStream stored each. */
  private async markPublished(manager: DataSource['manager'], acks: { id: string; ack: PubAck }[], onlyUnpublished: boolean): Promise<void> {
    await manager.query(
      `UPDATE ${this.table} o SET published_at = coalesce(o.published_at, now()), stream = v.stream, stream_seq = v.seq
         FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS v(id, stream, seq)
        WHERE o.id = v.id${onlyUnpublished ? ' AND o.published_at IS NULL' : ''}`,
      [acks.map((a) => a.id), acks.map((a) => a.ack.stream), acks.map((a) => a.ack.seq)],
    );
  }

  /**
   * Walks the outbox back from its newest published row and checks that the stream still holds each at
   * the seq it was acknowledged with (same msgID); republishes the missing ones in their order (msgID
   * dedup: one that is there after all is not stored twice). For a KV key only its newest put counts
   * (older puts of a key are gone by design). Stops after 100 rows in a row that check out, once past
   * the missing ones, or after 500 rows when none is missing.
   */
  private async repairTail(): Promise<number> {
    this.tailCheckWanted = false;
    const missing: (OutboxMessage & { stream_seq: string })[] = [];
    const seenKeys = new Set<string>();
    let fine = 0;
    let scanned = 0;
    let before: string | null = null;
    for (;;) {
      const page: (OutboxMessage & { stream_seq: string })[] = await this.dataSource.query(
        `SELECT o.position::text AS position, o.id, o.subject, o.kind, o.payload, o.stream, o.stream_seq::text AS stream_seq FROM ${this.table} o
          WHERE o.published_at IS NOT NULL AND o.stream_seq IS NOT NULL${before ? ' AND o.position < $1' : ''} ORDER BY o.position DESC LIMIT 200`,
        before ? [before] : [],
      );
      if (page.length === 0) break;
      for (const row of page) {
        scanned++;
        before = row.position;
        let held: boolean;
        if (row.kind === 'kv') {
          if (seenKeys.has(row.subject)) continue;
          seenKeys.add(row.subject);
          held = await this.keyHolds(row);
        } else {
          const msg = await this.bus.jsm.streams.getMessage(row.stream!, { seq: Number(row.stream_seq) }).catch(() => null);
          held = msg?.header?.get('Nats-Msg-Id') === row.id;
        }
        if (held) fine++;
        else {
          missing.push(row);
          fine = 0;
        }
      }
      if ((missing.length > 0 && fine >= 100) || (missing.length === 0 && scanned >= 500)) break;
    }
    if (missing.length === 0) {
      await this.resetAcked();
      return 0;
    }
    missing.reverse();
    const acks: { id: string; ack: PubAck }[] = [];
    for (const row of missing) acks.push({ id: row.id, ack: await this.publishOne(row) });
    await this.markPublished(this.dataSource.manager, acks, false);
    this.republished += missing.length;
    outboxRepublished.inc(missing.length);
    this.logger.warn({ rows: missing.length, scanned }, 'outbox rows missing from their stream were published again');
    await this.resetAcked();
    return missing.length;
  }

  /** After a check: what the streams hold now is the new baseline (a KV stream keeps only each key's last put). */
  private async resetAcked(): Promise<void> {
    for (const stream of [...this.acked.keys()]) {
      const info = await this.bus.jsm.streams.info(stream).catch(() => null);
      if (info) this.acked.set(stream, info.state.last_seq);
    }
  }

  /** Finishes the batch in flight, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.options.service) setOutboxLagProbe(this.options.service, null);
    this.kick();
    await this.loop;
    this.loop = null;
  }

  /** The rows of a transaction about to commit in this process (its kick follows, or `abandon`). */
  committing(rows: OutboxRow[]): void {
    for (const row of rows) this.inCommit.add(row.id);
  }

  /** A commit announced by `committing` failed or lost its answer: whatever it wrote is left to the ordered poll. */
  abandon(rows: OutboxRow[]): void {
    for (const row of rows) {
      this.inCommit.delete(row.id);
      this.polledAhead.delete(row.id);
    }
    this.kick();
  }

  /** Wakes the relay; `committed` are the rows of a transaction that has just committed (in order). */
  kick(committed?: OutboxRow[]): void {
    if (committed === undefined) {
      this.blindKicks++;
      this.drained = false;
    }
    else if (committed.length === 0) return;
    else {
      let rows = committed;
      for (const row of committed) this.inCommit.delete(row.id);
      if (this.polledAhead.size > 0) {
        rows = committed.filter((row) => !this.polledAhead.delete(row.id));
        if (rows.length === 0) return;
      }
      this.fresh.push(...rows);
    }
    this.pending = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 500;
    let backoff = 0;
    while (this.running) {
      this.pending = false;
      try {
        if (this.tailCheckWanted) await this.repairTail();
        if (this.fresh.length > 0 && this.drained && (await this.publishFresh())) {
          backoff = 0;
          if (!this.pending) await this.sleep(poll);
          continue;
        }
        const published = this.drained ? await this.checkDrained() : await this.publishBatch();
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
    const acks: { id: string; ack: PubAck }[] = [];
    try {
      for (const row of rows) acks.push({ id: row.id, ack: await this.publishOne(row) });
    } catch (error) {
      this.drained = false;
      this.logger.warn({ err: (error as Error).message }, 'outbox relay could not publish committed rows at once; the poll retries them in order');
      return false;
    }
    await this.options.afterPublish?.(rows);
    await this.markPublished(this.dataSource.manager, acks, true);
    outboxPublished.inc(rows.length);
    return true;
  }

  /**
   * The poll while drained: the ids of the oldest unpublished rows, read without a transaction or a lock. None,
   * or only rows a kick handed to the fast path (committed while this query ran): still drained, nothing
   * claimed, and the fast path publishes them next. Anything else (another replica's rows, a commit whose kick
   * has not come yet) goes through the ordered, claiming poll.
   */
  private async checkDrained(): Promise<number> {
    const blindKicks = this.blindKicks;
    const look = this.dataSource.query<{ id: string }[]>(`SELECT id FROM ${this.table} WHERE published_at IS NULL ORDER BY position LIMIT 100`);
    look.catch(() => undefined);
    // Rows kicked while the look runs go out at once: the look claims and publishes nothing, so nothing it
    // leads to can overtake them (a poll after it republishes only with the same msgIDs, in the same order).
    const sentMeanwhile = new Set<string>();
    for (;;) {
      if (this.fresh.length > 0 && this.drained && this.running) {
        const ids = this.fresh.map((r) => r.id);
        if (await this.publishFresh()) ids.forEach((id) => sentMeanwhile.add(id));
        continue;
      }
      const kicked = new Promise<null>((resolve) => (this.wake = () => resolve(null)));
      const rows = await Promise.race([look, kicked]);
      this.wake = null;
      if (rows === null) {
        if (!this.running) return 0;
        continue;
      }
      if (this.blindKicks === blindKicks && this.drained) {
        // Handed to the fast path: kicked already, or committing with the kick on its way.
        const handed = new Set([...this.fresh.map((r) => r.id), ...sentMeanwhile]);
        if (rows.every((r) => handed.has(r.id) || this.inCommit.has(r.id))) return 0;
      }
      return this.publishBatch();
    }
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
      const acks: { id: string; ack: PubAck }[] = [];
      try {
        for (const row of rows) acks.push({ id: row.id, ack: await this.publishOne(row) });
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
      await this.markPublished(manager, acks, false);
      outboxPublished.inc(rows.length);
      // Rows this poll found before their kick came: that kick (or one already here) must not send them again.
      const sent = new Set(rows.map((r) => r.id));
      this.fresh = this.fresh.filter((r) => !sent.has(r.id));
      for (const row of rows) if (this.inCommit.has(row.id)) this.polledAhead.add(row.id);
      this.drained = rows.length < batch && this.blindKicks === blindKicks;
      return rows.length;
    });
  }

  /**
   * Whether a KV key still holds this row's put or something newer: its last message is this row, or a
   * put this outbox does not know (another writer's, left alone). Lost: the key is empty, or holds an
   * older put of this outbox (the newer one went with the lost tail).
   */
  private async keyHolds(row: OutboxMessage): Promise<boolean> {
    const last = await this.bus.jsm.streams.getMessage(row.stream!, { last_by_subj: row.subject }).catch(() => null);
    if (!last) return false;
    const id = last.header?.get('Nats-Msg-Id') ?? '';
    if (id === row.id) return true;
    if (!/^[0-9a-f-]{36}$/i.test(id)) return true;
    const older: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${this.table} WHERE id = $1 AND position < $2`, [id, row.position]);
    return older.length === 0;
  }

  private async publishOne(row: Pick<OutboxMessage, 'id' | 'subject' | 'kind' | 'payload'>): Promise<PubAck> {
    const h = headers();
    if (row.kind === 'event') {
      const correlationId = (JSON.parse(row.payload) as { correlationId?: string }).correlationId;
      if (correlationId) h.set(CORRELATION_HEADER, correlationId);
    }
    traceHop(`relay.publish ${row.subject}`);
    const ack = await this.bus.js.publish(row.subject, row.payload, { msgID: row.id, headers: h, timeout: 5000 });
    traceHop(`relay.acked ${row.subject}`);
    this.noteAck(ack);
    return ack;
  }
}
