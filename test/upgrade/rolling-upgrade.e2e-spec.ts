import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RevealedEvent } from '#contracts';
import type { NatsBus } from '#messaging';
import pg from 'pg';
import { duplicates, heldScene, observe, REVEALED, SLUG, startGala, streamMessages, testBus, type Gala } from '../faults/support.js';
import { eventually } from '../support/eventually.js';
import { outcome2017 } from '../support/fixtures.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { freePort } from '../support/nats-server.js';
import { SourceProcess } from '../support/source-process.js';
import { startSystem, TEST_ADMIN_TOKEN, TEST_SERVICE_TOKEN, type TestSystem } from '../support/system.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The previous release: the last one that landed (CI passed on it), before the migrations of this one
 * (announcements' RevealV2 and OutboxStreamSeq, the jury's and nominations' OutboxStreamSeq). Override with
 * LAUREL_PREVIOUS_RELEASE (a commit) when a release lands.
 */
const PREVIOUS_RELEASE = '7513c40ed3765b809c0ce49272818c008a7ed7b2';
type Domain = 'nominations' | 'jury' | 'announcements';

function previousRelease(): string {
  const release = process.env.LAUREL_PREVIOUS_RELEASE ?? PREVIOUS_RELEASE;
  return execFileSync('git', ['rev-parse', '--verify', `${release}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
}

/**
 * Issue 12, item 5: a rolling upgrade. The previous release's domain services (from git: `git archive` of
 * the last landed release, PREVIOUS_RELEASE, run from its sources) run the show on their schema; the new
 * gateway comes first, then each domain service's new version starts beside the old one (it migrates the
 * schema: expand only, so the old one keeps working on it) and serves with it before the old one stops.
 * The show runs across the whole upgrade: locks, seals, cues and reveals while old and new run side by
 * side, every reveal on the screen once, the audit chain verifies.
 */
describe('rolling upgrade from the previous release', () => {
  let system: TestSystem;
  let gala: Gala;
  let bus: NatsBus;
  let oldRoot: string;
  let db: pg.Client;
  let release: string;
  const old = new Map<Domain, SourceProcess>();
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    release = previousRelease();
    oldRoot = mkdtempSync(join(tmpdir(), 'laurel-previous-'));
    execFileSync('sh', ['-c', `git archive ${release} | tar -x -C ${JSON.stringify(oldRoot)}`], { cwd: ROOT });
    symlinkSync(join(ROOT, 'node_modules'), join(oldRoot, 'node_modules'));
    system = await startSystem({ label: 'upgrade', services: [] });
    db = new pg.Client({ connectionString: system.db.url });
    await db.connect();
    const envOf: Record<Domain, Record<string, string>> = {
      nominations: { LAUREL_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
      jury: {},
      announcements: { LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN },
    };
    for (const name of ['nominations', 'jury', 'announcements'] as const) {
      const service = new SourceProcess(name, await freePort(), { NATS_URL: system.natsUrl, DATABASE_URL: system.db.serviceUrls[name], ...envOf[name] }, oldRoot, 90_000);
      await service.start();
      old.set(name, service);
    }
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    for (const s of old.values()) await s.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await system?.dispose();
    if (oldRoot) rmSync(oldRoot, { recursive: true, force: true });
  });

  async function hasStreamColumn(schema: Domain): Promise<boolean> {
    const r = await db.query("SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'outbox' AND column_name = 'stream_seq'", [schema]);
    return r.rowCount === 1;
  }

  it('old and new services run side by side on the migrated schema while the show goes on', async () => {
    // The previous release's schema: the newest migration has not run.
    for (const s of ['nominations', 'jury', 'announcements'] as const) expect(await hasStreamColumn(s)).toBe(false);

    // The new gateway first, in front of the old services.
    await system.start('gateway');
    gala = await startGala({}, system);
    bus = await testBus(system.natsUrl);
    const { imported } = gala;
    const jury = new GalaJury(system, imported);
    const reveal = async (slug: string) => {
      const category = imported.categories.find((c) => c.slug === slug)!;
      await gala.toEnvelope(slug);
      return eventually(async () => {
        const res = await gala.cue({ action: 'reveal', categoryId: category.id });
        expect(res.status).toBe(200);
        return res.body;
      });
    };
    await jury.deliberate('gotapriset');
    const screen = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    clients.push(screen);
    const phases: Record<string, number> = {};

    // Each domain service: the new version starts beside the old one (migrating its schema), both serve,
    // then the old one stops. Work goes on during each overlap.
    const overlapWork: Record<Domain, () => Promise<unknown>> = {
      nominations: async () => expect((await system.http('GET', `/api/v1/ceremonies/${SLUG}`)).status).toBe(200),
      jury: () => jury.deliberate('sveapriset'),
      announcements: () => reveal('gotapriset'),
    };
    for (const name of ['nominations', 'jury', 'announcements'] as const) {
      const t = Date.now();
      await system.start(name);
      expect(await hasStreamColumn(name)).toBe(true);
      expect(old.get(name)!.child!.exitCode).toBeNull(); // the old one still runs on the migrated schema
      await overlapWork[name]();
      // Both replicas took part: the old one still answers readiness against the expanded schema.
      expect((await fetch(`http://127.0.0.1:${old.get(name)!.port}/health/ready`)).status).toBe(200);
      await old.get(name)!.stop();
      phases[name] = Date.now() - t;
    }

    // All new: the rest of the show.
    for (const slug of ['sveriges-digitaliseringskommun', 'sveriges-kvalitetskommun', 'sveriges-modernaste-myndighet']) await jury.deliberate(slug);
    for (const slug of ['sveapriset', 'sveriges-digitaliseringskommun', 'sveriges-kvalitetskommun', 'sveriges-modernaste-myndighet']) {
      const r = await reveal(slug);
      await eventually(() => expect(heldScene(screen)?.seq).toBe(r.seq));
    }
    const ids = imported.categories.map((c) => c.id);
    await eventually(() => expect(screen.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toEqual(ids));
    const winners = Object.fromEntries(screen.of<RevealedEvent>('revealed').map((r) => [r.categoryId, r.winnerId]));
    for (const o of outcome2017()) {
      const category = imported.categories.find((c) => c.slug === o.category)!;
      expect(winners[category.id]).toBe(category.nominees.find((n) => n.slug === o.winner)!.id);
    }
    const events = await streamMessages(bus);
    expect(duplicates(events.map((e) => e.id))).toEqual([]);
    expect(events.filter((e) => e.subject === REVEALED).map((e) => e.data.categoryId)).toEqual(ids);
    const verified = await system.http<{ ok: boolean; count: number }>('GET', `/api/v1/ceremonies/${SLUG}/audit/verify`, { token: system.adminToken });
    expect(verified.body.ok).toBe(true);
    // Rows written by the old release have no stream seq (it does not know the column); the new ones do.
    const seqs = (await db.query('SELECT count(*) FILTER (WHERE stream_seq IS NULL)::int AS old, count(*) FILTER (WHERE stream_seq IS NOT NULL)::int AS new FROM announcements.outbox')).rows[0] as { old: number; new: number };
    expect(seqs.old).toBeGreaterThan(0);
    expect(seqs.new).toBeGreaterThan(0);
    observe('upgrade', { previousRelease: release.slice(0, 12), overlapMs: phases, outboxRowsByOld: seqs.old, outboxRowsByNew: seqs.new, reveals: ids.length, auditEntries: verified.body.count });
  });
});
