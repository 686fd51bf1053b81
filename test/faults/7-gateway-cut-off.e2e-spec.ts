import { randomUUID } from 'node:crypto';
import { bearerCredential, type GatewayStatusEvent, type RevealedEvent, type SnapshotEvent } from '#contracts';
import { ServiceClient, type NatsBus } from '#messaging';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { freePort } from '../support/nats-server.js';
import { heldScene, observe, SLUG, startGala, testBus, type Gala } from './support.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * Recovery bound (correctness, generous for a loaded CI machine): fresh again and on the missed scene and
 * result within 15 s of the heal (observed on a calm machine: fresh 54 ms, caught up 311 ms). The stale
 * notice keeps the issue's own bound, 10 s.
 */
const CAUGHT_UP_BOUND_MS = 15_000;

/**
 * Fault 7: the gateway loses NATS silently (its link through a TCP proxy goes dead, no RST) while its
 * socket.io clients stay connected to it. The show goes on elsewhere (producer console on NATS). The
 * gateway must notice within 10 s, tell its clients it is stale, and catch up when the link heals.
 */
describe('fault 7: gateway cut off from NATS, clients still connected', () => {
  let gala: Gala;
  let bus: NatsBus;
  let proxy: TcpProxy;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    // The proxy sits in front of the system's nats-server for the gateway only; the services connect directly.
    const natsPort = await freePort();
    proxy = new TcpProxy(natsPort);
    await proxy.start();
    gala = await startGala({ label: 'fault_gateway_cut', natsPort, gatewayNatsUrl: proxy.url });
    bus = await testBus(gala.system.nats.url);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    proxy?.heal();
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
    await proxy?.stop();
  });

  it('notices within 10 s, tells its clients it is stale, and catches up when healed', async () => {
    const { system, imported } = gala;
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    await new GalaJury(system, imported).deliberate('gotapriset');
    const envelope = await gala.toEnvelope('gotapriset');
    for (const token of [gala.tokens.screen, gala.tokens.press, undefined]) clients.push(await connectLive(system.gatewayUrl, { ceremony: SLUG, token }));
    await eventually(() => clients.forEach((c) => expect(heldScene(c)?.seq).toBe(envelope.seq)));

    const cutAt = Date.now();
    proxy.cut();
    const stale = await Promise.all(clients.map((c) => c.waitFor<GatewayStatusEvent>('gateway-status', (s) => s.stale, 20000).then(() => Date.now() - cutAt)));
    const noticedMs = Math.max(...stale);
    expect(noticedMs).toBeLessThanOrEqual(10_000);
    clients.forEach((c) => expect(c.socket.connected).toBe(true));

    // The show goes on without this gateway: reveal and the motivation, cued on NATS directly.
    const services = new ServiceClient(bus);
    const producer = { credential: bearerCredential(gala.tokens.producer) };
    const winner = await services.request('announcements.show.cue', { ceremony: SLUG, action: 'reveal', categoryId: gota.id, idempotencyKey: randomUUID() }, producer);
    const motivation = await services.request('announcements.show.cue', { ceremony: SLUG, action: 'next', idempotencyKey: randomUUID() }, producer);
    expect(motivation.scene.kind).toBe('motivation');
    // Control: a second gateway, not cut off, with a client of its own. Once that client has the reveal and
    // the motivation scene, they went out to every gateway; the cut one's clients must still have nothing.
    const control = await system.startExtraGateway();
    const witness = await connectLive(control.url, { ceremony: SLUG });
    clients.push(witness);
    await eventually(() => expect(heldScene(witness)).toMatchObject({ seq: motivation.seq, kind: 'motivation' }), { timeoutMs: 20000 });
    const cutClients = clients.filter((c) => c !== witness);
    cutClients.forEach((c) => {
      expect(c.of('revealed')).toHaveLength(0); // nothing can reach it while cut off
      expect(heldScene(c)?.seq).toBe(envelope.seq);
    });
    await control.stop();
    witness.close();

    const framesAtHeal = cutClients.map((c) => c.frames.length);
    const healedAt = Date.now();
    proxy.heal();
    await eventually(() => cutClients.forEach((c) => expect(c.of<GatewayStatusEvent>('gateway-status').at(-1)?.stale).toBe(false)), { timeoutMs: 20000 });
    const freshMs = Date.now() - healedAt;
    await eventually(
      () =>
        cutClients.forEach((c) => {
          // The missed reveal arrives once, as a late `revealed` frame: the gateway's follower resumes after the
          // last event it applied (its live state comes from the stream only; no snapshot is pushed).
          expect(c.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toEqual([gota.id]);
          expect(c.of<SnapshotEvent>('snapshot')).toHaveLength(1);
          expect(heldScene(c)).toMatchObject({ seq: motivation.seq, kind: 'motivation' });
        }),
      { timeoutMs: 20000 },
    );
    const caughtUpMs = Date.now() - healedAt;
    expect(freshMs).toBeLessThan(CAUGHT_UP_BOUND_MS);
    expect(caughtUpMs).toBeLessThan(CAUGHT_UP_BOUND_MS);
    const caughtUpBy = cutClients.map((c, i) => c.frames.slice(framesAtHeal[i]).map((f) => f.event).filter((e) => e !== 'gateway-status'));
    // Barrier: the next scene, through the healed gateway. Its feed is ordered, so once every client has it,
    // a replayed copy of the missed reveal would already be among their frames.
    const barrier = await services.request('announcements.show.cue', { ceremony: SLUG, action: 'next', idempotencyKey: randomUUID() }, producer);
    await eventually(() => cutClients.forEach((c) => expect(heldScene(c)).toMatchObject({ seq: barrier.seq })), { timeoutMs: 20000 });
    cutClients.forEach((c) => expect(c.of('revealed').length).toBeLessThanOrEqual(1));
    const late = await connectLive(system.gatewayUrl, { ceremony: SLUG });
    clients.push(late);
    expect(late.of<SnapshotEvent>('snapshot')[0]).toMatchObject({ scene: { seq: barrier.seq, kind: barrier.scene.kind } });
    expect(late.of<SnapshotEvent>('snapshot')[0].results.map((r) => r.categoryId)).toEqual([gota.id]);
    observe('7', { staleNoticedAfterCutMs: noticedMs, perClientMs: stale, missedWhileCut: { reveal: winner.seq, scene: motivation.seq }, freshAfterHealMs: freshMs, caughtUpAfterHealMs: caughtUpMs, caughtUpBy });
  });
});
