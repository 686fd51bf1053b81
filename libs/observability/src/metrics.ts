import { Controller, Get, Header } from '@nestjs/common';
import { OpsRoute } from './health.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, exposed at /metrics in Prometheus text format. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const natsRequests = new Histogram({
  name: 'laurel_nats_request_seconds',
  help: 'NATS request/reply round trips from this process, by subject and outcome',
  labelNames: ['subject', 'outcome'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  registers: [metricsRegistry],
});

export const eventsProcessed = new Counter({
  name: 'laurel_events_processed_total',
  help: 'JetStream events handled by this process, by subject and outcome',
  labelNames: ['subject', 'outcome'],
  registers: [metricsRegistry],
});

export const outboxPublished = new Counter({
  name: 'laurel_outbox_published_total',
  help: 'Outbox messages published to JetStream',
  registers: [metricsRegistry],
});
export const outboxRepublished = new Counter({
  name: 'laurel_outbox_republished_total',
  help: 'Outbox messages published again because their stream no longer held them (a lost JetStream tail)',
  registers: [metricsRegistry],
});

/** What a service's outbox holds unpublished now: asked at each scrape (one small query on the partial index). */
export type OutboxLagProbe = () => Promise<{ pending: number; oldestSeconds: number }>;
const outboxLagProbes = new Map<string, OutboxLagProbe>();
const outboxLagLast = new Map<string, { pending: number; oldestSeconds: number }>();

/** Registers (or with null removes) the probe of one service's outbox for the lag gauges. */
export function setOutboxLagProbe(service: string, probe: OutboxLagProbe | null): void {
  if (probe) outboxLagProbes.set(service, probe);
  else {
    outboxLagProbes.delete(service);
    outboxLagLast.delete(service);
  }
}

let collecting: Promise<void> | null = null;

/** Asks every probe once per scrape (both gauges share the answer). */
function collectOutboxLag(): Promise<void> {
  collecting ??= (async () => {
    for (const [service, probe] of outboxLagProbes) {
      // A database that does not answer keeps the last value (readiness reports the database itself).
      const value = await probe().catch(() => outboxLagLast.get(service));
      if (value) outboxLagLast.set(service, value);
    }
  })().finally(() => (collecting = null));
  return collecting;
}

/**
 * Outbox lag: how long the oldest committed-but-unpublished event has waited (0 when none) — above a
 * second or two, screens are not showing what the producer cued (JetStream not taking writes).
 */
export const outboxLagSeconds = new Gauge({
  name: 'laurel_outbox_lag_seconds',
  help: 'Age of the oldest outbox message not yet published to JetStream (0 when none), by service',
  labelNames: ['service'],
  registers: [metricsRegistry],
  async collect() {
    await collectOutboxLag();
    this.reset();
    for (const [service, v] of outboxLagLast) this.set({ service }, v.oldestSeconds);
  },
});

export const outboxPending = new Gauge({
  name: 'laurel_outbox_pending',
  help: 'Outbox messages committed and not yet published to JetStream, by service',
  labelNames: ['service'],
  registers: [metricsRegistry],
  async collect() {
    await collectOutboxLag();
    this.reset();
    for (const [service, v] of outboxLagLast) this.set({ service }, v.pending);
  },
});

/** What a stream follower (libs/messaging StreamFollower) reports: asked at each scrape. */
export type StreamFollowerProbe = () => { lastSeq: number; streamLastSeq: number; lag: number; live: boolean };
const streamFollowerProbes = new Map<string, StreamFollowerProbe>();

/** Registers (or with null removes) a follower's probe for the `laurel_stream_follower_*` gauges. */
export function setStreamFollowerProbe(follower: string, probe: StreamFollowerProbe | null): void {
  if (probe) streamFollowerProbes.set(follower, probe);
  else streamFollowerProbes.delete(follower);
}

export const streamFollowerSeq = new Gauge({
  name: 'laurel_stream_follower_seq',
  help: 'Stream seq of the last message a follower applied (applied) and of the stream as it last saw it (stream), by follower',
  labelNames: ['follower', 'of'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [follower, probe] of streamFollowerProbes) {
      const s = probe();
      this.set({ follower, of: 'applied' }, s.lastSeq);
      this.set({ follower, of: 'stream' }, s.streamLastSeq);
    }
  },
});

export const streamFollowerLag = new Gauge({
  name: 'laurel_stream_follower_lag',
  help: 'Messages in the followed stream not applied yet, by follower (-1 while its consumer is being replaced)',
  labelNames: ['follower'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [follower, probe] of streamFollowerProbes) {
      const s = probe();
      this.set({ follower }, s.live ? s.lag : -1);
    }
  },
});

export const streamFollowerRestarts = new Counter({
  name: 'laurel_stream_follower_restarts_total',
  help: 'Consumers a stream follower replaced, by follower and reason (reconnect, consumer-lost, stream-reset, lost-tail, error)',
  labelNames: ['follower', 'reason'],
  registers: [metricsRegistry],
});

export const streamFollowerGaps = new Counter({
  name: 'laurel_stream_follower_gaps_total',
  help: 'Messages of a followed stream that never reached the follower (seqs skipped: deleted, aged out, lost), by follower',
  labelNames: ['follower'],
  registers: [metricsRegistry],
});

export const streamFollowerInvalid = new Counter({
  name: 'laurel_stream_follower_invalid_total',
  help: 'Messages a stream follower dropped because they did not validate against their subject contract, by follower',
  labelNames: ['follower'],
  registers: [metricsRegistry],
});

@OpsRoute()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
