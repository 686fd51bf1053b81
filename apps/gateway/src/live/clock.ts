import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { serviceCredential } from '#contracts';
import { contextLogger } from '#observability';
import { ServiceClient } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';

/** An offset above this is shown to producers as a warning (docs/reveal-v2.md, Clock). */
export const CLOCK_WARNING_MS = 50;
/** Samples per measurement; the one with the shortest round trip is kept (NTP's clock filter, simplified). */
export const CLOCK_SAMPLES = 8;

/**
 * This gateway's clock: the host's, shifted by `clockSkewMs` in tests only (LAUREL_CLOCK_SKEW_MS) so a test
 * can run a gateway whose clock is wrong. Everything the gateway tells clients about time reads it.
 */
@Injectable()
export class GatewayClock {
  readonly skewMs: number;

  constructor(@Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'clockSkewMs'>) {
    this.skewMs = config.clockSkewMs ?? 0;
  }

  now(): number {
    return Date.now() + this.skewMs;
  }
}

export interface ClockSample {
  /** Gateway clock when the request left and when the answer came back. */
  sentAt: number;
  receivedAt: number;
  /** Announcements' clock in the answer. */
  serverNow: number;
}

/**
 * The offset (announcements − gateway, whole ms) of the sample with the shortest round trip: its error is at
 * most half its round trip, and the shortest one was least delayed by queues on either side. An offset within
 * that error cannot be told from none and is taken as 0: gateways whose clocks agree (one host, NTP-synced
 * hosts) then give a reveal exactly the same showAt instead of each its own measurement noise.
 */
export function bestOffset(samples: readonly ClockSample[]): { offsetMs: number; rttMs: number } | null {
  let best: { offsetMs: number; rttMs: number } | null = null;
  for (const s of samples) {
    const rttMs = s.receivedAt - s.sentAt;
    if (!Number.isFinite(rttMs) || rttMs < 0 || !Number.isFinite(s.serverNow)) continue;
    if (best === null || rttMs < best.rttMs) best = { offsetMs: s.serverNow - (s.sentAt + s.receivedAt) / 2, rttMs };
  }
  if (best === null) return null;
  return { offsetMs: Math.abs(best.offsetMs) <= best.rttMs / 2 ? 0 : Math.round(best.offsetMs), rttMs: best.rttMs };
}

/**
 * Measures the gateway's offset to announcements' clock (`announcements.clock`, as the gateway's service
 * identity) at start and every CLOCK_SYNC_INTERVAL_MS, so a reveal's showAt (stamped in announcements'
 * clock) is sent to clients in this gateway's own clock.
 */
@Injectable()
export class ClockSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = contextLogger('ClockSync');
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(offsetMs: number | null) => void>();
  /** announcements − gateway, ms (0 within the measurement error, see bestOffset); null until first measured. */
  private offset: number | null = null;
  private lastRtt: number | null = null;

  constructor(
    private readonly clock: GatewayClock,
    private readonly services: ServiceClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.measure();
    this.timer = setInterval(() => void this.measure(), this.config.clockSyncIntervalMs ?? 30_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** announcements − gateway (ms), 0 until measured. */
  get offsetMs(): number {
    return this.offset ?? 0;
  }

  get measured(): boolean {
    return this.offset !== null;
  }

  get roundTripMs(): number | null {
    return this.lastRtt;
  }

  /** An instant in announcements' clock (epoch ms), in this gateway's clock. */
  toGateway(announcementsMs: number): number {
    return announcementsMs - this.offsetMs;
  }

  /** Called with the new offset after each measurement (also when it did not change). */
  onMeasured(listener: (offsetMs: number | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async measure(samples = CLOCK_SAMPLES): Promise<number | null> {
    const taken: ClockSample[] = [];
    for (let i = 0; i < samples; i++) {
      const sentAt = this.clock.now();
      try {
        const { now } = await this.services.request('announcements.clock', { sentAt }, { credential: serviceCredential(this.config.serviceToken), timeoutMs: 1000 });
        taken.push({ sentAt, receivedAt: this.clock.now(), serverNow: now });
      } catch (error) {
        if (taken.length === 0 && i === samples - 1) this.logger.warn(`clock offset not measured: ${(error as Error).message}`);
      }
    }
    const best = bestOffset(taken);
    if (best) {
      const changed = this.offset === null || Math.abs(best.offsetMs - this.offset) > 5;
      this.offset = best.offsetMs;
      this.lastRtt = best.rttMs;
      if (changed) this.logger.log(`clock offset to announcements ${best.offsetMs.toFixed(1)} ms (round trip ${best.rttMs.toFixed(1)} ms)`);
    }
    for (const listener of this.listeners) listener(this.offset);
    return this.offset;
  }
}
