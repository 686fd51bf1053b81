import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { KvWatchEntry } from '@nats-io/kv';
import { KV_BUCKETS, STREAMS, type EventData, type EventEnvelope, type EventSubject, type ShowSnapshot } from '#contracts';
import { NatsBus } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { CeremonyDirectory } from './ceremony-directory.service.js';
import { LiveGateway } from './live.gateway.js';
import { LiveState } from './live-state.service.js';

/** How long a KV snapshot ahead of the event feed waits for the events before it is pushed itself. */
const SNAPSHOT_GRACE_MS = 1000;

type Envelope<S extends EventSubject> = EventEnvelope<EventData<S>>;

/**
 * Feeds the sockets from NATS. Public subjects only: the snapshot KV bucket and an ordered consumer
 * on GALA_EVENTS (never GALA_SEALED). At boot the stream is replayed into the state without pushing
 * anything already held, so a restarted gateway knows seals and jury progress too.
 */
@Injectable()
export class EventFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventFeed');
  private stopped = false;
  private messages: ConsumerMessages | null = null;
  private stopKv: (() => void) | null = null;
  /** Snapshots ahead of the events, waiting for the events to catch up (by ceremony and show). */
  private readonly pendingSnapshots = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly bus: NatsBus,
    private readonly state: LiveState,
    private readonly directory: CeremonyDirectory,
    private readonly live: LiveGateway,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.followSnapshots();
    void this.followEvents();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of this.pendingSnapshots.values()) clearTimeout(timer);
    this.pendingSnapshots.clear();
    this.messages?.stop();
    this.stopKv?.();
  }

  private async followSnapshots(): Promise<void> {
    while (!this.stopped) {
      try {
        const kv = await this.bus.kvm.open(KV_BUCKETS.show);
        const watcher = await kv.watch();
        this.stopKv = () => watcher.stop();
        for await (const entry of watcher) this.onSnapshot(entry);
        if (this.stopped) return;
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`show snapshots unavailable: ${(error as Error).message}; retrying`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private onSnapshot(entry: KvWatchEntry): void {
    if (entry.operation !== 'PUT') return;
    const snapshot = entry.json<ShowSnapshot>();
    const rehearsal = entry.key.endsWith('.rehearsal');
    const slug = snapshot.scene?.data.ceremony.slug;
    if (slug) this.directory.learn(snapshot.ceremonyId, slug);
    const key = `${snapshot.ceremonyId}:${rehearsal}`;
    clearTimeout(this.pendingSnapshots.get(key));
    this.pendingSnapshots.delete(key);
    const held = this.state.show(snapshot.ceremonyId, rehearsal).scene;
    if (held && snapshot.scene && snapshot.scene.seq > held.seq) {
      // Ahead of the events seen. Usually the scene/reveal events are a moment behind on the other feed:
      // give them SNAPSHOT_GRACE_MS to arrive as `scene`/`revealed` frames (screens animate a reveal, not
      // a snapshot); if they do not (events lost while cut off), push the snapshot as the truth.
      this.pendingSnapshots.set(
        key,
        setTimeout(() => {
          this.pendingSnapshots.delete(key);
          if (this.stopped) return;
          // Reveals the events never brought still go out as `revealed` (with a fresh showAt), so
          // screens animate them in sync instead of jumping to a snapshot.
          const view = this.state.show(snapshot.ceremonyId, rehearsal);
          const missed = snapshot.results.filter((r) => !view.results.has(r.categoryId));
          const showAt = new Date(Date.now() + this.config.revealLeadMs).toISOString();
          const revealed = missed.map((r) => this.state.applyReveal(r, showAt)).filter((r) => r !== null);
          revealed.forEach((r) => this.live.pushRevealed(r));
          if (this.state.applySnapshot(snapshot, rehearsal) || revealed.length) this.live.pushSnapshot(snapshot.ceremonyId, rehearsal);
        }, SNAPSHOT_GRACE_MS),
      );
      return;
    }
    if (this.state.applySnapshot(snapshot, rehearsal)) this.live.pushSnapshot(snapshot.ceremonyId, rehearsal);
  }

  /**
   * An ordered consumer resumes after the last stream seq it saw. If the stream was created anew (the
   * JetStream store was lost and the services republished into an empty stream), that seq is far ahead
   * and nothing new would come: restart from the beginning of the new stream (the state drops what it holds).
   */
  private watchStreamReset(created: string, messages: ConsumerMessages): () => void {
    const check = async () => {
      const now = await this.bus.jsm.streams.info(STREAMS.events.name).then((i) => i.created).catch(() => null);
      if (now && now !== created) {
        this.logger.warn('the event stream was created anew (JetStream store reset): replaying it from the start');
        messages.stop();
      }
    };
    const timer = setInterval(() => void check(), 2000);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async followEvents(): Promise<void> {
    while (!this.stopped) {
      let unwatch = () => undefined as void;
      try {
        const created = (await this.bus.jsm.streams.info(STREAMS.events.name)).created;
        const consumer = await this.bus.js.consumers.get(STREAMS.events.name, {
          filter_subjects: STREAMS.events.subjects[0],
          deliver_policy: DeliverPolicy.All,
        });
        this.messages = await consumer.consume({ max_messages: 500 });
        unwatch = this.watchStreamReset(created, this.messages);
        for await (const msg of this.messages) {
          try {
            this.route(msg.subject as EventSubject, msg.json<EventEnvelope<never>>());
          } catch (error) {
            this.logger.warn(`dropped malformed event on ${msg.subject}: ${(error as Error).message}`);
          }
        }
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`event stream unavailable: ${(error as Error).message}; retrying`);
      } finally {
        unwatch();
      }
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, 1000));
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
        const showAt = new Date(Date.now() + this.config.revealLeadMs).toISOString();
        const revealed = this.state.applyReveal(e.data, showAt);
        if (revealed) this.live.pushRevealed(revealed);
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
      case 'gala.events.jury.progress': {
        const e = envelope as Envelope<typeof subject>;
        if (this.state.applyProgress(e.data)) this.live.pushProgress(e.data);
        return;
      }
      case 'gala.events.nominations.shortlist.published':
      case 'gala.sealed.jury.verdict':
        return;
    }
  }
}
