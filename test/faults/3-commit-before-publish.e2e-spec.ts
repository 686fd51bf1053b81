import type { RevealedEvent } from '#contracts';
import { NatsBus, OutboxRelay } from '#messaging';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { heldScene, observe, REVEALED, SCENE, sleep, SLUG, startGala, streamMessages, testBus, type Gala } from './support.js';

/** Fault 3: announcements dies after a reveal's transaction commits and before its outbox row is published. */
describe('fault 3: announcements killed between a reveal commit and its publish', () => {
  let gala: Gala;
  let bus: NatsBus;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    gala = await startGala({ label: 'fault_commit_publish' });
    bus = await testBus(gala.system.nats.url);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
  });

  it('publishes the committed reveal once after restart; the same cue key again emits nothing', async () => {
    const { system, imported } = gala;
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    await new GalaJury(system, imported).deliberate('gotapriset');
    await gala.toEnvelope('gotapriset');
    const screen = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    clients.push(screen);

    // The relay stops: what commits now stays in the outbox, as if the process died right after COMMIT.
    await system.apps.announcements!.get(OutboxRelay).stop();
    const key = 'reveal-gotapriset-fault3';
    const first = await eventually(async () => {
      const res = await gala.cue({ action: 'reveal', categoryId: gota.id, idempotencyKey: key });
      expect(res.status).toBe(200);
      return res.body;
    });
    expect(first.scene.kind).toBe('winner');
    await sleep(1000);
    expect(await streamMessages(bus, REVEALED)).toHaveLength(0);
    expect(screen.of('revealed')).toHaveLength(0);

    const killedAt = Date.now();
    await system.stop('announcements');
    await system.start('announcements');
    const revealed = await screen.waitFor<RevealedEvent>('revealed', (r) => r.categoryId === gota.id, 20000);
    const publishedAfterMs = Date.now() - killedAt;
    // The winner scene arrives as a scene frame or in a refreshed snapshot (whichever the gateway saw first).
    await eventually(() => expect(heldScene(screen)).toMatchObject({ seq: first.seq, kind: 'winner' }));

    const stored = await streamMessages(bus, REVEALED);
    expect(stored).toHaveLength(1);
    expect(stored[0].data.categoryId).toBe(gota.id);
    expect(revealed.winnerId).toBe(stored[0].data.winnerId);
    const scenesBefore = (await streamMessages(bus, SCENE)).length;

    // The producer presses again with the same key (e.g. the first answer was lost): the first answer, nothing new.
    const again = await gala.cue({ action: 'reveal', categoryId: gota.id, idempotencyKey: key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first);
    await sleep(1500);
    expect(await streamMessages(bus, REVEALED)).toHaveLength(1);
    expect(await streamMessages(bus, SCENE)).toHaveLength(scenesBefore);
    expect(screen.of<RevealedEvent>('revealed').filter((r) => r.categoryId === gota.id)).toHaveLength(1);
    observe('3', { publishedAfterRestartMs: publishedAfterMs, revealedInStream: 1, revealedFramesOnScreen: 1, sceneEventsAfterRepeatedKey: scenesBefore });
  });
});
