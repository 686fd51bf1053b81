import { randomUUID } from 'node:crypto';
import { createLogger } from '#observability';
import { ensureStreams, JetStreamPublishError, NatsBus } from '#messaging';
import { STREAMS } from '#contracts';
import { startNatsServer, type TestNatsServer } from './support/nats-server.js';

const logger = createLogger('js-publisher-test', 'silent');

/** JetStreamPublisher (the vote log's publisher) against a real nats-server with JetStream: the same answers as js.publish. */
describe('JetStreamPublisher: publishes with one acknowledgement subscription (real NATS)', () => {
  let nats: TestNatsServer;
  let bus: NatsBus;

  beforeAll(async () => {
    nats = await startNatsServer();
    bus = await NatsBus.connect(nats.url, 'js-publisher-test', logger, { service: 'vote' });
    await ensureStreams(bus.jsm, 1, 'vote'); // the vote log (GALA_VOTES) is the vote service's stream
  });

  afterAll(async () => {
    await bus?.drain();
    await nats?.dispose();
  });

  it('stores each message once under its msgID, in publish order, and says which were duplicates', async () => {
    const publisher = bus.publisher(2000);
    const ids = Array.from({ length: 300 }, () => randomUUID());
    // All sent in one turn (one socket write), acknowledged in parallel.
    const acks = await Promise.all(ids.map((id, i) => publisher.publish('gala.votes.cast', JSON.stringify({ id, i }), { msgID: id })));
    expect(acks.every((a) => a.stream === STREAMS.votes.name && !a.duplicate)).toBe(true);
    const seqs = acks.map((a) => a.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(ids.length);
    for (const [i, id] of [ids[0], ids[150], ids[299]].entries()) {
      const stored = await bus.jsm.streams.getMessage(STREAMS.votes.name, { seq: acks[[0, 150, 299][i]].seq });
      expect(stored?.header?.get('Nats-Msg-Id')).toBe(id);
    }
    const again = await publisher.publish('gala.votes.cast', JSON.stringify({ id: ids[7], again: true }), { msgID: ids[7] });
    expect(again).toMatchObject({ stream: STREAMS.votes.name, seq: acks[7].seq, duplicate: true });
    // The same answers js.publish gives for the same exchange.
    const viaClient = await bus.js.publish('gala.votes.cast', JSON.stringify({ id: ids[8] }), { msgID: ids[8] });
    expect(viaClient).toMatchObject({ seq: acks[8].seq, duplicate: true });
    publisher.close();
  });

  it('a subject no stream takes fails at once as no-stream, not after the timeout', async () => {
    const publisher = bus.publisher(5000);
    const started = Date.now();
    const error = await publisher.publish('nobody.listens.here', 'x', { msgID: randomUUID() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JetStreamPublishError);
    expect(error).toMatchObject({ code: 'no-stream' });
    expect((error as Error).message).toContain('nobody.listens.here');
    expect(Date.now() - started).toBeLessThan(5000);
    publisher.close();
  });

  it('no acknowledgement within the timeout (a core subscriber that never answers) fails as timeout; later publishes still work', async () => {
    const silent = bus.nc.subscribe('silent.subject', { callback: () => undefined });
    await bus.nc.flush();
    const publisher = bus.publisher(300);
    const error = await publisher.publish('silent.subject', 'x', { msgID: randomUUID() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout' });
    expect((error as Error).message).toMatch(/within 300 ms/);
    const ack = await publisher.publish('gala.votes.cast', JSON.stringify({ ok: true }), { msgID: randomUUID() });
    expect(ack.duplicate).toBe(false);
    silent.unsubscribe();
    publisher.close();
  });

  it('what is still waiting when the publisher closes is failed, not left hanging', async () => {
    const silent = bus.nc.subscribe('silent.two', { callback: () => undefined });
    await bus.nc.flush();
    const publisher = bus.publisher(60_000);
    const waiting = publisher.publish('silent.two', 'x', { msgID: randomUUID() }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    publisher.close();
    expect(await waiting).toMatchObject({ code: 'closed' });
    silent.unsubscribe();
  });
});
