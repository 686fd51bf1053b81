import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { DataSource, type EntityManager } from 'typeorm';
import { STREAMS, type EventEnvelope, type VoteCastData } from '#contracts';
import { NatsBus } from '#messaging';
import { contextLogger, eventsProcessed } from '#observability';
import { VOTE_CONSUMER } from '../windows/windows.service.js';
import { acceptance, type WindowTimes } from '../windows/window-rules.js';
import { votesCounted } from './vote-metrics.js';

const HEX64 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = 500;
/**
 * How long JetStream waits for a counted batch's acks before it hands those votes out again. After a vote-service
 * crash, the batch the dead process had taken is counted once this has passed, and the seal (which waits until the
 * log is counted) comes that much later at most.
 */
export const COUNTER_ACK_WAIT_MS = 30_000;

interface Parsed {
  msg: JsMsg;
  envelope: EventEnvelope<VoteCastData>;
}

/** A vote as logged, or why it can never be counted (parked). */
function parse(msg: JsMsg): Parsed | { msg: JsMsg; poison: string } {
  let raw: EventEnvelope<VoteCastData>;
  try {
    raw = msg.json<EventEnvelope<VoteCastData>>();
  } catch {
    return { msg, poison: 'payload is not JSON' };
  }
  const d = raw?.data;
  const ok =
    typeof raw?.id === 'string' && UUID.test(raw.id) && typeof raw.ceremonyId === 'string' && UUID.test(raw.ceremonyId) &&
    typeof d === 'object' && d !== null && UUID.test(String(d.categoryId)) && UUID.test(String(d.nomineeId)) &&
    HEX64.test(String(d.ticketHash)) && HEX64.test(String(d.salt)) && HEX64.test(String(d.receipt)) && !Number.isNaN(Date.parse(String(d.castAt)));
  return ok ? { msg, envelope: raw } : { msg, poison: 'not a valid vote envelope' };
}

/**
 * Counts the vote log (GALA_VOTES) exactly once, in batches: one durable pull consumer, and per batch one
 * transaction that records the events' ids in processed_events, inserts the votes (one per category and ticket:
 * the unique index) with the acceptance rule (window-rules.ts) under the windows' row locks (the seal takes them
 * too) and adds the accepted ones to the tallies; the messages are acknowledged only after it commits. A batch
 * that fails is redelivered whole; what it had committed before is skipped by processed_events. The same
 * guarantees as libs/messaging's EventConsumer (one event, one transaction), at a televote's rate.
 */
@Injectable()
export class VoteCounter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = contextLogger('VoteCounter');
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly bus: NatsBus,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureConsumer();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async ensureConsumer(): Promise<void> {
    try {
      await this.bus.jsm.consumers.info(STREAMS.votes.name, VOTE_CONSUMER);
    } catch {
      await this.bus.jsm.consumers.add(STREAMS.votes.name, {
        durable_name: VOTE_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: STREAMS.votes.subjects[0],
        ack_wait: COUNTER_ACK_WAIT_MS * 1e6,
        max_ack_pending: 5000,
      });
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const consumer = await this.bus.js.consumers.get(STREAMS.votes.name, VOTE_CONSUMER);
        while (!this.stopping) {
          const batch: JsMsg[] = [];
          const fetched = await consumer.fetch({ max_messages: BATCH, expires: 1000 });
          for await (const msg of fetched) batch.push(msg);
          if (batch.length) await this.count(batch);
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(`vote counter interrupted: ${(error as Error).message}; resuming`);
        await new Promise((r) => setTimeout(r, 1000));
        await this.ensureConsumer().catch(() => undefined);
      }
    }
  }

  private async count(batch: JsMsg[]): Promise<void> {
    const parsed = batch.map(parse);
    const good = parsed.filter((p): p is Parsed => 'envelope' in p);
    const tally = { accepted: 0, rejected: 0 };
    try {
      await this.dataSource.transaction(async (manager) => {
        for (const p of parsed) if ('poison' in p) await this.park(manager, p.msg, p.poison);
        await this.countIn(manager, good, tally);
      });
    } catch (error) {
      this.logger.warn(`a batch of ${batch.length} votes failed: ${(error as Error).message}; it will be redelivered`);
      for (const msg of batch) msg.nak(1000);
      return;
    }
    for (const msg of batch) msg.ack();
    votesCounted.inc({ acceptance: 'accepted' }, tally.accepted);
    votesCounted.inc({ acceptance: 'rejected' }, tally.rejected);
    eventsProcessed.inc({ subject: 'gala.votes.cast', outcome: 'handled' }, good.length);
  }

  private async countIn(manager: EntityManager, votes: Parsed[], tally: { accepted: number; rejected: number }): Promise<void> {
    if (votes.length === 0) return;
    // processed_events: an event already counted (a redelivery) has no second effect.
    const fresh: { event_id: string }[] = await manager.query(
      `INSERT INTO vote.processed_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS id ON CONFLICT DO NOTHING RETURNING event_id`,
      [VOTE_CONSUMER.replace(/-gala_votes$/, ''), [...new Set(votes.map((v) => v.envelope.id))]],
    );
    const isFresh = new Set(fresh.map((r) => r.event_id));
    const todo = votes.filter((v) => isFresh.delete(v.envelope.id));
    if (todo.length === 0) return;
    const categories = [...new Set(todo.map((v) => v.envelope.data.categoryId))];
    const locked = await manager.query<{ category_id: string; opened_at: Date; closes_at: Date; closed_at: Date | null; sealed_at: Date | null }[]>(
      `SELECT category_id, opened_at, closes_at, closed_at, sealed_at FROM vote.windows WHERE category_id = ANY($1::uuid[]) ORDER BY category_id FOR UPDATE`,
      [categories],
    );
    const windows = new Map<string, WindowTimes>(locked.map((w) => [w.category_id, { openedAt: w.opened_at, closesAt: w.closes_at, closedAt: w.closed_at, sealedAt: w.sealed_at }]));
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
    for (const { msg, envelope } of todo) {
      const v = envelope.data;
      const window = windows.get(v.categoryId);
      const verdict = window ? acceptance(window, new Date(v.castAt), msg.time) : ({ accepted: false, reason: 'outside the window' } as const);
      [envelope.id, envelope.ceremonyId, v.categoryId, v.ticketHash, v.nomineeId, v.salt, v.receipt, v.castAt, String(msg.seq), verdict.accepted, verdict.reason].forEach((x, i) => cols[i].push(x));
    }
    // One row per (category, ticket): a repeat that outlived the stream's dedup window is not inserted (the first stands).
    const inserted: { category_id: string; nominee_id: string; accepted: boolean }[] = await manager.query(
      `INSERT INTO vote.votes (id, ceremony_id, category_id, ticket_hash, nominee_id, salt, receipt, cast_at, stream_seq, accepted, reason)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::char(64)[], $5::uuid[], $6::char(64)[], $7::char(64)[], $8::timestamptz[], $9::bigint[], $10::boolean[], $11::varchar[])
       ON CONFLICT DO NOTHING RETURNING category_id, nominee_id, accepted`,
      cols,
    );
    const counted = inserted.filter((r) => r.accepted);
    tally.accepted += counted.length;
    tally.rejected += inserted.length - counted.length;
    if (counted.length === 0) return;
    const add = new Map<string, { category: string; nominee: string; n: number }>();
    for (const r of counted) {
      const key = `${r.category_id}|${r.nominee_id}`;
      const row = add.get(key) ?? { category: r.category_id, nominee: r.nominee_id, n: 0 };
      row.n++;
      add.set(key, row);
    }
    const rows = [...add.values()];
    await manager.query(
      `INSERT INTO vote.tallies (category_id, nominee_id, count) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])
       ON CONFLICT (category_id, nominee_id) DO UPDATE SET count = vote.tallies.count + EXCLUDED.count`,
      [rows.map((r) => r.category), rows.map((r) => r.nominee), rows.map((r) => r.n)],
    );
  }

  private async park(manager: EntityManager, msg: JsMsg, error: string): Promise<void> {
    await manager.query(`INSERT INTO vote.parked_events (consumer, subject, stream_seq, event_id, payload, error, deliveries) VALUES ($1, $2, $3, NULL, $4, $5, $6)`, [
      'vote',
      msg.subject,
      String(msg.seq),
      msg.string().slice(0, 100_000),
      error,
      msg.info.deliveryCount,
    ]);
    this.logger.error(`poison vote parked (stream seq ${msg.seq}): ${error}`);
  }
}
