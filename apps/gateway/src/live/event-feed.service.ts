import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { contextLogger } from '#observability';
import { KV_BUCKETS, STREAMS, type ShowSnapshot } from '#contracts';
import { NatsBus, readKvSnapshot, StreamFollower, type FollowedEvent } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { CeremonyDirectory } from './ceremony-directory.service.js';
import { LiveGateway } from './live.gateway.js';
import { LiveState } from './live-state.service.js';
import { ClockSync, GatewayClock } from './clock.js';

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

/** A KV snapshot of one show, as announcements puts it (`<ceremonyId>` or `<ceremonyId>.rehearsal`). */
function isShowSnapshot(value: unknown): value is ShowSnapshot {
  const v = value as Partial<ShowSnapshot> | null;
  return typeof v === 'object' && v !== null && typeof v.ceremonyId === 'string' && Array.isArray(v.results) && (v.scene === null || typeof v.scene === 'object');
}

/**
 * Feeds the sockets from NATS through one StreamFollower (libs/messaging) on GALA_EVENTS (never
 * GALA_SEALED): at cold start the show snapshots of the KV bucket, read once, then every event of the
 * stream in order, validated against its contract. The state drops what it already holds (a replayed or
 * older event), so only what is new is pushed. Gaps, reconnects, a lost consumer, a stream created anew or
 * with a lost tail are the follower's business: it resumes after the last seq applied (`laurel_stream_follower_*`
 * on /metrics, follower `gateway-live`).
 */
@Injectable()
export class EventFeed implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = contextLogger('EventFeed');
  private readonly follower: StreamFollower;

  constructor(
    bus: NatsBus,
    private readonly state: LiveState,
    private readonly directory: CeremonyDirectory,
    private readonly live: LiveGateway,
    private readonly clock: GatewayClock,
    private readonly clockSync: ClockSync,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.follower = new StreamFollower(bus, {
      name: 'gateway-live',
      stream: STREAMS.events,
      logger: this.logger,
      coldStart: async () => {
        for (const { key, value } of await readKvSnapshot(bus, KV_BUCKETS.show)) if (isShowSnapshot(value)) this.applySnapshot(value, key.endsWith('.rehearsal'));
      },
      apply: (event) => this.route(event),
    });
  }

  /** The flip instant of a reveal committed at `revealedAt` (announcements' clock), in this gateway's clock. */
  private flipAt(revealedAt: string): string {
    return flipInstant(revealedAt, this.clock.now(), this.config.revealLeadMs, this.clockSync.offsetMs);
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  /** A show snapshot from the KV bucket at cold start: into the state (no socket holds anything yet to update). */
  private applySnapshot(snapshot: ShowSnapshot, rehearsal: boolean): void {
    const slug = snapshot.scene?.data?.ceremony?.slug;
    if (slug) this.directory.learn(snapshot.ceremonyId, slug);
    this.state.applySnapshot(snapshot, rehearsal);
  }

  route(event: FollowedEvent): void {
    switch (event.subject) {
      case 'gala.events.nominations.ceremony.imported': {
        const { ceremony } = event.envelope.data;
        this.directory.learn(ceremony.id, ceremony.slug);
        return;
      }
      case 'gala.events.announcements.winner.revealed': {
        const revealed = this.state.applyReveal(event.envelope.data, this.flipAt(event.envelope.data.revealedAt));
        if (revealed) this.live.pushRevealed(revealed);
        return;
      }
      case 'gala.events.announcements.envelope.staged': {
        if (this.state.applyStaged(event.envelope.data)) this.live.pushEnvelope(event.envelope.data);
        return;
      }
      case 'gala.events.announcements.scene.changed': {
        const scene = this.state.applyScene(event.envelope.data);
        if (scene) this.live.pushScene(scene);
        return;
      }
      case 'gala.events.jury.verdict.sealed': {
        if (this.state.applySeal(event.envelope.data)) this.live.pushSealed(event.envelope.data);
        return;
      }
      case 'gala.events.vote.verdict.sealed': {
        if (this.state.applySeal(event.envelope.data)) this.live.pushSealed(event.envelope.data);
        return;
      }
      case 'gala.events.vote.window': {
        this.live.pushVoteWindow(event.envelope.data);
        return;
      }
      case 'gala.events.jury.progress': {
        if (this.state.applyProgress(event.envelope.data)) this.live.pushProgress(event.envelope.data);
        return;
      }
      case 'gala.events.announcements.presenter.message': {
        if (this.state.applyPresenterMessage(event.envelope.data)) this.live.pushPresenterMessage(event.envelope.data);
        return;
      }
      case 'gala.events.jury.deliberation.updated': {
        this.live.pushDeliberation(event.envelope.data);
        return;
      }
      case 'gala.events.nominations.shortlist.published':
      case 'gala.events.jury.shortlist.frozen':
      case 'gala.sealed.jury.verdict':
      case 'gala.sealed.jury.ranking':
      case 'gala.sealed.vote.verdict':
      case 'gala.votes.cast':
        return;
    }
  }
}
