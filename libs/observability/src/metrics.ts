import { Controller, Get, Header } from '@nestjs/common';
import { OpsRoute } from './health.js';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

@OpsRoute()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
