import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { STREAMS, type RevealedEvent } from '#contracts';
import { NatsBus, ParkedEvent } from '#messaging';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { observe, startGala, testBus, type Gala } from './support.js';

/** Recovery bound (generous): both poison messages parked within 10 s of being published (both at first delivery). */
const PARKED_BOUND_MS = 10_000;

/**
 * Fault 8 on the running system (the consumer-level cases — malformed, invalid, failing handler, the
 * next message still handled — are in test/messaging-outbox.e2e-spec.ts). A tampered sealed envelope
 * reaches announcements: its handler refuses it as an integrity failure (PermanentEventError), so it is
 * parked at its first delivery (not retried), reported on /metrics, and the service goes on with the real verdict.
 */
describe('fault 8: poison message on the running system', () => {
  let gala: Gala;
  let bus: NatsBus;

  beforeAll(async () => {
    gala = await startGala({ label: 'fault_poison' });
    bus = await testBus(gala.system.nats.url);
  });

  afterAll(async () => {
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
  });

  const announcementsUrl = () => `http://127.0.0.1:${(gala.system.apps.announcements!.getHttpServer().address() as AddressInfo).port}`;
  async function parkedMetric(): Promise<number> {
    const text = await (await fetch(`${announcementsUrl()}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('laurel_events_processed_total{') && l.includes('subject="gala.sealed.jury.verdict"') && l.includes('outcome="parked"'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('parks a tampered envelope at its first delivery, reports it, and keeps serving', async () => {
    const { system, imported } = gala;
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    const parkedRepo = system.apps.announcements!.get(DataSource).getRepository(ParkedEvent);
    const metricBefore = await parkedMetric();
    const parkedBefore = await parkedRepo.countBy({ consumer: 'announcements' });

    const tampered = {
      id: randomUUID(),
      type: 'jury.verdict',
      version: 1,
      ceremonyId: imported.id,
      occurredAt: new Date().toISOString(),
      correlationId: 'fault-8',
      data: { categoryId: gota.id, winnerId: gota.nominees[0].id, motivation: 'forged', salt: 'ab'.repeat(32), commitment: 'cd'.repeat(32), sealedAt: new Date().toISOString() },
    };
    const sentAt = Date.now();
    await bus.js.publish('gala.sealed.jury.verdict', 'not json {', { msgID: randomUUID() });
    await bus.js.publish('gala.sealed.jury.verdict', JSON.stringify(tampered), { msgID: tampered.id });

    await eventually(async () => expect(await parkedRepo.countBy({ consumer: 'announcements' })).toBe(parkedBefore + 2), { timeoutMs: 30000 });
    const parkedAfterMs = Date.now() - sentAt;
    const parked = await parkedRepo.find({ where: { consumer: 'announcements' }, order: { position: 'ASC' } });
    const forged = parked.find((p) => p.eventId === tampered.id)!;
    expect(parkedAfterMs).toBeLessThan(PARKED_BOUND_MS);
    expect(forged.error).toMatch(/does not match its commitment/);
    // An integrity failure is permanent (PermanentEventError): parked at its first delivery, not retried.
    expect(forged.deliveries).toBe(1);
    expect(parked.find((p) => p.error === 'payload is not JSON')?.deliveries).toBe(1); // parked at once

    // Reported: the parked count on the service's own /metrics.
    expect((await parkedMetric()) - metricBefore).toBe(2);

    // Never a crash loop: terminated, so nothing is pending and nothing can be redelivered (a message waiting
    // for redelivery counts as ack-pending); the service ready.
    const info = await bus.jsm.consumers.info(STREAMS.sealed.name, 'announcements-gala_sealed');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    const redeliveries = info.delivered.consumer_seq - info.delivered.stream_seq;
    expect((await fetch(`${announcementsUrl()}/health/ready`)).status).toBe(200);

    // The show goes on with the real verdict: the forged one was never accepted. Its seal answers once
    // announcements holds the envelope (read-your-writes), so it is also the barrier: a later message on
    // the same consumer, handled, with nothing redelivered meanwhile.
    const sealed = await new GalaJury(system, imported).deliberate('gotapriset');
    const after = await bus.jsm.consumers.info(STREAMS.sealed.name, 'announcements-gala_sealed');
    expect(after.num_ack_pending + after.num_pending).toBe(0);
    expect(after.delivered.consumer_seq - after.delivered.stream_seq).toBe(redeliveries);
    expect(await parkedRepo.countBy({ consumer: 'announcements' })).toBe(parkedBefore + 2);
    await gala.toEnvelope('gotapriset');
    const reveal = await eventually(async () => {
      const res = await system.http<RevealedEvent>('POST', `/api/v1/ceremonies/${imported.slug}/show/cues`, {
        token: gala.tokens.producer,
        body: { action: 'reveal', categoryId: gota.id, idempotencyKey: randomUUID() },
      });
      expect(res.status).toBe(200);
      return res;
    });
    expect(reveal.status).toBe(200);
    const results = await system.http<RevealedEvent[]>('GET', `/api/v1/ceremonies/${imported.slug}/results`);
    expect(results.body[0]).toMatchObject({ winnerId: sealed.winnerId, commitment: sealed.commitment });
    expect(results.body[0].motivation).not.toBe('forged');
    observe('8', { parkedAfterMs, forgedDeliveries: forged.deliveries, redeliveriesOnTheConsumer: redeliveries, malformedDeliveries: 1, parkedMetricDelta: 2, pendingAfterPark: 0 });
  });
});
