import type { CueResult } from '#contracts';
import type { NatsBus } from '#messaging';
import pg from 'pg';
import { GalaDriver } from '../../tools/rehearse/gala-driver.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/lib/infra/postgres.mjs';
import { BASE, duplicates, observe, startGala, streamMessages, testBus, type Gala } from './support.js';

/**
 * Recovery bound (correctness, generous for a loaded CI machine): every cue and lock retried with its
 * own request is answered (200, or 409 "already locked" for a lock that had committed) within 30 s of
 * Postgres accepting connections again, and every committed outbox row is in the stream within 30 s.
 */
const RETRIED_BOUND_MS = 30_000;
const CUES = 50;
const LOCKS = 10;

/**
 * Fault 9: kill -9 of the Postgres postmaster (a Postgres of this test's own) while 50 cues with fixed
 * idempotency keys and 10 ballot locks are in flight. No shutdown checkpoint, open transactions cut
 * mid-way, answers lost after commit. After the restart (crash recovery from the WAL) every request is
 * retried with the same key / by the same juror: each cue applies once with contiguous seqs, each lock
 * once in the audit log, the audit chain verifies, and the stream holds every event once.
 */
describe('fault 9: Postgres postmaster SIGKILLed during cues and ballot locks', () => {
  let postgres: EmbeddedPostgres;
  let gala: Gala;
  let bus: NatsBus;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ database: 'laurel_fault9' });
    gala = await startGala({ label: 'fault_pg_sigkill', databaseUrl: postgres.url });
    bus = await testBus(gala.system.nats.url);
  });

  afterAll(async () => {
    await postgres?.start().catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
    await postgres?.dispose();
  });

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: postgres.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  it('50 cues and 10 locks cut by a postmaster kill apply exactly once after retries with the same keys', async () => {
    const { system, imported } = gala;
    const driver = new GalaDriver((method, path, options) => system.http(method, path, options), system.adminToken, imported, ceremony2017() as { categories: unknown[] });
    const file = ceremony2017() as { categories: { slug: string; criteria?: { key: string }[] }[] };
    // Ten jurors with saved ballots, from two panels.
    const jurors: { token: string; id: string; slug: string }[] = [];
    for (const slug of ['sveriges-kvalitetskommun', 'sveapriset']) {
      const category = imported.categories.find((c) => c.slug === slug)!;
      const criteria = file.categories.find((c) => c.slug === slug)?.criteria?.map((c) => c.key) ?? ['overall'];
      for (const [j, juror] of (await driver.panel(slug)).entries()) {
        if (jurors.length === LOCKS) break;
        const scores = Object.fromEntries(category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((c, ci) => [c, 2 + ((j + k + ci) % 8)]))]));
        expect((await system.http('PUT', `${BASE}/categories/${slug}/ballot`, { token: juror.token, body: { scores } })).status).toBe(200);
        jurors.push({ token: juror.token, id: juror.id, slug });
      }
    }
    expect(jurors).toHaveLength(LOCKS);
    const seqBefore = (await gala.cue({ action: 'next' })).body.seq;
    const keys = Array.from({ length: CUES }, (_, i) => `fault9-cue-${i}`);
    const cueOf = (i: number) => gala.cue({ action: 'goto', scene: i % 2 ? 'interlude' : 'closing', idempotencyKey: keys[i] });
    const lockOf = (i: number) => system.http('POST', `${BASE}/categories/${jurors[i].slug}/ballot/lock`, { token: jurors[i].token });

    // Everything at once; the postmaster is killed once a few cues have committed (most are still queued
    // behind the show's row lock, some inside their transactions).
    const cueAnswers = keys.map((_, i) => cueOf(i).catch((error: Error) => ({ status: 0, body: { message: error.message } as CueResult & { message?: string } })));
    const lockAnswers = jurors.map((_, i) => lockOf(i).catch((error: Error) => ({ status: 0, body: { message: error.message } })));
    await eventually(async () => expect(Number((await query<{ n: number }>('SELECT count(*)::int AS n FROM announcements.cues'))[0].n)).toBeGreaterThanOrEqual(5), { timeoutMs: 20000, intervalMs: 5 });
    await postgres.kill();
    const killedAt = Date.now();
    const first = await Promise.all(cueAnswers);
    const firstLocks = await Promise.all(lockAnswers);
    // 202: committed, not on screens yet (the relay had not published it when the database went away).
    const applied = (status: number) => status === 200 || status === 202;
    const cutCues = first.filter((a) => !applied(a.status)).length;
    const cutLocks = firstLocks.filter((a) => a.status !== 200).length;
    // The kill cut work in flight: a request either applied (200, a cue 202) or was refused retryably (503), never a 500.
    for (const a of first) expect([200, 202, 503]).toContain(a.status);
    for (const a of firstLocks) expect([200, 503]).toContain(a.status);
    expect(cutCues).toBeGreaterThan(0);

    await postgres.start();
    const upAt = Date.now();
    const restartMs = upAt - killedAt;
    // Retries with the same keys / by the same jurors until each is answered.
    const answers = new Map<number, CueResult>();
    first.forEach((a, i) => applied(a.status) && answers.set(i, a.body));
    const lockStatuses = firstLocks.map((a) => a.status);
    await eventually(
      async () => {
        for (let i = 0; i < CUES; i++) {
          if (answers.has(i)) continue;
          const res = await cueOf(i);
          expect([200, 202, 503]).toContain(res.status);
          if (applied(res.status)) answers.set(i, res.body);
        }
        for (let i = 0; i < LOCKS; i++) {
          if (lockStatuses[i] === 200 || lockStatuses[i] === 409) continue;
          const res = await lockOf(i);
          expect([200, 409, 503]).toContain(res.status);
          lockStatuses[i] = res.status;
        }
        expect(answers.size).toBe(CUES);
        expect(lockStatuses.every((s) => s === 200 || s === 409)).toBe(true);
      },
      { timeoutMs: 60000, intervalMs: 250 },
    );
    const retriedMs = Date.now() - upAt;
    expect(retriedMs).toBeLessThan(RETRIED_BOUND_MS);

    // 50 cue rows, contiguous seqs right after the one before; each key's answer is its stored row.
    const rows = await query<{ key: string; seq: number }>("SELECT idempotency_key AS key, (result->>'seq')::int AS seq FROM announcements.cues WHERE idempotency_key LIKE 'fault9-cue-%' ORDER BY seq");
    expect(rows).toHaveLength(CUES);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: CUES }, (_, i) => seqBefore + 1 + i));
    for (const r of rows) expect(answers.get(keys.indexOf(r.key))!.seq).toBe(r.seq);
    // Asked again, every key answers its first result and nothing new is applied.
    const again = (await cueOf(7)).body;
    expect({ seq: again.seq, scene: again.scene }).toEqual({ seq: answers.get(7)!.seq, scene: answers.get(7)!.scene });
    expect(Number((await query<{ n: number }>("SELECT count(*)::int AS n FROM announcements.cues WHERE idempotency_key LIKE 'fault9-cue-%'"))[0].n)).toBe(CUES);

    // Exactly one ballot.locked entry per juror, and the chain verifies.
    const locked = await query<{ subject: string; n: number }>("SELECT subject, count(*)::int AS n FROM jury.audit_log WHERE action = 'ballot.locked' GROUP BY subject");
    for (const juror of jurors) expect(locked.find((l) => l.subject === `ballot:${juror.id}`)?.n).toBe(1);
    expect(locked.reduce((sum, l) => sum + l.n, 0)).toBe(LOCKS);
    const verified = await system.http<{ ok: boolean }>('GET', `${BASE}/audit/verify`, { token: system.adminToken });
    expect(verified.status).toBe(200);
    expect(verified.body.ok).toBe(true);

    // Every committed event is in the stream once: the outboxes drain, no id twice, none missing.
    const outboxIds = async () => (await query<{ id: string; published: boolean }>("SELECT id, published_at IS NOT NULL AS published FROM announcements.outbox WHERE kind = 'event' AND subject LIKE 'gala.events.%' UNION ALL SELECT id, published_at IS NOT NULL FROM jury.outbox WHERE kind = 'event' AND subject LIKE 'gala.events.%'"));
    const streamed = await eventually(
      async () => {
        const ids = await outboxIds();
        expect(ids.filter((r) => !r.published)).toEqual([]);
        const events = await streamMessages(bus);
        const inStream = new Set(events.map((e) => e.id));
        expect(ids.filter((r) => !inStream.has(r.id))).toEqual([]);
        return events;
      },
      { timeoutMs: RETRIED_BOUND_MS, intervalMs: 250 },
    );
    expect(duplicates(streamed.map((e) => e.id))).toEqual([]);
    const scenes = streamed.filter((e) => e.subject === 'gala.events.announcements.scene.changed' && (e.data.seq as number) > seqBefore).map((e) => e.data.seq as number);
    expect(scenes).toEqual(rows.map((r) => r.seq));
    observe('9', { cuesCutByKill: cutCues, locksCutByKill: cutLocks, restartMs, allAnsweredAfterUpMs: retriedMs, cueRows: rows.length, lockedEntries: LOCKS, streamEvents: streamed.length, duplicateIds: 0 });
  });
});
