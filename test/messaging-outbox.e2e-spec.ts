import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { DataSource } from 'typeorm';
import { STREAMS } from '#contracts';
import { createLogger } from '#observability';
import { ensureStreams, EventConsumer, NatsBus, Outbox, OutboxMessage, OutboxRelay, ParkedEvent, PermanentEventError, type BoundHandler } from '#messaging';
import { createTestDatabase, migrate, type TestDatabase } from '#persistence';
import { nominationsDataSource, SCHEMA } from '../apps/nominations/src/data-source.js';
import { eventually } from './support/eventually.js';
import { startNatsServer, type TestNatsServer } from './support/nats-server.js';

const logger = createLogger('messaging-test', 'silent');

/** Every message on a subject, read back from the stream itself (not from a consumer that could hide duplicates). */
async function messagesOn(bus: NatsBus, subject: string): Promise<{ id: string; seq: number }[]> {
  const info = await bus.jsm.streams.info(STREAMS.events.name);
  const out: { id: string; seq: number }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage(STREAMS.events.name, { seq }).catch(() => null);
    if (msg && msg.subject === subject) out.push({ id: msg.json<{ id: string }>().id, seq });
  }
  return out;
}

describe('transactional outbox and idempotent consumers (real NATS + Postgres)', () => {
  let nats: TestNatsServer;
  let db: TestDatabase;
  let dataSource: DataSource;
  let bus: NatsBus;

  beforeAll(async () => {
    nats = await startNatsServer();
    db = await createTestDatabase('outbox');
    dataSource = await new DataSource(nominationsDataSource(db.url)).initialize();
    await migrate(dataSource, SCHEMA);
    bus = await NatsBus.connect(nats.url, 'outbox-test', logger);
    await ensureStreams(bus.jsm);
  });

  afterAll(async () => {
    await bus?.drain();
    await dataSource?.destroy();
    await nats?.dispose();
    await db?.drop();
  });

  const progress = (ceremonyId: string, locked: number) => ({ ceremonyId, categoryId: randomUUID(), locked, total: 8, sealed: false });

  it('an event committed while the relay is down is published exactly once after it restarts', async () => {
    const down = new OutboxRelay(dataSource, bus, logger);
    const outbox = new Outbox(dataSource, down);
    const ceremonyId = randomUUID();
    // Committed with no relay running: the change and its event are in Postgres, nothing on NATS yet.
    const envelope = await dataSource.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 1)));
    expect((await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => m.id === envelope.id)).toHaveLength(0);

    const relay = new OutboxRelay(dataSource, bus, logger, { pollIntervalMs: 50 });
    relay.start();
    await eventually(async () => expect((await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => m.id === envelope.id)).toHaveLength(1));
    await relay.stop();
    const row = await dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: envelope.id });
    expect(row.publishedAt).not.toBeNull();
  });

  it('a relay that dies between publishing and marking sent republishes with the same msgID: the stream keeps one copy', async () => {
    const ceremonyId = randomUUID();
    let crashes = 0;
    const crashing = new OutboxRelay(dataSource, bus, logger, {
      pollIntervalMs: 50,
      afterPublish: async () => {
        crashes++;
        throw new Error('simulated crash after publish, before marking sent');
      },
    });
    const outbox = new Outbox(dataSource, crashing);
    const envelope = await dataSource.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 2)));
    crashing.start();
    crashing.kick();
    await eventually(() => expect(crashes).toBeGreaterThanOrEqual(2));
    await crashing.stop();
    const unsent = await dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: envelope.id });
    expect(unsent.publishedAt).toBeNull();

    const healthy = new OutboxRelay(dataSource, bus, logger, { pollIntervalMs: 50 });
    healthy.start();
    await eventually(async () => expect((await dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: envelope.id })).publishedAt).not.toBeNull());
    await healthy.stop();
    // Published at least three times (two crashes + the healthy run), stored once.
    expect((await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => m.id === envelope.id)).toHaveLength(1);
  });

  describe('fast path: rows a transaction of this process commits', () => {
    type Published = { id: string; fromMemory: boolean };
    // A test that fails before its own stop must not leave a relay taking the next tests' rows.
    const relays: OutboxRelay[] = [];
    afterEach(async () => {
      await Promise.all(relays.splice(0).map((r) => r.stop()));
    });
    /** A relay that records each published row, and whether it came from memory (no `position`: never read back). */
    function recordingRelay(options: { failFirstFast?: boolean; pollIntervalMs?: number } = {}) {
      const published: Published[] = [];
      let failed = false;
      const relay = new OutboxRelay(dataSource, bus, logger, {
        pollIntervalMs: options.pollIntervalMs ?? 60_000, // only kicks move it: a row published here was not found by a timed poll
        afterPublish: async (rows) => {
          const fromMemory = !('position' in rows[0]);
          published.push(...rows.map((r) => ({ id: r.id, fromMemory })));
          if (fromMemory && options.failFirstFast && !failed) {
            failed = true;
            throw new Error('simulated crash after the fast publish, before marking sent');
          }
        },
      });
      relays.push(relay);
      return { relay, outbox: new Outbox(dataSource, relay), published };
    }
    /** Starts the relay and waits for its first poll to find the outbox drained (a row committed elsewhere, kicked without rows). */
    async function drained(relay: OutboxRelay, outbox: Outbox, published: Published[]): Promise<void> {
      const ceremonyId = randomUUID();
      const other = await dataSource.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 0)));
      relay.start();
      relay.kick();
      await eventually(() => expect(published.map((p) => p.id)).toContain(other.id));
    }
    const sentAt = async (id: string) => (await dataSource.getRepository(OutboxMessage).findOneByOrFail({ id })).publishedAt;
    /** A row committed as `Outbox.transaction` commits one (announced as committing, then written), with its kick held back. */
    async function committedBeforeItsKick(relay: OutboxRelay, outbox: Outbox, locked: number) {
      const ceremonyId = randomUUID();
      const row = outbox.event('gala.events.jury.progress', ceremonyId, progress(ceremonyId, locked));
      relay.committing([row]);
      await dataSource.transaction((m) => outbox.write(m, [row]));
      return row;
    }

    it('are published straight from memory, in commit order, and marked sent', async () => {
      const { relay, outbox, published } = recordingRelay();
      await drained(relay, outbox, published);
      const ceremonyId = randomUUID();
      const [a, b] = await outbox.transaction(async (m) => [
        await outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 4)),
        await outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 5)),
      ]);
      await eventually(async () => expect(await sentAt(b.id)).not.toBeNull());
      await relay.stop();
      expect(published.filter((p) => p.id === a.id || p.id === b.id)).toEqual([
        { id: a.id, fromMemory: true },
        { id: b.id, fromMemory: true },
      ]);
      const stream = (await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => m.id === a.id || m.id === b.id);
      expect(stream.map((m) => m.id)).toEqual([a.id, b.id]);
    });

    it('wait behind older rows: after a kick without rows they go through the ordered poll, after those', async () => {
      const { relay, outbox, published } = recordingRelay();
      await drained(relay, outbox, published);
      const ceremonyId = randomUUID();
      await relay.stop(); // hold the relay so both commits are pending together
      const older = await dataSource.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 6)));
      relay.kick(); // a writer that does not hand over its rows: nothing newer may overtake them
      const newer = await outbox.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 7)));
      relay.start();
      await eventually(async () => expect(await sentAt(newer.id)).not.toBeNull());
      await relay.stop();
      const ours = published.filter((p) => p.id === older.id || p.id === newer.id);
      expect(ours.map((p) => p.id).slice(0, 2)).toEqual([older.id, newer.id]);
      expect(ours[0].fromMemory).toBe(false);
      const stream = (await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => m.id === older.id || m.id === newer.id);
      expect(stream.map((m) => m.id)).toEqual([older.id, newer.id]);
    });

    it('while drained, the timed poll still finds what another writer committed (no kick) and publishes it through the ordered poll', async () => {
      const { relay, outbox, published } = recordingRelay({ pollIntervalMs: 100 });
      await drained(relay, outbox, published);
      const ceremonyId = randomUUID();
      const fresh = await outbox.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 9)));
      await eventually(async () => expect(await sentAt(fresh.id)).not.toBeNull());
      // Committed by a writer that hands nothing to this relay (another replica): only a timed poll can find it.
      const other = await dataSource.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 10)));
      await eventually(async () => expect(await sentAt(other.id)).not.toBeNull());
      const after = await outbox.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 11)));
      await eventually(async () => expect(await sentAt(after.id)).not.toBeNull());
      await relay.stop();
      const ours = published.filter((p) => [fresh.id, other.id, after.id].includes(p.id));
      expect(ours).toEqual([
        { id: fresh.id, fromMemory: true },
        { id: other.id, fromMemory: false },
        { id: after.id, fromMemory: true },
      ]);
      const stream = (await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => [fresh.id, other.id, after.id].includes(m.id));
      expect(stream.map((m) => m.id)).toEqual([fresh.id, other.id, after.id]);
    });

    it('commits kicked while the drained poll looks (a look every ms) go out from memory at once, in commit order', async () => {
      const { relay, outbox, published } = recordingRelay({ pollIntervalMs: 1 });
      await drained(relay, outbox, published);
      const ceremonyId = randomUUID();
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await outbox.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 20 + i)))).id);
      await eventually(async () => expect(await sentAt(ids[ids.length - 1])).not.toBeNull());
      await relay.stop();
      expect(published.filter((p) => ids.includes(p.id))).toEqual(ids.map((id) => ({ id, fromMemory: true })));
      const stream = (await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => ids.includes(m.id));
      expect(stream.map((m) => m.id)).toEqual(ids);
    });

    it('a row the drained poll sees before its kick comes (commit done, answer on its way) is left to the kick, published once from memory', async () => {
      const { relay, outbox, published } = recordingRelay({ pollIntervalMs: 1 });
      await drained(relay, outbox, published);
      // The race, held open: the commit has happened (the row is visible) and the kick has not come yet.
      const row = await committedBeforeItsKick(relay, outbox, 40);
      const looks = published.length;
      await new Promise((resolve) => setTimeout(resolve, 200)); // ~100+ looks of the 1 ms poll see the row
      expect(published.length).toBe(looks);
      expect(await sentAt(row.id)).toBeNull();
      relay.kick([row]);
      await eventually(async () => expect(await sentAt(row.id)).not.toBeNull());
      await relay.stop();
      expect(published.filter((p) => p.id === row.id)).toEqual([{ id: row.id, fromMemory: true }]);
    });

    it('a row a claiming poll published before its kick came is not published again by that kick', async () => {
      const { relay, outbox, published } = recordingRelay();
      await drained(relay, outbox, published);
      const row = await committedBeforeItsKick(relay, outbox, 41);
      relay.kick(); // a row of somewhere else: the next poll claims, and finds this one too
      await eventually(async () => expect(await sentAt(row.id)).not.toBeNull());
      relay.kick([row]); // the late kick
      const ceremonyId = randomUUID();
      const after = await outbox.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 42)));
      await eventually(() => expect(published.map((p) => p.id)).toContain(after.id));
      await relay.stop();
      expect(published.filter((p) => p.id === row.id)).toEqual([{ id: row.id, fromMemory: false }]);
    });

    it('a commit that fails after its work is abandoned: a row it left visible goes out through the ordered poll', async () => {
      const { relay, outbox, published } = recordingRelay();
      await drained(relay, outbox, published);
      const row = await committedBeforeItsKick(relay, outbox, 44); // committed, but the answer "was lost"
      relay.abandon([row]);
      await eventually(async () => expect(await sentAt(row.id)).not.toBeNull());
      await relay.stop();
      expect(published.filter((p) => p.id === row.id)).toEqual([{ id: row.id, fromMemory: false }]);
    });

    it('a crash between the fast publish and marking sent: the poll republishes the same ids, the stream keeps one copy', async () => {
      const { relay, outbox, published } = recordingRelay({ failFirstFast: true });
      await drained(relay, outbox, published);
      const ceremonyId = randomUUID();
      const event = await outbox.transaction((m) => outbox.add(m, 'gala.events.jury.progress', ceremonyId, progress(ceremonyId, 8)));
      await eventually(async () => expect(await sentAt(event.id)).not.toBeNull(), { timeoutMs: 15000 });
      await relay.stop();
      expect(published.filter((p) => p.id === event.id).map((p) => p.fromMemory)).toEqual([true, false]);
      expect((await messagesOn(bus, 'gala.events.jury.progress')).filter((m) => m.id === event.id)).toHaveLength(1);
    });
  });

  describe('consumer', () => {
    let consumer: EventConsumer | null = null;
    afterEach(async () => {
      await consumer?.stop();
      consumer = null;
    });

    /** A handler whose effect is a row it writes in the consumer's transaction (an outbox row), counted by event. */
    function countingHandler(ceremonyId: string, failFirst = 0): { handler: BoundHandler; calls: () => number } {
      let calls = 0;
      const relay = new OutboxRelay(dataSource, bus, logger);
      const outbox = new Outbox(dataSource, relay);
      return {
        handler: async (event, { manager }) => {
          // New durable consumers replay the stream: only this test's ceremony counts.
          if (event.ceremonyId !== ceremonyId) return;
          calls++;
          await outbox.putKv(manager, 'effects', event.id, { effectOf: event.id }, randomUUID());
          if (calls <= failFirst) throw new Error('transient failure');
        },
        calls: () => calls,
      };
    }

    async function effectsOf(eventId: string): Promise<number> {
      return dataSource.getRepository(OutboxMessage).countBy({ kind: 'kv', subject: `$KV.effects.${eventId}` });
    }

    it('a redelivered event (same id, new message) has one effect', async () => {
      const ceremonyId = randomUUID();
      const { handler, calls } = countingHandler(ceremonyId);
      consumer = new EventConsumer(bus, dataSource, logger, { consumer: `redelivery-${randomUUID().slice(0, 8)}`, handlers: new Map([['gala.events.jury.progress', handler]]) });
      await consumer.start();
      const envelope = { id: randomUUID(), type: 'jury.progress', version: 1, ceremonyId, occurredAt: new Date().toISOString(), correlationId: 't', data: progress(ceremonyId, 3) };
      // Two copies with different msgIDs: JetStream's dedup cannot help, as after its window expires.
      await bus.js.publish('gala.events.jury.progress', JSON.stringify(envelope), { msgID: randomUUID() });
      await bus.js.publish('gala.events.jury.progress', JSON.stringify(envelope), { msgID: randomUUID() });
      await eventually(() => expect(calls()).toBe(1));
      await eventually(async () => {
        const info = await bus.jsm.consumers.info(STREAMS.events.name, `${(consumer as unknown as { options: { consumer: string } }).options.consumer}-gala_events`);
        expect(info.num_ack_pending + info.num_pending).toBe(0);
      });
      expect(calls()).toBe(1);
      expect(await effectsOf(envelope.id)).toBe(1);
    });

    it('a handler that fails is retried; its rolled-back attempt leaves no effect', async () => {
      const ceremonyId = randomUUID();
      const { handler, calls } = countingHandler(ceremonyId, 1);
      consumer = new EventConsumer(bus, dataSource, logger, { consumer: `retry-${randomUUID().slice(0, 8)}`, handlers: new Map([['gala.events.jury.progress', handler]]) });
      await consumer.start();
      const envelope = { id: randomUUID(), type: 'jury.progress', version: 1, ceremonyId, occurredAt: new Date().toISOString(), correlationId: 't', data: progress(ceremonyId, 4) };
      await bus.js.publish('gala.events.jury.progress', JSON.stringify(envelope), { msgID: envelope.id });
      await eventually(() => expect(calls()).toBe(2));
      await eventually(async () => expect(await effectsOf(envelope.id)).toBe(1));
    });

    it('a malformed event is parked at once, a poison one after bounded redelivery; the consumer keeps going', async () => {
      const ceremonyId = randomUUID();
      const name = `poison-${randomUUID().slice(0, 8)}`;
      let calls = 0;
      const handler: BoundHandler = async (event) => {
        if (event.ceremonyId !== ceremonyId) return;
        calls++;
        if ((event.data as { locked: number }).locked === 99) throw new Error('cannot handle 99');
      };
      consumer = new EventConsumer(bus, dataSource, logger, { consumer: name, maxDeliveries: 3, handlers: new Map([['gala.events.jury.progress', handler]]) });
      await consumer.start();
      await bus.js.publish('gala.events.jury.progress', 'not json at all', { msgID: randomUUID() });
      await bus.js.publish('gala.events.jury.progress', JSON.stringify({ id: 'nope', data: {} }), { msgID: randomUUID() });
      const poison = { id: randomUUID(), type: 'jury.progress', version: 1, ceremonyId, occurredAt: new Date().toISOString(), correlationId: 't', data: progress(ceremonyId, 99) };
      await bus.js.publish('gala.events.jury.progress', JSON.stringify(poison), { msgID: poison.id });
      const good = { ...poison, id: randomUUID(), data: progress(ceremonyId, 5) };
      await bus.js.publish('gala.events.jury.progress', JSON.stringify(good), { msgID: good.id });

      await eventually(async () => expect(await dataSource.getRepository(ParkedEvent).countBy({ consumer: name })).toBe(3), { timeoutMs: 20000 });
      const parked = await dataSource.getRepository(ParkedEvent).find({ where: { consumer: name }, order: { position: 'ASC' } });
      expect(parked.map((p) => p.error)).toEqual([
        'payload is not JSON',
        expect.stringMatching(/^invalid event: /),
        'cannot handle 99',
      ]);
      expect(parked[2].deliveries).toBe(3);
      expect(parked[2].eventId).toBe(poison.id);
      await eventually(() => expect(calls).toBe(4)); // poison ×3, then the good one
    });

    it('a handler that throws PermanentEventError (e.g. an integrity failure) is parked at its first delivery, never retried', async () => {
      const ceremonyId = randomUUID();
      const name = `permanent-${randomUUID().slice(0, 8)}`;
      const seen: number[] = [];
      const handler: BoundHandler = async (event) => {
        if (event.ceremonyId !== ceremonyId) return;
        const locked = (event.data as { locked: number }).locked;
        seen.push(locked);
        if (locked === 66) throw new PermanentEventError('does not match its commitment');
      };
      consumer = new EventConsumer(bus, dataSource, logger, { consumer: name, maxDeliveries: 5, handlers: new Map([['gala.events.jury.progress', handler]]) });
      await consumer.start();
      const forged = { id: randomUUID(), type: 'jury.progress', version: 1, ceremonyId, occurredAt: new Date().toISOString(), correlationId: 't', data: progress(ceremonyId, 66) };
      const next = { ...forged, id: randomUUID(), data: progress(ceremonyId, 7) };
      await bus.js.publish('gala.events.jury.progress', JSON.stringify(forged), { msgID: forged.id });
      await bus.js.publish('gala.events.jury.progress', JSON.stringify(next), { msgID: next.id });

      // The next event handled is the barrier: the stream is consumed in order, so the forged one was settled first.
      await eventually(() => expect(seen).toContain(7));
      // (A new durable replays the stream: earlier tests' malformed messages are parked too; only this test's events count.)
      const parked = (await dataSource.getRepository(ParkedEvent).find({ where: { consumer: name } })).filter((p) => p.eventId === forged.id || p.eventId === next.id);
      expect(parked.map((p) => ({ eventId: p.eventId, deliveries: p.deliveries, error: p.error }))).toEqual([{ eventId: forged.id, deliveries: 1, error: 'does not match its commitment' }]);
      // Terminated, not waiting for a redelivery: nothing is pending on the consumer.
      await eventually(async () => {
        const info = await bus.jsm.consumers.info(STREAMS.events.name, `${name}-gala_events`);
        expect(info.num_ack_pending + info.num_pending).toBe(0);
      });
      expect(seen).toEqual([66, 7]);
    });
  });

  it('the consumer settings are declared in code (durable, explicit ack)', async () => {
    const name = `decl-${randomUUID().slice(0, 8)}`;
    const consumer = new EventConsumer(bus, dataSource, logger, { consumer: name, handlers: new Map([['gala.events.jury.progress', async () => undefined]]) });
    await consumer.start();
    const info = await bus.jsm.consumers.info(STREAMS.events.name, `${name}-gala_events`);
    expect(info.config.ack_policy).toBe(AckPolicy.Explicit);
    expect(info.config.deliver_policy).toBe(DeliverPolicy.All);
    expect(info.config.durable_name).toBe(`${name}-gala_events`);
    await consumer.stop();
    // Declaring again (a restart) is idempotent.
    const again = new EventConsumer(bus, dataSource, logger, { consumer: name, handlers: new Map([['gala.events.jury.progress', async () => undefined]]) });
    await again.start();
    await again.stop();
  });
});
