import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { contextLogger } from '#observability';
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { KvWatchEntry } from '@nats-io/kv';
import { KV_BUCKETS, STREAMS, type EventData, type EventEnvelope, type EventSubject, type ShowSnapshot } from '#contracts';
import { NatsBus } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { CeremonyDirectory } from './ceremony-directory.service.js';
import { LiveGateway } from './live.gateway.js';
import { LiveState } from './live-state.service.js';
import { ClockSync, GatewayClock } from './clock.js';

/** How long a KV snapshot ahead of the event feed waits for the events before it is checked again. */
const SNAPSHOT_GRACE_MS = 1000;
/**
 * The most a snapshot ahead of the event feed waits while the events are still on their way (the feed
 * is being followed anew, or has not routed all the stream holds yet); then it is pushed as the truth.
 */
const SNAPSHOT_MAX_WAIT_MS = 5000;

/**
 * Pull expiry of the event feed's consumer; its idle heartbeat is half of it, so a consumer that went
 * silent (it lived on a NATS node that died) is noticed after two missed heartbeats, ~5 s. nats.js's
 * default (30 s, heartbeats every 15 s) left a gateway's screens without events for up to a minute.
 */
const FEED_EXPIRES_MS = 5000;
/** Pause before a feed is followed again: short after a deliberate restart, longer after an error. */
const RESTART_MS = 200;
const RETRY_MS = 1000;
/**
 * How long a feed waits for the JetStream API before it asks again. The API answers in milliseconds
 * when the cluster has its leaders; while it elects them a request hangs until nats.js's 5 s timeout,
 * so a feed asking at the wrong moment came back up to 6 s after the cluster (test/cluster).
 */
const API_DEADLINE_MS = 1500;

/**
 * `call`, or a timeout after API_DEADLINE_MS. An answer that comes later is dropped, and what it
 * opened (a consumer, a watcher) is closed by `late`.
 */
function soon<T>(call: Promise<T>, late?: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new Error(`no answer from JetStream within ${API_DEADLINE_MS} ms`));
    }, API_DEADLINE_MS);
  });
  if (late) void call.then((value) => expired && late(value), () => undefined);
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

type Envelope<S extends EventSubject> = EventEnvelope<EventData<S>>;

/**
 * Feeds the sockets from NATS. Public subjects only: the snapshot KV bucket and an ordered consumer
 * on GALA_EVENTS (never GALA_SEALED). At boot the stream is replayed into the state without pushing
 * anything already held, so a restarted gateway knows seals and jury progress too.
 */
/** The least lead a gateway gives its screens when the shared flip instant is (nearly) past. */
export const MIN_FLIP_LEAD_MS = 50;

/**
 * When every screen shows a winner: the reveal's commit time (announcements' clock) plus the lead, in this
 * gateway's clock (its measured offset to announcements, ClockSync). Every gateway computes the same instant
 * from the same event, so screens on different gateways flip together even when their clocks disagree; the lead covers the way to the gateways and their fan-out. A gateway
 * that gets the reveal too late for that (catching up after an outage) gives its screens a short lead of
 * their own instead of an instant already past.
 */
export function flipInstant(revealedAt: string, now: number, leadMs: number, offsetMs = 0): string {
  // revealedAt is announcements' clock; `now` and the answer are this gateway's (offset = announcements − gateway).
  const shared = Date.parse(revealedAt) + leadMs - offsetMs;
  const earliest = now + Math.min(MIN_FLIP_LEAD_MS, leadMs);
  return new Date(Number.isFinite(shared) ? Math.max(shared, earliest) : now + leadMs).toISOString();
}

@Injectable()
export class EventFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = contextLogger('EventFeed');
  private stopped = false;
  private messages: ConsumerMessages | null = null;
  private stopKv: (() => void) | null = null;
  /** The GALA_EVENTS stream being followed (its creation time) and the last stream seq routed from it. */
  private followed: { created: string; lastSeq: number } | null = null;
  /** Called once on the next NATS reconnect (each feed restarts its consumer). */
  /** Snapshots ahead of the events, waiting for the events to catch up (by ceremony and show). */
  private readonly pendingSnapshots = new Map<string, { timer: NodeJS.Timeout }>();
  /** True while the event feed has a consumer delivering (false while it is being followed anew). */
  private feedLive = false;
  /** Ends the event feed's pause before it follows the stream again (set only during that pause). */
  private wakeFeed: (() => void) | null = null;

  constructor(
    private readonly bus: NatsBus,
    private readonly state: LiveState,
    private readonly directory: CeremonyDirectory,
    private readonly live: LiveGateway,
    private readonly clock: GatewayClock,
    private readonly clockSync: ClockSync,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The flip instant of a reveal committed at `revealedAt` (announcements' clock), in this gateway's clock. */
  private flipAt(revealedAt: string): string {
    return flipInstant(revealedAt, this.clock.now(), this.config.revealLeadMs, this.clockSync.offsetMs);
  }

  onApplicationBootstrap(): void {
    void this.followSnapshots();
    void this.followEvents();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const pending of this.pendingSnapshots.values()) clearTimeout(pending.timer);
    this.pendingSnapshots.clear();
    this.messages?.stop();
    this.stopKv?.();
  }

  private async followSnapshots(): Promise<void> {
    while (!this.stopped) {
      let pause = RESTART_MS;
      let unwatch = () => undefined as void;
      try {
        const kv = await soon(this.bus.kvm.open(KV_BUCKETS.show));
        const watcher = await soon(kv.watch(), (w) => w.stop());
        this.stopKv = () => watcher.stop();
        // Its consumer may have lived on the NATS node this gateway lost: watch anew (the latest value of each key again; held ones are dropped).
        unwatch = this.bus.onceReconnected(() => watcher.stop());
        for await (const entry of watcher) this.onSnapshot(entry);
        if (this.stopped) return;
      } catch (error) {
        if (this.stopped) return;
        pause = RETRY_MS;
        this.logger.warn(`show snapshots unavailable: ${(error as Error).message}; retrying`);
      } finally {
        unwatch();
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }


  /**
   * Stops the event feed's consumer when it is gone or has gone silent (deleted, or missed heartbeats:
   * it lived on a NATS node that died) or when this gateway reconnected to NATS (maybe to another node
   * of the cluster), so followEvents creates a new one right after the last seq seen. nats.js alone
   * would wait for the old consumer: up to two 15 s heartbeats, then info retries backing off up to
   * 45 s while the JetStream cluster elects leaders; the gateway's screens got no events meanwhile.
   */
  private restartWhenStuck(messages: ConsumerMessages): () => void {
    const stopOnReconnect = this.bus.onceReconnected(() => {
      this.logger.warn('NATS reconnected: following the event stream with a new consumer');
      messages.stop();
    });
    void (async () => {
      for await (const status of messages.status()) {
        if (status.type !== 'heartbeats_missed' && status.type !== 'consumer_deleted') continue;
        this.logger.warn(`the event feed's consumer is ${status.type === 'consumer_deleted' ? 'gone' : `silent (${status.count} heartbeats missed)`}: following the event stream with a new consumer`);
        messages.stop();
        return;
      }
    })();
    return stopOnReconnect;
  }

  private onSnapshot(entry: KvWatchEntry): void {
    if (entry.operation !== 'PUT') return;
    const snapshot = entry.json<ShowSnapshot>();
    const rehearsal = entry.key.endsWith('.rehearsal');
    const slug = snapshot.scene?.data.ceremony.slug;
    if (slug) this.directory.learn(snapshot.ceremonyId, slug);
    const key = `${snapshot.ceremonyId}:${rehearsal}`;
    clearTimeout(this.pendingSnapshots.get(key)?.timer);
    this.pendingSnapshots.delete(key);
    const held = this.state.show(snapshot.ceremonyId, rehearsal).scene;
    if (held && snapshot.scene && snapshot.scene.seq > held.seq) {
      // Ahead of the events seen. The relay puts a snapshot after the events it follows, so those are in
      // the stream: let them arrive as `scene`/`revealed` frames (screens animate a reveal, not a
      // snapshot). Only when the feed has routed all the stream holds and they are still missing (events
      // lost while cut off, a store reset) is the snapshot pushed as the truth.
      this.holdSnapshot(key, snapshot, rehearsal, Date.now());
      return;
    }
    if (this.state.applySnapshot(snapshot, rehearsal)) this.live.pushSnapshot(snapshot.ceremonyId, rehearsal);
  }

  /**
   * Looks again after SNAPSHOT_GRACE_MS. While the events are still on their way it keeps waiting, up to
   * SNAPSHOT_MAX_WAIT_MS: a feed being followed anew (after a NATS failover, on a loaded machine) took
   * longer than a fixed second, and its scenes then reached the screens as a snapshot (test/cluster).
   */
  private holdSnapshot(key: string, snapshot: ShowSnapshot, rehearsal: boolean, since: number): void {
    const pending = {
      timer: setTimeout(() => {
        void (async () => {
          const ahead = () => {
            const held = this.state.show(snapshot.ceremonyId, rehearsal).scene;
            return !held || (snapshot.scene?.seq ?? 0) > held.seq;
          };
          if (ahead() && Date.now() - since < SNAPSHOT_MAX_WAIT_MS && (await this.eventsOnTheirWay())) {
            if (this.pendingSnapshots.get(key) === pending && !this.stopped) this.holdSnapshot(key, snapshot, rehearsal, since);
            return;
          }
          // A newer snapshot (or the shutdown) took over while the stream was asked.
          if (this.pendingSnapshots.get(key) !== pending || this.stopped) return;
          this.pendingSnapshots.delete(key);
          this.pushHeldSnapshot(snapshot, rehearsal);
        })();
      }, SNAPSHOT_GRACE_MS),
    };
    this.pendingSnapshots.set(key, pending);
  }

  private pushHeldSnapshot(snapshot: ShowSnapshot, rehearsal: boolean): void {
    // Reveals the events never brought still go out as `revealed`, with the flip instant every
    // gateway gives them, so screens animate them in sync instead of jumping to a snapshot.
    const view = this.state.show(snapshot.ceremonyId, rehearsal);
    const missed = snapshot.results.filter((r) => !view.results.has(r.categoryId));
    const revealed = missed.map((r) => this.state.applyReveal(r, this.flipAt(r.revealedAt))).filter((r) => r !== null);
    revealed.forEach((r) => this.live.pushRevealed(r));
    if (this.state.applySnapshot(snapshot, rehearsal) || revealed.length) this.live.pushSnapshot(snapshot.ceremonyId, rehearsal);
  }

  /**
   * True while the events behind a snapshot may still come through the event feed: it is being followed
   * anew (a snapshot just came, so JetStream answers: it is asked at once instead of after its pause), it
   * follows an older copy of the stream, or it has not routed all the stream holds. The stream's answer
   * comes after whatever is already on the wire, so a loaded event loop does not pass for lost events.
   */
  private async eventsOnTheirWay(): Promise<boolean> {
    if (!this.feedLive) {
      this.wakeFeed?.();
      return true;
    }
    const info = await soon(this.bus.jsm.streams.info(STREAMS.events.name)).catch(() => null);
    if (!info) return true;
    const followed = this.followed;
    return !this.feedLive || followed === null || followed.created !== info.created || followed.lastSeq < info.state.last_seq;
  }

  /**
   * An ordered consumer resumes after the last stream seq it saw. If the stream was created anew (the
   * JetStream store was lost and the services republished into an empty stream), that seq is far ahead
   * and nothing new would come: restart from the beginning of the new stream (the state drops what it holds).
   */
  private watchStreamReset(created: string, messages: ConsumerMessages): () => void {
    const check = async () => {
      const info = await this.bus.jsm.streams.info(STREAMS.events.name).catch(() => null);
      if (info && info.created !== created) {
        this.logger.warn('the event stream was created anew (JetStream store reset): replaying it from the start');
        messages.stop();
      } else if (info && this.followed && info.state.last_seq < this.followed.lastSeq) {
        // The store came back with a lost tail (an older copy, a truncated block): the services republish
        // what it lost after its new last seq, which this consumer (past that seq) would never see.
        this.logger.warn({ lastSeq: info.state.last_seq, routed: this.followed.lastSeq }, 'the event stream lost its tail: following it again from its last seq');
        messages.stop();
      }
    };
    const timer = setInterval(() => void check(), 2000);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async followEvents(): Promise<void> {
    while (!this.stopped) {
      let pause = RESTART_MS;
      let unwatch = () => undefined as void;
      let unwatchHealth = () => undefined as void;
      try {
        const info = await soon(this.bus.jsm.streams.info(STREAMS.events.name));
        const created = info.created;
        // The same stream again: resume right after the last event routed. A new stream (or the first
        // time): from its beginning, without pushing what the state already holds.
        if (this.followed?.created !== created) this.followed = { created, lastSeq: 0 };
        // The same stream with a lost tail: what comes next (republished by the services) is after its last seq.
        else if (info.state.last_seq < this.followed.lastSeq) this.followed.lastSeq = info.state.last_seq;
        const followed = this.followed;
        const consumer = await soon(this.bus.js.consumers.get(STREAMS.events.name, {
          filter_subjects: STREAMS.events.subjects[0],
          ...(followed.lastSeq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: followed.lastSeq + 1 } : { deliver_policy: DeliverPolicy.All }),
        }));
        const messages = await soon(consumer.consume({ max_messages: 500, expires: FEED_EXPIRES_MS }), (m) => m.stop());
        this.messages = messages;
        this.feedLive = true;
        unwatch = this.watchStreamReset(created, messages);
        unwatchHealth = this.restartWhenStuck(messages);
        // stop() may have run while the consumer was being created.
        if (this.stopped) messages.stop();
        for await (const msg of messages) {
          followed.lastSeq = msg.seq;
          try {
            this.route(msg.subject as EventSubject, msg.json<EventEnvelope<never>>());
          } catch (error) {
            this.logger.warn(`dropped malformed event on ${msg.subject}: ${(error as Error).message}`);
          }
        }
      } catch (error) {
        if (this.stopped) return;
        pause = RETRY_MS;
        this.logger.warn(`event stream unavailable: ${(error as Error).message}; retrying`);
      } finally {
        this.feedLive = false;
        unwatch();
        unwatchHealth();
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wakeFeed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeFeed = null;
    }
  }

  route(subject: EventSubject, envelope: EventEnvelope<never>): void {
    switch (subject) {
      case 'gala.events.nominations.ceremony.imported': {
        const e = envelope as Envelope<typeof subject>;
        this.directory.learn(e.data.ceremony.id, e.data.ceremony.slug);
        return;
      }
      case 'gala.events.announcements.winner.revealed': {
        const e = envelope as Envelope<typeof subject>;
        const revealed = this.state.applyReveal(e.data, this.flipAt(e.data.revealedAt));
        if (revealed) this.live.pushRevealed(revealed);
        return;
      }
      case 'gala.events.announcements.envelope.staged': {
        const e = envelope as Envelope<typeof subject>;
        if (this.state.applyStaged(e.data)) this.live.pushEnvelope(e.data);
        return;
      }
      case 'gala.events.announcements.scene.changed': {
        const e = envelope as Envelope<typeof subject>;
        const scene = this.state.applyScene(e.data);
        if (scene) this.live.pushScene(scene);
        return;
      }
      case 'gala.events.jury.verdict.sealed': {
        const e = envelope as Envelope<typeof subject>;
        if (this.state.applySeal(e.data)) this.live.pushSealed(e.data);
        return;
      }
      case 'gala.events.vote.verdict.sealed': {
        const e = envelope as Envelope<typeof subject>;
        if (this.state.applySeal(e.data)) this.live.pushSealed(e.data);
        return;
      }
      case 'gala.events.vote.window': {
        const e = envelope as Envelope<typeof subject>;
        this.live.pushVoteWindow(e.data);
        return;
      }
      case 'gala.events.jury.progress': {
        const e = envelope as Envelope<typeof subject>;
        if (this.state.applyProgress(e.data)) this.live.pushProgress(e.data);
        return;
      }
      case 'gala.events.announcements.presenter.message': {
        const e = envelope as Envelope<typeof subject>;
        if (this.state.applyPresenterMessage(e.data)) this.live.pushPresenterMessage(e.data);
        return;
      }
      case 'gala.events.nominations.shortlist.published':
      case 'gala.sealed.jury.verdict':
      case 'gala.sealed.vote.verdict':
      case 'gala.votes.cast':
        return;
    }
  }
}
