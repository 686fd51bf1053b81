import type { AddressInfo } from 'node:net';
import type { SceneEvent } from '#contracts';
import pg from 'pg';
import { GalaDriver } from '../../tools/rehearse/gala-driver.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/lib/infra/postgres.mjs';
import { BASE, heldScene, observe, SLUG, startGala, type Gala } from './support.js';

/**
 * Recovery bound (correctness, generous for a loaded CI machine): a lock retried with the same request is
 * applied within 15 s of Postgres accepting connections again (observed on a calm machine: 43 ms).
 */
const LOCK_APPLIED_BOUND_MS = 15_000;

/**
 * Fault 5: PostgreSQL goes down in the middle of judging (a Postgres of this test's own: the machine's
 * is shared). A lock sent during the outage fails with a clear 503, succeeds on retry once the
 * database is back, and is applied once; a cue during the outage is refused and no screen shows it.
 */
describe('fault 5: Postgres outage during judging', () => {
  let postgres: EmbeddedPostgres;
  let gala: Gala;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    // A Postgres of the test's own (a scratch embedded one on a spare port), so stopping it touches no other test.
    postgres = await startEmbeddedPostgres({ database: 'laurel_fault5' });
    gala = await startGala({ label: 'fault_pg_outage', databaseUrl: postgres.url });
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await postgres?.start().catch(() => undefined); // so the services can stop cleanly if the test failed mid-outage
    await gala?.system.dispose();
    await postgres?.dispose();
  });

  /** Audit entries of one action on one juror's ballot, read straight from the jury schema. */
  async function auditCount(action: string, jurorId: string): Promise<number> {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*)::int AS n FROM jury.audit_log WHERE action = $1 AND subject = $2', [action, `ballot:${jurorId}`])).rows[0].n);
    } finally {
      await client.end();
    }
  }

  it('a lock during the outage is a clear 503, applied once on retry; a cue during it is never shown', async () => {
    const { system, imported } = gala;
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    const driver = new GalaDriver((method, path, options) => system.http(method, path, options), system.adminToken, imported, ceremony2017() as { categories: unknown[] });
    const panel = await driver.panel('gotapriset');
    const ballot = `${BASE}/categories/gotapriset/ballot`;
    for (const [j, juror] of panel.entries()) {
      const scores = Object.fromEntries(gota.nominees.map((n, k) => [n.id, { overall: 3 + ((j + k) % 6) }]));
      const saved = await system.http('PUT', ballot, { token: juror.token, body: { scores } });
      expect(saved.status).toBe(200);
    }
    expect((await system.http('POST', `${ballot}/lock`, { token: panel[0].token })).status).toBe(200);
    const juror = panel[1];
    const screen = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    clients.push(screen);
    const welcome = (await gala.cue({ action: 'next' })).body;
    await eventually(() => expect(heldScene(screen)?.seq).toBe(welcome.seq));
    const locksBefore = await auditCount('ballot.locked', juror.id);

    const downAt = Date.now();
    await postgres.stop();
    const lockDuring = await system.http<{ statusCode: number; message: string }>('POST', `${ballot}/lock`, { token: juror.token });
    expect(lockDuring.status).toBe(503);
    expect(lockDuring.body.message).toMatch(/^database unavailable/);
    const cueKey = 'fault5-next-during-outage';
    const cueDuring = await gala.cue({ action: 'next', idempotencyKey: cueKey });
    expect(cueDuring.status).toBe(503);
    expect(cueDuring.body.message).toMatch(/^database unavailable/);
    // The outage lasts until both services see it themselves: their readiness reports the database down.
    for (const name of ['jury', 'announcements'] as const) {
      const port = (system.apps[name]!.getHttpServer().address() as AddressInfo).port;
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(503), { timeoutMs: 30000, intervalMs: 200 });
    }
    const outageMs = Date.now() - downAt;
    await postgres.start();
    const upAt = Date.now();

    // Retried until the pool reconnects: 503 meanwhile, then 200 — never twice.
    const attempts: number[] = [];
    await eventually(
      async () => {
        const res = await system.http('POST', `${ballot}/lock`, { token: juror.token });
        attempts.push(res.status);
        expect([200, 409, 503]).toContain(res.status);
        expect(res.status).not.toBe(503);
      },
      { timeoutMs: 30000, intervalMs: 250 },
    );
    const lockRetryMs = Date.now() - upAt;
    expect(lockRetryMs).toBeLessThan(LOCK_APPLIED_BOUND_MS);
    const again = await system.http<{ message: string }>('POST', `${ballot}/lock`, { token: juror.token });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already locked/);
    expect((await auditCount('ballot.locked', juror.id)) - locksBefore).toBe(1);
    const status = await system.http<{ locked: number; total: number }>('GET', `${BASE}/categories/gotapriset/panel`, { token: panel.find((p) => p.chair)!.token });
    if (status.status === 200) expect(status.body.locked).toBe(2);

    // The cue refused during the outage was never shown; the same key now applies it once.
    expect(screen.of<SceneEvent>('scene').filter((s) => s.seq > welcome.seq)).toEqual([]);
    expect(heldScene(screen)?.seq).toBe(welcome.seq);
    const cueAfter = await eventually(async () => {
      const res = await gala.cue({ action: 'next', idempotencyKey: cueKey });
      expect(res.status).toBe(200);
      return res.body;
    });
    expect(cueAfter.seq).toBe(welcome.seq + 1);
    await eventually(() => expect(heldScene(screen)).toMatchObject({ seq: cueAfter.seq, kind: 'category' }));
    expect((await gala.cue({ action: 'next', idempotencyKey: cueKey })).body).toEqual(cueAfter);
    observe('5', { outageMs, lockDuringOutage: lockDuring.status, lockMessage: lockDuring.body.message, cueDuringOutage: cueDuring.status, retryStatuses: attempts, lockAppliedAfterUpMs: lockRetryMs, locksInAudit: 1, scenesShownDuringOutage: 0 });
  });
});
