import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KV_BUCKETS, STREAMS, type RevealedEvent, type ShowSnapshot } from '#contracts';
import { OutboxRelay, type NatsBus } from '#messaging';
import pg from 'pg';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { duplicates, heldScene, observe, SLUG, startGala, streamMessages, testBus, type Gala } from './support.js';

/** The bound: every outbox row marked published is back in its stream within 30 s of the broker's restart. */
const BACK_IN_STREAM_BOUND_MS = 30_000;

/**
 * Fault 11: the JetStream store comes back with a lost tail while every service runs — the broker is
 * killed and restarted on an older copy of its store (as after a restore from a backup or a power loss
 * with unsynced writes). The streams keep their creation time (no "store reset"), the last reveal, its
 * seal, scenes and the show snapshot are simply gone. The relays check the streams against the rows
 * they marked published (stream and seq of each PubAck) and publish the missing ones again; screens get
 * nothing twice and the next reveal works.
 */
describe('fault 11: JetStream store restored from an older copy under running services', () => {
  let gala: Gala;
  let bus: NatsBus;
  let db: pg.Client;
  const clients: LiveClient[] = [];
  const copy = join(process.env.TMPDIR ?? '/tmp', `laurel-fault11-store-${process.pid}`);

  beforeAll(async () => {
    gala = await startGala({ label: 'fault_js_tail' });
    bus = await testBus(gala.system.nats.url);
    db = new pg.Client({ connectionString: gala.system.db.url });
    await db.connect();
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await gala?.system.nats.start().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
    rmSync(copy, { recursive: true, force: true });
  });

  /** Every outbox row of the three services that is marked published: id and subject. */
  async function publishedRows(): Promise<{ id: string; subject: string; kind: string }[]> {
    const parts = ['nominations', 'jury', 'announcements'].map((s) => `SELECT id::text, subject, kind FROM ${s}.outbox WHERE published_at IS NOT NULL`);
    return (await db.query(parts.join(' UNION ALL '))).rows as { id: string; subject: string; kind: string }[];
  }

  async function unpublished(): Promise<number> {
    const parts = ['nominations', 'jury', 'announcements'].map((s) => `SELECT count(*)::int AS n FROM ${s}.outbox WHERE published_at IS NULL`);
    return (await db.query<{ n: number }>(parts.join(' UNION ALL '))).rows.reduce((sum, r) => sum + r.n, 0);
  }

  /** The envelope ids a stream holds, in stream order. */
  async function idsIn(stream: string): Promise<string[]> {
    if (stream === STREAMS.events.name) return (await streamMessages(bus)).map((m) => m.id);
    const info = await bus.jsm.streams.info(stream);
    const ids: string[] = [];
    if (info.state.messages === 0) return ids;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (msg) ids.push(msg.json<{ id: string }>().id);
    }
    return ids;
  }

  it('republishes every published outbox row the restored store lacks, once; the next reveal works', async () => {
    const { system, imported } = gala;
    const jury = new GalaJury(system, imported);
    const category = (slug: string) => imported.categories.find((c) => c.slug === slug)!;
    const reveal = async (slug: string) => {
      await jury.deliberate(slug);
      await gala.toEnvelope(slug);
      return eventually(async () => {
        const res = await gala.cue({ action: 'reveal', categoryId: category(slug).id });
        expect(res.status).toBe(200);
        return res.body;
      });
    };
    await reveal('gotapriset');
    for (const token of [gala.tokens.screen, gala.tokens.press, undefined]) clients.push(await connectLive(system.gatewayUrl, { ceremony: SLUG, token }));

    // The older copy: the store as it was after the first reveal (broker stopped cleanly for the copy).
    await eventually(async () => expect(await unpublished()).toBe(0));
    const copied = { events: (await idsIn(STREAMS.events.name)).length, sealed: (await idsIn(STREAMS.sealed.name)).length };
    await system.nats.stop();
    cpSync(join(system.nats.storeDir, 'jetstream'), copy, { recursive: true });
    await system.nats.start();

    // The show goes on after the copy: a second category sealed and revealed, a scene after it.
    const second = await reveal('sveapriset');
    const after = await eventually(async () => {
      const res = await gala.cue({ action: 'next' });
      expect(res.status).toBe(200);
      return res.body;
    });
    await eventually(() => clients.forEach((c) => expect(heldScene(c)?.seq).toBe(after.seq)));
    await eventually(async () => expect(await unpublished()).toBe(0));
    const before = { events: await idsIn(STREAMS.events.name), sealed: await idsIn(STREAMS.sealed.name) };
    expect(before.events.length).toBeGreaterThan(copied.events);
    expect(before.sealed.length).toBeGreaterThan(copied.sealed);

    // Crash, and the broker comes back on the older copy of its store.
    await system.nats.kill();
    rmSync(join(system.nats.storeDir, 'jetstream'), { recursive: true, force: true });
    cpSync(copy, join(system.nats.storeDir, 'jetstream'), { recursive: true });
    await system.nats.start();
    const restartedAt = Date.now();

    // Every row marked published is back in its stream, within the bound, and nothing is there twice.
    const back = await eventually(
      async () => {
        const rows = await publishedRows();
        const events = new Set(await idsIn(STREAMS.events.name));
        const sealed = new Set(await idsIn(STREAMS.sealed.name));
        const missing = rows.filter((r) => r.kind === 'event' && !(r.subject.startsWith('gala.sealed.') ? sealed : events).has(r.id));
        expect(missing).toEqual([]);
        return Date.now() - restartedAt;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(back).toBeLessThan(BACK_IN_STREAM_BOUND_MS);
    const events = await idsIn(STREAMS.events.name);
    expect(duplicates(events)).toEqual([]);
    expect(duplicates(await idsIn(STREAMS.sealed.name))).toEqual([]);
    for (const id of before.events) expect(events).toContain(id);
    // The loss was real and the relays repaired it (not a store that happened to hold everything).
    const relayOf = (s: 'nominations' | 'jury' | 'announcements') => system.apps[s]!.get(OutboxRelay);
    const republished = { jury: relayOf('jury').republished, announcements: relayOf('announcements').republished };
    expect(republished.announcements).toBeGreaterThan(0);
    expect(republished.jury).toBeGreaterThan(0);
    // The show snapshot in KV is the latest again.
    await eventually(async () => expect((await (await bus.kvm.open(KV_BUCKETS.show)).get(imported.id))?.json<ShowSnapshot>().scene?.seq).toBe(after.seq));

    // Reveals work: a third category, on every client once; no client got the second reveal twice.
    const third = await reveal('sveriges-digitaliseringskommun');
    expect(third.seq).toBeGreaterThan(second.seq);
    await eventually(() =>
      clients.forEach((c) => {
        expect(heldScene(c)).toMatchObject({ seq: third.seq, kind: 'winner' });
        expect(c.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toEqual([category('sveapriset').id, category('sveriges-digitaliseringskommun').id]);
      }),
    );
    observe('11', { eventsBeforeCrash: before.events.length, eventsInOlderCopy: copied.events, sealedBeforeCrash: before.sealed.length, sealedInOlderCopy: copied.sealed, allBackInStreamAfterMs: back, republished, eventsAtEnd: events.length, duplicateIds: 0 });
  });
});
