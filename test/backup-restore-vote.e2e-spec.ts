import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { STREAMS, type ImportCeremonyResult, type IssuedTickets, type IssuedToken, type SealedEvent } from '#contracts';
import { migrations as announcementsMigrations } from '../apps/announcements/src/migrations/index.js';
import { migrations as juryMigrations } from '../apps/jury/src/migrations/index.js';
import { migrations as nominationsMigrations } from '../apps/nominations/src/migrations/index.js';
import { migrations as voteMigrations } from '../apps/vote/src/migrations/index.js';
import { VOTE_CONSUMER } from '../apps/vote/src/windows/windows.service.js';
import { dumpSchemas, REPLAYED_CONSUMERS, resetJetStream, restoreSchemas } from '../scripts/lib/backup.mjs';
import { eventually } from './support/eventually.js';
import { audienceGala } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type ServiceName, type TestSystem } from './support/system.js';

const SLUG = 'restore-vote';
const BASE = `/api/v1/ceremonies/${SLUG}`;
const BEFORE = 20;
const AFTER = 15;

/**
 * A restore during an open audience vote (issue 12 × 16). The vote log (GALA_VOTES) is where a vote is stored before
 * it is counted, so a restore keeps it and rewinds its counting consumer: the votes cast after the backup are counted
 * again into the restored database, the ones it already held are skipped, none twice. Before, the consumer went on
 * from where it stood and the votes after the backup were lost from the tally (their voters told "already voted").
 */
describe('backup and restore while an audience vote is open', () => {
  let system: TestSystem;
  let db: pg.Client;
  let dir: string;
  let press: LiveClient | undefined;

  beforeAll(async () => {
    system = await startSystem({ label: 'restore_vote' });
    db = new pg.Client({ connectionString: system.db.url });
    await db.connect();
    dir = mkdtempSync(join(tmpdir(), 'laurel-restore-vote-'));
  });

  afterAll(async () => {
    press?.close();
    await db?.end().catch(() => undefined);
    await system?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const counted = async (categoryId: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vote.votes WHERE category_id = $1 AND accepted', [categoryId])).rows[0].n;

  it('counts every vote cast before and after the backup exactly once after the restore, and seals them all', async () => {
    expect(REPLAYED_CONSUMERS).toEqual([{ stream: STREAMS.votes.name, consumer: VOTE_CONSUMER }]);
    const imported = (await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: audienceGala(SLUG) })).body;
    const category = imported.categories.find((c) => c.slug === 'publikpriset')!;
    const nominees = category.nominees.map((n) => n.id);
    const choice = (i: number) => nominees[i % nominees.length];
    const tickets = (await system.http<IssuedTickets>('POST', `${BASE}/tickets`, { token: system.adminToken, body: { count: BEFORE + AFTER } })).body.tickets;
    expect((await system.http('POST', `${BASE}/categories/publikpriset/vote/open`, { token: system.adminToken, body: { durationSeconds: 600 } })).status).toBe(200);
    const vote = (i: number) => system.http<{ message: string }>('POST', `${BASE}/categories/${category.id}/votes`, { body: { ticket: tickets[i].token, nomineeId: choice(i) } });

    for (let i = 0; i < BEFORE; i++) expect((await vote(i)).status).toBe(201);
    await eventually(async () => expect(await counted(category.id)).toBe(BEFORE));
    const backup = await dumpSchemas({ url: system.db.url, file: join(dir, 'mid-vote.backup.gz') });

    // After the backup: more votes, counted; the restore's database will not hold them.
    for (let i = BEFORE; i < BEFORE + AFTER; i++) expect((await vote(i)).status).toBe(201);
    await eventually(async () => expect(await counted(category.id)).toBe(BEFORE + AFTER));

    const services: ServiceName[] = ['gateway', 'vote', 'announcements', 'jury', 'nominations'];
    for (const s of services) await system.stop(s);
    const migrations = { nominations: nominationsMigrations, jury: juryMigrations, announcements: announcementsMigrations, vote: voteMigrations };
    const restored = await restoreSchemas({ url: system.db.url, file: backup.file, migrations });
    expect(restored.rows).toBe(backup.rows);
    expect(await counted(category.id)).toBe(BEFORE);
    const { rewound } = await resetJetStream({ natsUrl: system.natsUrl });
    expect(rewound).toEqual([`${STREAMS.votes.name}/${VOTE_CONSUMER}`]);
    for (const s of [...services].reverse()) await system.start(s);

    // The vote log is counted again from its start: the votes after the backup are back, none twice.
    await eventually(async () => expect(await counted(category.id)).toBe(BEFORE + AFTER), { timeoutMs: 30_000 });
    const perNominee = (await db.query<{ nominee_id: string; n: number }>('SELECT nominee_id, count(*)::int AS n FROM vote.votes WHERE category_id = $1 AND accepted GROUP BY nominee_id', [category.id])).rows;
    const expected = Object.fromEntries(nominees.map((n) => [n, 0]));
    for (let i = 0; i < BEFORE + AFTER; i++) expected[choice(i)] += 1;
    expect(Object.fromEntries(perNominee.map((r) => [r.nominee_id, r.n]))).toEqual(expected);
    const tallies = (await db.query<{ nominee_id: string; count: number }>('SELECT nominee_id, count FROM vote.tallies WHERE category_id = $1', [category.id])).rows;
    expect(Object.fromEntries(tallies.map((r) => [r.nominee_id, r.count]))).toEqual(expected);

    // A voter from after the backup who tries again is told their vote stands; the seal holds every vote.
    const again = await vote(BEFORE);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('this ticket has already voted in Publikpriset 2026');
    const pressToken = (await system.http<IssuedToken>('POST', `${BASE}/tokens`, { token: system.adminToken, body: { role: 'press' } })).body.token;
    press = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: pressToken });
    expect((await system.http('POST', `${BASE}/categories/publikpriset/vote/close`, { token: system.adminToken })).status).toBe(200);
    const sealed = await press.waitFor<SealedEvent>('sealed', (s) => s.categoryId === category.id, 30_000);
    expect(sealed.ballotCount).toBe(BEFORE + AFTER);
  }, 120_000);
});
