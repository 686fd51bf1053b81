import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageType } from '@nats-io/jetstream';
import type { RevealedEvent } from '#contracts';
import type { NatsBus } from '#messaging';
import pg from 'pg';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { freePort } from '../support/nats-server.js';
import { SourceProcess } from '../support/source-process.js';
import { startSystem, TEST_SERVICE_TOKEN, type TestSystem } from '../support/system.js';
import { duplicates, heldScene, observe, REVEALED, SLUG, startGala, streamMessages, testBus, type Gala } from './support.js';

/** Recovery bound: the committed reveal is on the screen within 30 s of starting the new process (boot included). */
const DELIVERED_BOUND_MS = 30_000;
const FILLER = 'LAUREL_TEST_FILLER';

/**
 * Fault 13: announcements, a real process, is killed with SIGKILL after a reveal committed and before its
 * relay published it (JetStream refuses writes at that moment: its store is full, as in fault 12), so the
 * row is only in the outbox. Room again while announcements is dead; a new process starts: its relay
 * publishes the committed reveal once, the screen shows it once, and the same cue key answers the same seq.
 */
describe('fault 13: announcements SIGKILLed between commit and publish', () => {
  let system: TestSystem;
  let gala: Gala;
  let bus: NatsBus;
  let db: pg.Client;
  let announcements: SourceProcess;
  let confDir: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    confDir = mkdtempSync(join(tmpdir(), 'laurel-fault13-'));
    writeFileSync(join(confDir, 'limits.conf'), 'jetstream {\n  max_file_store: 8MB\n}\n');
    system = await startSystem({ label: 'fault_ann_kill', services: ['nominations', 'jury', 'gateway'], natsExtraArgs: ['-c', join(confDir, 'limits.conf')] });
    announcements = new SourceProcess('announcements', await freePort(), { NATS_URL: system.natsUrl, DATABASE_URL: system.db.serviceUrls.announcements, LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN });
    await announcements.start();
    gala = await startGala({}, system);
    bus = await testBus(system.nats.url);
    db = new pg.Client({ connectionString: system.db.url });
    await db.connect();
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await announcements?.kill();
    await bus?.jsm.streams.delete(FILLER).catch(() => undefined);
    await db?.end().catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await system?.dispose();
    rmSync(confDir, { recursive: true, force: true });
  });

  it('the committed reveal is published once by the restarted process and shown once', async () => {
    const gota = gala.imported.categories.find((c) => c.slug === 'gotapriset')!;
    await new GalaJury(system, gala.imported).deliberate('gotapriset');
    const envelope = await gala.toEnvelope('gotapriset');
    const screen = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    clients.push(screen);
    await eventually(() => expect(heldScene(screen)?.seq).toBe(envelope.seq));

    // JetStream takes no writes: the reveal commits, its rows stay in the outbox.
    await bus.jsm.streams.add({ name: FILLER, subjects: ['laurel.test.filler.>'], storage: StorageType.File });
    for (let i = 0; ; i++) {
      if (i > 200) throw new Error('the store never filled up');
      const full = await bus.js.publish('laurel.test.filler.x', new Uint8Array(256 * 1024)).then(() => false, () => true);
      if (full) break;
    }
    const key = 'fault13-reveal';
    const reveal = await gala.cue({ action: 'reveal', categoryId: gota.id, idempotencyKey: key });
    expect(reveal.status).toBe(202);
    const committed = (await db.query('SELECT id, published_at FROM announcements.outbox WHERE subject = $1', [REVEALED])).rows as { id: string; published_at: Date | null }[];
    expect(committed).toHaveLength(1);
    expect(committed[0].published_at).toBeNull();

    // kill -9 between commit and publish; JetStream has room again only once the process is gone.
    const pid = announcements.child!.pid;
    await announcements.kill();
    await bus.jsm.streams.delete(FILLER);
    expect((await streamMessages(bus, REVEALED)).length).toBe(0);
    expect(screen.of<RevealedEvent>('revealed')).toEqual([]);

    const restartAt = Date.now();
    await announcements.start();
    expect(announcements.child!.pid).not.toBe(pid);
    await eventually(() => expect(screen.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toEqual([gota.id]), { timeoutMs: 30000 });
    const deliveredMs = Date.now() - restartAt;
    expect(deliveredMs).toBeLessThan(DELIVERED_BOUND_MS);
    expect(heldScene(screen)).toMatchObject({ seq: reveal.body.seq, kind: 'winner', categoryId: gota.id });

    // Published once, the committed row itself; the same key answers the same reveal, on screens now.
    const revealed = await streamMessages(bus, REVEALED);
    expect(revealed.map((m) => m.id)).toEqual([committed[0].id]);
    expect(duplicates((await streamMessages(bus)).map((m) => m.id))).toEqual([]);
    const again = await gala.cue({ action: 'reveal', categoryId: gota.id, idempotencyKey: key });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ seq: reveal.body.seq, onScreens: true });
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM announcements.outbox WHERE subject = $1', [REVEALED])).rows[0].n).toBe(1);
    observe('13', { killedPid: pid, revealAnswerBeforeKill: reveal.status, onScreenAfterRestartSpawnMs: deliveredMs, revealsInStream: revealed.length, sameKeyAfter: again.status });
  });
});
