import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { STREAMS, type EventSubject, type RevealedEvent, type SceneEvent, type SnapshotEvent } from '#contracts';
import { EventConsumer, type BoundHandler, type NatsBus } from '#messaging';
import { EnvelopesHandler } from '../../apps/announcements/src/envelopes/envelopes.handler.js';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { heldScene, observe, quiet, REVEALED, SCENE, SLUG, startGala, streamMessages, testBus, type Gala } from './support.js';

const DURABLE = 'announcements-gala_sealed';

/**
 * Fault 6: the same event again — redelivered by JetStream after its ack-wait expired while the first
 * delivery was still being handled, published again after the dedup window (a new msgID), and old
 * events arriving after newer ones. No double effect in announcements; no screen shows a stale seq
 * or a reveal twice.
 */
describe('fault 6: duplicate and late delivery', () => {
  let gala: Gala;
  let bus: NatsBus;
  const clients: LiveClient[] = [];
  let replica: EventConsumer | null = null;

  beforeAll(async () => {
    gala = await startGala({ label: 'fault_duplicates' });
    bus = await testBus(gala.system.nats.url);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await replica?.stop();
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
  });

  const announcementsUrl = () => `http://127.0.0.1:${(gala.system.apps.announcements!.getHttpServer().address() as AddressInfo).port}`;
  async function metric(subject: string, outcome: string): Promise<number> {
    const text = await (await fetch(`${announcementsUrl()}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('laurel_events_processed_total{') && l.includes(`subject="${subject}"`) && l.includes(`outcome="${outcome}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('a sealed envelope redelivered after ack-wait expiry, and again after the dedup window, is stored once', async () => {
    const { system, imported } = gala;
    const svea = imported.categories.find((c) => c.slug === 'sveapriset')!;
    const ds = system.apps.announcements!.get(DataSource);
    const envelopesOf = async () => Number((await ds.query('SELECT count(*)::int AS n FROM announcements.sealed_envelopes WHERE category_id = $1', [svea.id]))[0].n);
    const duplicatesBefore = await metric('gala.sealed.jury.verdict', 'duplicate');

    // A second announcements replica on the same durable (its real handler, its own NATS connection),
    // a 1 s ack-wait, and the handler held up by a lock on its table: JetStream gives up waiting for
    // the ack and redelivers to the replica that is still pulling, while the first delivery is inside
    // its transaction. (A single blocked consumer has no pull waiting, so nothing would be redelivered.)
    const deliveriesOver = async () => {
      const i = await bus.jsm.consumers.info(STREAMS.sealed.name, DURABLE);
      return i.delivered.consumer_seq - i.delivered.stream_seq;
    };
    const overBefore = await deliveriesOver();
    const handler = system.apps.announcements!.get(EnvelopesHandler);
    replica = new EventConsumer(bus, ds, quiet, {
      consumer: 'announcements',
      ackWaitMs: 1000,
      handlers: new Map<EventSubject, BoundHandler>([['gala.sealed.jury.verdict', handler.onSealed.bind(handler) as BoundHandler]]),
    });
    await replica.start();
    expect((await bus.jsm.consumers.info(STREAMS.sealed.name, DURABLE)).config.ack_wait).toBe(1e9);
    const blocker = ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE announcements.sealed_envelopes IN ACCESS EXCLUSIVE MODE');
    let released = false;
    try {
      // Not awaited yet: its seal waits (read-your-writes) for announcements, which this test holds on purpose.
      const sealing = new GalaJury(system, imported).deliberate('sveapriset');
      sealing.catch(() => undefined);
      await eventually(async () => expect(await deliveriesOver()).toBeGreaterThan(overBefore), { timeoutMs: 20000, intervalMs: 200 });
      // Both deliveries are inside their transactions and held: the first by the table lock, the redelivery
      // behind the first one's processed-event row. Only then is the lock released.
      const held = async () => Number((await ds.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0].n);
      await eventually(async () => expect(await held()).toBeGreaterThanOrEqual(2), { timeoutMs: 20000, intervalMs: 100 });
      await blocker.commitTransaction();
      released = true;
      await sealing;
    } finally {
      if (!released) await blocker.rollbackTransaction().catch(() => undefined);
      await blocker.release();
    }
    await eventually(async () => {
      const info = await bus.jsm.consumers.info(STREAMS.sealed.name, DURABLE);
      expect(info.num_ack_pending + info.num_pending).toBe(0);
    });
    const redelivered = (await deliveriesOver()) - overBefore;
    await replica.stop();
    replica = null;
    await bus.jsm.consumers.update(STREAMS.sealed.name, DURABLE, { ack_wait: 30e9 });
    await eventually(async () => expect(await metric('gala.sealed.jury.verdict', 'duplicate')).toBeGreaterThan(duplicatesBefore));
    const ackWaitDuplicates = (await metric('gala.sealed.jury.verdict', 'duplicate')) - duplicatesBefore;
    expect(await envelopesOf()).toBe(1);

    // After the dedup window: the very same event published again under a new msgID.
    const sealedMsgs: { subject: string; data: string; id: string }[] = [];
    const info = await bus.jsm.streams.info(STREAMS.sealed.name);
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await bus.jsm.streams.getMessage(STREAMS.sealed.name, { seq });
      const env = m!.json<{ id: string; data: { categoryId: string } }>();
      if (env.data.categoryId === svea.id) sealedMsgs.push({ subject: m!.subject, data: m!.string(), id: env.id });
    }
    expect(sealedMsgs).toHaveLength(1);
    const before = await metric('gala.sealed.jury.verdict', 'duplicate');
    await bus.js.publish(sealedMsgs[0].subject, sealedMsgs[0].data, { msgID: randomUUID() });
    await eventually(async () => expect(await metric('gala.sealed.jury.verdict', 'duplicate')).toBe(before + 1));
    expect(await envelopesOf()).toBe(1);
    observe('6a', { ackWaitMs: 1000, replicas: 2, redeliveries: redelivered, duplicatesSkippedAfterAckWait: ackWaitDuplicates, republishedAfterDedupWindowSkipped: 1, sealedEnvelopeRows: 1 });
  });

  it('screens never take a reveal twice nor a stale seq: republished and out-of-order events are dropped', async () => {
    const { system, imported } = gala;
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    await new GalaJury(system, imported).deliberate('gotapriset');
    const screen = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    const audience = await connectLive(system.gatewayUrl, { ceremony: SLUG });
    clients.push(screen, audience);
    await gala.toEnvelope('gotapriset');
    const winner = await eventually(async () => {
      const res = await gala.cue({ action: 'reveal', categoryId: gota.id });
      expect(res.status).toBe(200);
      return res.body;
    });
    await eventually(() => [screen, audience].forEach((c) => expect(heldScene(c)?.seq).toBe(winner.seq)));
    const framesBefore = screen.frames.length;

    // Redelivered with fresh msgIDs (past the dedup window): the reveal and every scene so far,
    // newest first, so older seqs arrive after newer ones.
    const stored = await streamMessages(bus);
    const scenes = stored.filter((m) => m.subject === SCENE).reverse();
    const reveal = stored.filter((m) => m.subject === REVEALED);
    expect(reveal).toHaveLength(1);
    for (const m of [...reveal, ...scenes, ...reveal]) {
      const raw = await bus.jsm.streams.getMessage(STREAMS.events.name, { seq: m.seq });
      const ack = await bus.js.publish(m.subject, raw!.data, { msgID: randomUUID() });
      expect(ack.duplicate).toBe(false);
    }
    // Then a real cue: the gateway's feed is ordered, so once it arrives every redelivery before it was handled.
    const motivation = (await gala.cue({ action: 'next' })).body;
    expect(motivation.scene.kind).toBe('motivation');
    await eventually(() => [screen, audience].forEach((c) => expect(heldScene(c)).toMatchObject({ seq: motivation.seq, kind: 'motivation' })));

    for (const c of [screen, audience]) {
      expect(c.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toEqual([gota.id]);
      const seqs = c.of<SceneEvent>('scene').map((s) => s.seq);
      // Strictly increasing: no repeated and no older seq was ever pushed.
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    const newFrames = screen.frames.slice(framesBefore).map((f) => f.event);
    expect(newFrames.filter((e) => e === 'scene' || e === 'revealed' || e === 'snapshot')).toEqual(['scene']);

    // A screen (re)connecting now gets the right snapshot, not an old scene.
    const late = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    clients.push(late);
    const snap = late.of<SnapshotEvent>('snapshot')[0];
    expect(snap.scene).toMatchObject({ seq: motivation.seq, kind: 'motivation' });
    expect(snap.results.map((r) => r.categoryId)).toEqual([gota.id]);
    observe('6b', { republished: 2 * reveal.length + scenes.length, staleScenesOutOfOrder: scenes.length, framesPushedForThem: 0, revealedFramesPerScreen: 1 });
  });
});
