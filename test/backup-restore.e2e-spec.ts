import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip, gzipSync } from 'node:zlib';
import pg from 'pg';
import type { RevealedEvent, SealResult, VerdictResult } from '#contracts';
import type { NatsBus } from '#messaging';
import { migrations as announcementsMigrations } from '../apps/announcements/src/migrations/index.js';
import { migrations as juryMigrations } from '../apps/jury/src/migrations/index.js';
import { migrations as nominationsMigrations } from '../apps/nominations/src/migrations/index.js';
import { migrations as voteMigrations } from '../apps/vote/src/migrations/index.js';
import { readBackup, SectionDigest, type BackupHeader } from '../scripts/lib/backup-format.mjs';
import { dumpSchemas, resetJetStream, restoreSchemas, type MigrationsBySchema } from '../scripts/lib/backup.mjs';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../scripts/lib/infra/postgres.mjs';
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
/** The services' migrations from their sources, as `./laurel restore` takes them from the build. */
const MIGRATIONS: MigrationsBySchema = { nominations: nominationsMigrations, jury: juryMigrations, announcements: announcementsMigrations, vote: voteMigrations };

/**
 * A copy of a backup with one table's rows changed by `edit` (COPY text lines, without newlines) and, with
 * `rehash`, its header's count and sha256 made to match: a forgery the file check alone cannot catch.
 */
async function rewriteBackup(src: string, dst: string, table: string, edit: (rows: string[], columns: string[]) => string[], rehash: boolean): Promise<void> {
  let header!: BackupHeader;
  const bodies: string[] = [];
  const gunzip = createGunzip();
  createReadStream(src).pipe(gunzip);
  await readBackup(
    gunzip,
    (h) => void (header = h),
    async (t, lines) => {
      let rows: string[] = [];
      for await (const line of lines) rows.push(line.toString('utf8').slice(0, -1));
      if (`${t.schema}.${t.name}` === table) {
        rows = edit(rows, t.columns.map((c) => c.name));
        if (rehash) {
          const digest = new SectionDigest();
          digest.update(Buffer.from(rows.map((r) => `${r}\n`).join('')));
          Object.assign(t, digest.done());
        }
      }
      bodies.push(`${rows.map((r) => `${r}\n`).join('')}\\.\n`);
    },
  );
  writeFileSync(dst, gzipSync(`${JSON.stringify(header)}\n${bodies.join('')}`), { mode: 0o600 });
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Backup and restore (issue 12, item 4), the procedure `./laurel backup` / `./laurel restore` run: a backup
 * mid-judging (one category sealed, another half locked), more ballots locked and a category sealed after
 * it, then the backup restored with the services stopped — Postgres is the truth: JetStream is rebuilt from
 * the outboxes, consumers skip what their restored database holds. The jury then finishes, the show runs
 * to the end: every category revealed once, the audit chain verifies.
 */
describe.each([
  // The machine's PostgreSQL (15 on the CI machine, whose pg_dump would do: the logical backup is the only path
  // all the same), and the embedded PostgreSQL 18 `./laurel run` starts, for which no pg_dump is at hand.
  { database: 'the machine PostgreSQL', embedded: false },
  { database: 'the embedded PostgreSQL 18', embedded: true },
])('backup and restore on $database', ({ embedded }) => {
  let gala: Gala;
  let bus: NatsBus;
  let dir: string;
  let postgres: EmbeddedPostgres | undefined;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    if (embedded) postgres = await startEmbeddedPostgres({ database: 'laurel_backup_test' });
    gala = await startGala({ label: 'backup_restore', ...(postgres ? { databaseUrl: postgres.url } : {}) });
    bus = await testBus(gala.system.nats.url);
    dir = mkdtempSync(join(tmpdir(), 'laurel-backup-'));
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
    await postgres?.dispose();
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
    const backup = await dumpSchemas({ url: system.db.url, file: join(dir, 'mid-judging.backup.gz') });
    const backupFile = backup.file;
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    if (embedded) expect((await query<{ v: string }>(system.db.url, "SELECT current_setting('server_version_num') AS v"))[0].v).toMatch(/^18/);

    // After the backup: more locks, a second category sealed. The restore forgets them.
    await lock(PARTIAL, LOCKED_BEFORE_BACKUP, LOCKED_BEFORE_BACKUP + 2);
    await jury.deliberate('sveapriset');

    // Restore with the services stopped, as `./laurel restore` requires.
    const skippedBefore = await duplicatesSkipped();
    // Not while the services run (idle, they hold no lock a DROP would wait for): refused, nothing changed.
    await expect(restoreSchemas({ url: system.db.url, file: backupFile, migrations: MIGRATIONS })).rejects.toThrow(/the services are still connected to the database \(.*laurel-jury: \d+/);
    const services: ServiceName[] = ['gateway', 'vote', 'announcements', 'jury', 'nominations'];
    for (const s of services) await system.stop(s);

    // Refused before anything changes: a file altered after the backup; rows whose counts and checksums were
    // forged to match but whose audit chain no longer links (the triggers stay on while loading); a backup
    // whose schema ran a migration this code does not have.
    const afterBackup = await query<{ n: number }>(system.db.url, 'SELECT count(*)::int AS n FROM jury.audit_log');
    const ballotsAfter = await query<{ n: number }>(system.db.url, 'SELECT count(*)::int AS n FROM jury.ballots WHERE locked_at IS NOT NULL');
    const altered = join(dir, 'altered.backup.gz');
    await rewriteBackup(backupFile, altered, 'jury.ballots', (rows) => rows.slice(1), false);
    await expect(restoreSchemas({ url: system.db.url, file: altered, migrations: MIGRATIONS })).rejects.toThrow(/damaged or was changed:\n {2}jury\.ballots: \d+ rows/);
    const forged = join(dir, 'forged.backup.gz');
    await rewriteBackup(
      backupFile,
      forged,
      'jury.audit_log',
      (rows, columns) => {
        const at = columns.indexOf('prev_hash');
        return rows.map((row) => {
          const cells = row.split('\t');
          if (cells[columns.indexOf('seq')] === '3') cells[at] = `${cells[at].slice(0, -1)}${cells[at].endsWith('0') ? '1' : '0'}`;
          return cells.join('\t');
        });
      },
      true,
    );
    await expect(restoreSchemas({ url: system.db.url, file: forged, migrations: MIGRATIONS })).rejects.toThrow(/jury audit entry 3 of ceremony .* does not link to entry 2/);
    await expect(restoreSchemas({ url: system.db.url, file: backupFile, migrations: { ...MIGRATIONS, jury: juryMigrations.slice(0, -1) } })).rejects.toThrow(
      new RegExp(`the backup's jury schema ran migrations this Laurel does not have \\(${juryMigrations[juryMigrations.length - 1].name}\\)`),
    );
    // A migration that changes rows as they are loaded (here: the code's last jury migration, same name, plus a
    // trigger): the copy-out check after loading catches it, and everything is rolled back.
    const Last = juryMigrations[juryMigrations.length - 1] as new () => { name: string; up(runner: { query(sql: string): Promise<unknown> }): Promise<void> };
    class Altered {
      name = new Last().name;
      async up(runner: { query(sql: string): Promise<unknown> }): Promise<void> {
        await new Last().up(runner);
        await runner.query(`CREATE FUNCTION "jury"."shout"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.subject := upper(NEW.subject); RETURN NEW; END $$`);
        await runner.query(`CREATE TRIGGER "shout" BEFORE INSERT ON "jury"."outbox" FOR EACH ROW EXECUTE FUNCTION "jury"."shout"()`);
      }
    }
    await expect(restoreSchemas({ url: system.db.url, file: backupFile, migrations: { ...MIGRATIONS, jury: [...juryMigrations.slice(0, -1), Altered] } })).rejects.toThrow(
      /the restored tables differ from the backup \(nothing was changed\):\n {2}jury\.outbox: \d+ rows \(sha256/,
    );
    expect(await query(system.db.url, 'SELECT count(*)::int AS n FROM jury.audit_log')).toEqual(afterBackup);
    expect(await query(system.db.url, 'SELECT count(*)::int AS n FROM jury.ballots WHERE locked_at IS NOT NULL')).toEqual(ballotsAfter);

    const restored = await restoreSchemas({ url: system.db.url, file: backupFile, migrations: MIGRATIONS });
    expect(restored.later).toEqual({ nominations: [], jury: [], announcements: [], vote: [] });
    expect(restored.rows).toBe(backup.rows);
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
    observe('backup', { database: embedded ? 'embedded 18' : 'machine', tables: backup.tables, rows: backup.rows, bytes: backup.bytes, outboxRowsRequeued: restored.outboxRows, streamsDeleted: deleted.length, duplicatesSkipped: await duplicatesSkipped(), reveals: ids.length, auditEntries: verified.body.count });
  });
});
