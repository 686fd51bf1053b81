import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RevealedEvent, SealResult, VerdictResult } from '#contracts';
import type { NatsBus } from '#messaging';
import { dumpSchemas, resetJetStream, restoreSchemas } from '../scripts/lib/backup.mjs';
import { GalaDriver } from '../tools/rehearse/gala-driver.js';
import { duplicates, heldScene, observe, REVEALED, SLUG, startGala, streamMessages, testBus, type Gala } from './faults/support.js';
import { eventually } from './support/eventually.js';
import { ceremony2017, outcome2017 } from './support/fixtures.js';
import { GalaJury } from './support/gala.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import type { ServiceName } from './support/system.js';

const BASE = `/api/v1/ceremonies/${SLUG}`;
const PARTIAL = 'sveriges-kvalitetskommun';
const LOCKED_BEFORE_BACKUP = 4;

/**
 * Backup and restore (issue 12, item 4), the procedure `./laurel backup` / `./laurel restore` run: a backup
 * mid-judging (one category sealed, another half locked), more ballots locked and a category sealed after
 * it, then the backup restored with the services stopped — Postgres is the truth: JetStream is rebuilt from
 * the outboxes, consumers skip what their restored database holds. The jury then finishes, the show runs
 * to the end: every category revealed once, the audit chain verifies.
 */
describe('backup and restore', () => {
  let gala: Gala;
  let bus: NatsBus;
  let dir: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    gala = await startGala({ label: 'backup_restore' });
    bus = await testBus(gala.system.nats.url);
    dir = mkdtempSync(join(tmpdir(), 'laurel-backup-'));
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function duplicatesSkipped(): Promise<number> {
    const port = ((gala.system.apps.announcements!.getHttpServer() as Server).address() as AddressInfo).port;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return [...text.matchAll(/^laurel_events_processed_total\{[^}]*outcome="duplicate"[^}]*\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  it('a backup taken mid-judging, restored after more locks, runs the show to the end: every reveal once, the audit verifies', async () => {
    const { system, imported } = gala;
    const file = ceremony2017() as { categories: { slug: string; criteria?: { key: string }[] }[] };
    const outcome = outcome2017();
    const driver = () => new GalaDriver((method, path, options) => system.http(method, path, options), system.adminToken, imported, file);
    const category = (slug: string) => imported.categories.find((c) => c.slug === slug)!;
    /** The driver's ballots (the real winner wins), for jurors [from, to) of a panel; each locked once. */
    async function lock(slug: string, from: number, to: number): Promise<void> {
      const winner = category(slug).nominees.find((n) => n.slug === outcome.find((o) => o.category === slug)!.winner)!;
      const criteria = file.categories.find((c) => c.slug === slug)?.criteria?.map((c) => c.key) ?? ['overall'];
      const panel = await driver().panel(slug);
      for (let j = from; j < Math.min(to, panel.length); j++) {
        const scores = Object.fromEntries(category(slug).nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((c, ci) => [c, n.id === winner.id ? 9 - (j % 2) : 2 + ((j + k + ci) % 6)]))]));
        expect((await system.http('PUT', `${BASE}/categories/${slug}/ballot`, { token: panel[j].token, body: { scores } })).status).toBe(200);
        expect((await system.http('POST', `${BASE}/categories/${slug}/ballot/lock`, { token: panel[j].token })).status).toBe(200);
      }
    }
    async function sealRest(slug: string): Promise<void> {
      await lock(slug, LOCKED_BEFORE_BACKUP, 99);
      const chair = (await driver().panel(slug)).find((j) => j.chair)!;
      const verdict = await system.http<VerdictResult>('POST', `${BASE}/categories/${slug}/verdict`, { token: chair.token, body: { motivation: outcome.find((o) => o.category === slug)!.motivation } });
      expect(verdict.status).toBe(200);
      const seal = await system.http<SealResult>('POST', `${BASE}/categories/${slug}/verdict/seal`, { token: chair.token });
      expect([200, 202]).toContain(seal.status);
    }
    const jury = new GalaJury(system, imported);

    // Mid-judging: one category sealed, another with half its ballots locked.
    await jury.deliberate('gotapriset');
    await lock(PARTIAL, 0, LOCKED_BEFORE_BACKUP);
    const backupFile = await dumpSchemas({ url: system.db.url, file: join(dir, 'mid-judging.dump') });

    // After the backup: more locks, a second category sealed. The restore forgets them.
    await lock(PARTIAL, LOCKED_BEFORE_BACKUP, LOCKED_BEFORE_BACKUP + 2);
    await jury.deliberate('sveapriset');

    // Restore with the services stopped, as `./laurel restore` requires.
    const skippedBefore = await duplicatesSkipped();
    const services: ServiceName[] = ['gateway', 'announcements', 'jury', 'nominations'];
    for (const s of services) await system.stop(s);
    const restored = await restoreSchemas({ url: system.db.url, file: backupFile });
    const { deleted } = await resetJetStream({ natsUrl: system.natsUrl });
    expect(deleted.sort()).toEqual(['GALA_EVENTS', 'GALA_SEALED', 'KV_laurel_access', 'KV_laurel_show']);
    for (const s of [...services].reverse()) await system.start(s);
    // Consumers start over on the rebuilt streams and skip what their restored databases hold.
    await eventually(async () => expect(await duplicatesSkipped()).toBeGreaterThan(skippedBefore), { timeoutMs: 30000 });
    // The tokens issued before the backup work again (their grants are rebuilt from nominations' outbox).
    await eventually(async () => expect((await system.http('GET', `${BASE}/show`, { token: gala.tokens.producer })).status).toBe(200), { timeoutMs: 30000 });

    // What the backup held: gotapriset sealed, 4 ballots of the partial panel; nothing after it.
    const chairOf = async (slug: string) => (await driver().panel(slug)).find((j) => j.chair)!;
    const panelStatus = await system.http<{ locked: number; sealed?: boolean }>('GET', `${BASE}/categories/${PARTIAL}/panel`, { token: (await chairOf(PARTIAL)).token });
    expect(panelStatus.status).toBe(200);
    expect(panelStatus.body.locked).toBe(LOCKED_BEFORE_BACKUP);
    const sveaStatus = await system.http<{ locked: number }>('GET', `${BASE}/categories/sveapriset/panel`, { token: (await chairOf('sveapriset')).token });
    expect(sveaStatus.body.locked).toBe(0);

    // The jury finishes, the show runs to the end.
    await sealRest(PARTIAL);
    for (const slug of ['sveapriset', 'sveriges-digitaliseringskommun', 'sveriges-modernaste-myndighet']) await jury.deliberate(slug);
    const screen = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    clients.push(screen);
    for (const c of imported.categories) {
      await gala.toEnvelope(c.slug);
      const revealed = await eventually(async () => {
        const res = await gala.cue({ action: 'reveal', categoryId: c.id });
        expect(res.status).toBe(200);
        return res.body;
      });
      await eventually(() => expect(heldScene(screen)?.seq).toBe(revealed.seq));
    }
    const ids = imported.categories.map((c) => c.id);
    await eventually(() => expect(screen.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toEqual(ids));
    const winners = Object.fromEntries(screen.of<RevealedEvent>('revealed').map((r) => [r.categoryId, r.winnerId]));
    for (const o of outcome) expect(winners[category(o.category).id]).toBe(category(o.category).nominees.find((n) => n.slug === o.winner)!.id);
    const events = await streamMessages(bus);
    expect(duplicates(events.map((e) => e.id))).toEqual([]);
    expect(events.filter((e) => e.subject === REVEALED).map((e) => e.data.categoryId)).toEqual(ids);
    const results = await system.http<{ categoryId: string }[]>('GET', `${BASE}/results`);
    expect(results.body.map((r) => r.categoryId).sort()).toEqual([...ids].sort());
    const verified = await system.http<{ ok: boolean; count: number }>('GET', `${BASE}/audit/verify`, { token: system.adminToken });
    expect(verified.body.ok).toBe(true);
    observe('backup', { outboxRowsRequeued: restored.outboxRows, streamsDeleted: deleted.length, duplicatesSkipped: await duplicatesSkipped(), reveals: ids.length, auditEntries: verified.body.count });
  });
});
