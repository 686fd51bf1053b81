import { randomUUID } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STREAMS } from '#contracts';
import { createLogger } from '#observability';
import { ensureStreams, NatsBus, StreamFollower, type FollowedEvent } from '#messaging';
import { TcpProxy } from './faults/tcp-proxy.js';
import { eventually } from './support/eventually.js';
import { startNatsServer, type TestNatsServer } from './support/nats-server.js';

const logger = createLogger('follower-test', 'silent');
const PROGRESS = 'gala.events.jury.progress';
const ceremonyId = randomUUID();
const categoryId = randomUUID();

/** A valid jury.progress event; `locked` numbers the messages, so what a follower applied reads as a list. */
function progress(locked: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: randomUUID(), type: PROGRESS, version: 1, ceremonyId, occurredAt: new Date().toISOString(), correlationId: 'test', data: { ceremonyId, categoryId, locked, total: 1000, sealed: false, ...extra } });
}

/** The follower's own consumers on GALA_EVENTS (ephemeral: no durable name). */
async function ephemeralConsumers(bus: NatsBus): Promise<{ name: string; optStartSeq?: number }[]> {
  const out: { name: string; optStartSeq?: number }[] = [];
  for await (const info of bus.jsm.consumers.list(STREAMS.events.name)) if (!info.config.durable_name) out.push({ name: info.name, optStartSeq: info.config.opt_start_seq });
  return out;
}

/**
 * StreamFollower against a real nats-server: the follower's connection goes through a TCP proxy (so its link
 * can be cut while the test keeps publishing on its own), and everything it applies is recorded with its
 * stream seq. Every restart must resume right after the last seq applied: nothing applied twice, nothing
 * skipped but what the stream no longer holds (a gap, counted).
 */
describe('StreamFollower (real NATS): cold start, invalid events, a lost consumer, a cut link with a gap, a stream created anew', () => {
  let nats: TestNatsServer;
  let proxy: TcpProxy;
  let bus: NatsBus;
  let followerBus: NatsBus;
  let follower: StreamFollower;
  const applied: { seq: number; locked: number }[] = [];
  const publish = async (locked: number, extra?: Record<string, unknown>) => (await bus.js.publish(`${PROGRESS}`, progress(locked, extra))).seq;
  const lockedSeen = () => applied.map((a) => a.locked);
  /** The test's own connection is back and the stream answers (after a broker restart). */
  const streamBack = () => eventually(() => bus.jsm.streams.info(STREAMS.events.name), { timeoutMs: 20000, intervalMs: 100 });

  beforeAll(async () => {
    nats = await startNatsServer();
    proxy = new TcpProxy(nats.port);
    await proxy.start();
    bus = await NatsBus.connect(nats.url, 'follower-test', logger);
    await ensureStreams(bus.jsm);
    followerBus = await NatsBus.connect(proxy.url, 'follower-under-test', logger);
  });

  afterAll(async () => {
    await follower?.stop();
    proxy?.heal();
    await followerBus?.drain().catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await proxy?.stop();
    await nats?.dispose();
  });

  it('starts after the seq its cold start covers, and drops an event that does not validate (counted), going on', async () => {
    for (let i = 1; i <= 5; i++) await publish(i);
    let coldStarts = 0;
    follower = new StreamFollower(followerBus, {
      name: 'test-follower',
      stream: STREAMS.events,
      logger,
      coldStart: async () => {
        coldStarts++;
        return 3; // the "snapshot" covers seq 1–3
      },
      apply: (event: FollowedEvent) => {
        if (event.subject !== PROGRESS) throw new Error(`unexpected ${event.subject}`);
        applied.push({ seq: event.seq, locked: event.envelope.data.locked });
      },
      expiresMs: 2000,
      checkMs: 500,
    });
    follower.start();
    await eventually(() => expect(lockedSeen()).toEqual([4, 5]));
    expect(coldStarts).toBe(1);
    expect(follower.status().follows).toMatchObject({ cold: 1, resume: 0 });

    // Not the contract (a field it does not name; a wrong type): dropped, counted, the next one applied.
    await publish(6, { winnerId: randomUUID() });
    await publish(7, { total: 'many' });
    await publish(8);
    await eventually(() => expect(lockedSeen()).toEqual([4, 5, 8]));
    expect(follower.status()).toMatchObject({ live: true, invalid: 2, gaps: 0, lastSeq: 8, lag: 0 });
  });

  it('a deleted consumer: a new one right after the last seq applied, nothing applied twice', async () => {
    const [lost] = await ephemeralConsumers(bus);
    expect(lost).toBeDefined();
    await bus.jsm.consumers.delete(STREAMS.events.name, lost.name);
    const replaced = await eventually(
      async () => {
        const now = await ephemeralConsumers(bus);
        expect(now).toHaveLength(1);
        expect(now[0].name).not.toBe(lost.name);
        return now[0];
      },
      { timeoutMs: 15000, intervalMs: 100 },
    );
    // From the last seq applied itself (checked to be the same message, not applied again).
    expect(replaced.optStartSeq).toBe(8);
    for (const i of [9, 10]) await publish(i);
    await eventually(() => expect(lockedSeen()).toEqual([4, 5, 8, 9, 10]));
    expect(follower.status().restarts['consumer-lost']).toBeGreaterThanOrEqual(1);
  });

  it('its NATS link cut while the stream goes on (one message deleted meanwhile): after the reconnect, the rest once, the gap counted', async () => {
    proxy.cut();
    const seqs: number[] = [];
    for (const i of [11, 12, 13, 14]) seqs.push(await publish(i));
    // The stream loses message 12 before the follower could get it.
    await bus.jsm.streams.deleteMessage(STREAMS.events.name, seqs[1]);
    expect(lockedSeen()).toEqual([4, 5, 8, 9, 10]);
    const reconnects = follower.status().restarts.reconnect;
    proxy.heal();
    await eventually(() => expect(lockedSeen()).toEqual([4, 5, 8, 9, 10, 11, 13, 14]), { timeoutMs: 20000 });
    expect(follower.status().restarts.reconnect).toBe(reconnects + 1);
    expect(follower.status()).toMatchObject({ gaps: 1, lastSeq: seqs[3], lag: 0 });
    await publish(15);
    await eventually(() => expect(lockedSeen().at(-1)).toBe(15));
    // Every stream seq applied once, in order.
    const order = applied.map((a) => a.seq);
    expect(order).toEqual([...new Set(order)].sort((a, b) => a - b));
  });

  it('a tail lost and refilled past the last seq applied while its link was cut: the stream followed again from its start, nothing missed', async () => {
    const copy = join(process.env.TMPDIR ?? '/tmp', `laurel-follower-store-${process.pid}`);
    try {
      // An older copy of the store, then two more messages the follower applies.
      await nats.stop();
      cpSync(join(nats.storeDir, 'jetstream'), copy, { recursive: true });
      await nats.start();
      await streamBack();
      const applied1 = await publish(21);
      const applied2 = await publish(22);
      await eventually(() => expect(follower.status().lastSeq).toBe(applied2), { timeoutMs: 20000 });
      // Cut off, the broker comes back on the older copy and the stream is refilled past what the follower applied.
      proxy.cut();
      await nats.kill();
      rmSync(join(nats.storeDir, 'jetstream'), { recursive: true, force: true });
      cpSync(copy, join(nats.storeDir, 'jetstream'), { recursive: true });
      await nats.start();
      await streamBack();
      const refilled = [await publish(31), await publish(32), await publish(33)];
      expect(refilled).toEqual([applied1, applied2, applied2 + 1]);
      const diverged = follower.status().follows.diverged;
      proxy.heal();
      // Resuming after seq `applied2` would miss 31 and 32: the follower sees another message at that seq.
      await eventually(() => expect(lockedSeen().slice(-3)).toEqual([31, 32, 33]), { timeoutMs: 20000 });
      expect(follower.status().follows.diverged).toBe(diverged + 1);
    } finally {
      proxy.heal();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a stream created anew (JetStream store reset): followed from its start', async () => {
    const before = applied.length;
    await bus.jsm.streams.delete(STREAMS.events.name);
    await ensureStreams(bus.jsm);
    await publish(100);
    await publish(101);
    await eventually(() => expect(applied.slice(before)).toEqual([{ seq: 1, locked: 100 }, { seq: 2, locked: 101 }]), { timeoutMs: 20000 });
    expect(follower.status().follows['stream-reset']).toBe(1);
    expect(follower.status()).toMatchObject({ lastSeq: 2 });
  });
});
