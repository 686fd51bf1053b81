import type { GatewayStatusEvent, RevealedEvent } from '#contracts';
import { NatsBus, OutboxMessage, OutboxRelay, type OutboxRelayOptions } from '#messaging';
import { DataSource, IsNull } from 'typeorm';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { duplicates, heldScene, observe, REVEALED, SLUG, startGala, streamMessages, testBus, type Gala } from './support.js';

const OUTAGE_MS = 30_000;
/** Reconnect attempts after which a default nats.js client gives up (10 × 2 s): every connection must outlive them. */
const DEFAULT_GIVE_UP_ATTEMPTS = 10;
/**
 * Recovery bounds (correctness, not speed; generous for a loaded CI machine). Observed on a calm machine:
 * stale told 8 ms after the kill, relay drained 5.5 s after the broker was back (its back-off is capped at 1 s).
 */
const STALE_BOUND_MS = 10_000;
const CAUGHT_UP_BOUND_MS = 20_000;

/**
 * Fault 1: nats-server is killed with SIGKILL in the middle of a reveal — after the relay published
 * the batch and before it marked it sent — and comes back 30 s later (longer than a NATS client's
 * default reconnect give-up of 10 × 2 s).
 */
describe('fault 1: NATS kill -9 mid-show, back after 30 s', () => {
  let gala: Gala;
  let bus: NatsBus | undefined;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    gala = await startGala({ label: 'fault_nats_kill' });
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    // Bring the broker back if the test failed during the outage, so the services drain and stop cleanly.
    await gala?.system.nats.start().catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
  });

  it('every client ends on the right scene, each reveal lands once on every screen, the relay resumes with the same ids', async () => {
    const { system, imported } = gala;
    const jury = new GalaJury(system, imported);
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    const svea = imported.categories.find((c) => c.slug === 'sveapriset')!;
    await jury.deliberate('gotapriset');
    await jury.deliberate('sveapriset');
    for (const token of [gala.tokens.screen, gala.tokens.screen, gala.tokens.press, gala.tokens.producer, undefined, undefined]) {
      clients.push(await connectLive(system.gatewayUrl, { ceremony: SLUG, token }));
    }
    await gala.toEnvelope('gotapriset');

    // Every service's and the gateway's NATS connection: how often it tried to reconnect during the outage.
    const attempts = new Map<string, number>();
    for (const [name, app] of Object.entries(system.apps)) {
      attempts.set(name, 0);
      void (async () => {
        for await (const status of app!.get(NatsBus).nc.status()) if (status.type === 'reconnecting') attempts.set(name, attempts.get(name)! + 1);
      })();
    }

    // Arm the crash: the relay batch carrying the reveal is published, then the broker dies before it is marked sent.
    const relay = system.apps.announcements!.get(OutboxRelay) as unknown as { options: OutboxRelayOptions };
    let killedAt = 0;
    relay.options.afterPublish = async (rows) => {
      if (killedAt || !rows.some((r) => r.subject === REVEALED)) return;
      killedAt = Date.now();
      await system.nats.kill();
      throw new Error('fault 1: broker killed after publish, before marking sent');
    };
    const reveal = await eventually(async () => {
      const res = await gala.cue({ action: 'reveal', categoryId: gota.id });
      expect(res.status).toBe(200);
      return res.body;
    });
    await eventually(() => expect(killedAt).toBeGreaterThan(0));
    relay.options.afterPublish = undefined;
    const outbox = system.apps.announcements!.get(DataSource).getRepository(OutboxMessage);
    const revealRowIds = (await outbox.find({ where: { publishedAt: IsNull(), kind: 'event' } })).map((r) => r.id);
    expect(revealRowIds.length).toBeGreaterThan(0); // the batch is still unsent in Postgres

    // Every client is told its gateway can no longer vouch for what it shows.
    await eventually(() => clients.forEach((c) => expect(c.of<GatewayStatusEvent>('gateway-status').some((s) => s.stale)).toBe(true)), { timeoutMs: 15000 });
    const staleAfterMs = Math.max(...clients.map((c) => c.frames.find((f) => f.event === 'gateway-status')!.at)) - killedAt;
    // A cue during the outage cannot reach announcements: refused, not queued and replayed later.
    const during = await gala.cue({ action: 'next' });
    expect(during.status).toBeGreaterThanOrEqual(500);

    // The broker stays down for the fault's 30 s, and at least until every connection has tried more often
    // than a default client would before giving up: the fact the 30 s stand for.
    await eventually(
      () => {
        expect(Date.now() - killedAt).toBeGreaterThanOrEqual(OUTAGE_MS);
        for (const [name, n] of attempts) expect({ name, moreThanDefaultGiveUp: n > DEFAULT_GIVE_UP_ATTEMPTS }).toEqual({ name, moreThanDefaultGiveUp: true });
      },
      { timeoutMs: OUTAGE_MS + 60_000, intervalMs: 250 },
    );
    const restartedAt = Date.now();
    await system.nats.start();
    bus = await testBus(system.nats.url);

    // The relay republishes the same rows (same msgIDs): the stream dedups, the outbox is drained.
    await eventually(async () => expect(await outbox.countBy({ publishedAt: IsNull() })).toBe(0), { timeoutMs: 30000 });
    const relayDrainedMs = Date.now() - restartedAt;
    await eventually(() => clients.forEach((c) => expect(c.of<GatewayStatusEvent>('gateway-status').at(-1)?.stale).toBe(false)), { timeoutMs: 20000 });
    await eventually(() => clients.forEach((c) => expect(heldScene(c)).toMatchObject({ seq: reveal.seq, kind: 'winner' })), { timeoutMs: 20000 });
    const caughtUpMs = Date.now() - restartedAt;

    // The show goes on after the outage: the next category, revealed.
    const afterOutage = await eventually(
      async () => {
        const res = await gala.cue({ action: 'next' });
        expect(res.status).toBe(200);
        return res.body;
      },
      { timeoutMs: 20000 },
    );
    expect(afterOutage.scene.kind).toBe('motivation');
    await gala.toEnvelope('sveapriset');
    const last = await eventually(async () => {
      const res = await gala.cue({ action: 'reveal', categoryId: svea.id });
      expect(res.status).toBe(200);
      return res.body;
    });
    await eventually(() => clients.forEach((c) => expect(heldScene(c)).toMatchObject({ seq: last.seq, kind: 'winner', categoryId: svea.id })), { timeoutMs: 20000 });
    // Barrier: one more cue. A client's frames come in stream order, so once every client holds this scene,
    // a second copy of any reveal before it would already be among its frames.
    const barrier = (await gala.cue({ action: 'next' })).body;
    await eventually(() => clients.forEach((c) => expect(heldScene(c)).toMatchObject({ seq: barrier.seq, kind: 'motivation' })), { timeoutMs: 20000 });

    // Exactly once everywhere: in the stream (by event id) and on every screen (by category).
    const events = await streamMessages(bus);
    expect(duplicates(events.map((e) => e.id))).toEqual([]);
    const reveals = events.filter((e) => e.subject === REVEALED);
    expect(reveals.map((e) => e.data.categoryId).sort()).toEqual([gota.id, svea.id].sort());
    // The rows unsent at the kill were published before it and again after it, under the same ids: one copy each.
    for (const id of revealRowIds) expect(events.filter((e) => e.id === id)).toHaveLength(1);
    // Every event announcements committed is in the stream exactly once, under its own id.
    const published = await outbox.find({ where: { kind: 'event' } });
    for (const p of published) expect(events.filter((e) => e.id === p.id)).toHaveLength(1);
    for (const c of clients) {
      const frames = c.of<RevealedEvent>('revealed').filter((r) => !r.rehearsal);
      expect(frames.map((r) => r.categoryId).sort()).toEqual([gota.id, svea.id].sort());
    }
    expect(staleAfterMs).toBeLessThan(STALE_BOUND_MS);
    expect(caughtUpMs).toBeLessThan(CAUGHT_UP_BOUND_MS);
    observe('1', {
      outageMs: restartedAt - killedAt,
      reconnectAttemptsDuringOutage: Object.fromEntries(attempts),
      clients: clients.length,
      staleAllToldAfterMs: staleAfterMs,
      relayDrainedAfterRestartMs: relayDrainedMs,
      allClientsOnWinnerAfterRestartMs: caughtUpMs,
      cueDuringOutageStatus: during.status,
      unsentRowsAtKill: revealRowIds.length,
      eventsInStream: events.length,
      duplicateIdsInStream: 0,
      revealedFramesPerClient: 2,
    });
  });
});
