import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { GalaDriver } from '../../tools/rehearse/gala-driver.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/lib/infra/postgres.mjs';
import { BASE, observe, startGala, type Gala } from './support.js';

/** A filesystem of this size holds the whole data directory (initdb ≈ 40 MB, one 16 MB WAL segment). */
const DISK_MB = 160;
/** Recovery bound: once space is freed, every refused request succeeds on retry within 15 s. */
const RETRY_BOUND_MS = 15_000;

/** Whether this process may mount a tmpfs (root in a sandbox that allows mounts); the reason when not. */
function mountable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: a small filesystem for the data directory needs mount(8)';
  const probe = mkdtempSync(join(tmpdir(), 'laurel-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return null;
  } catch {
    return 'mount -t tmpfs is not permitted here';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const cannotMount = mountable();
if (cannotMount) console.warn(`[fault 10] skipped: ${cannotMount}`);
const maybe = cannotMount ? describe.skip : describe;

/**
 * Fault 10: the disk under the Postgres data directory fills up (the whole data directory on a tmpfs of
 * its own, then a filler file takes every free byte). Writes that need a new page fail in Postgres with
 * 53100 disk_full and roll back as a whole: the caller gets a retryable 503 "database busy: the database
 * disk is full", never a 500, and nothing of the refused lock or cue is in the database. Once space is
 * freed, the same requests apply exactly once.
 */
maybe('fault 10: disk full under the Postgres data directory', () => {
  let mountDir = '';
  let postgres: EmbeddedPostgres;
  let gala: Gala;
  let filler = '';

  beforeAll(async () => {
    mountDir = mkdtempSync(join(tmpdir(), 'laurel-fault10-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m,mode=0755`, 'tmpfs', mountDir]);
    chmodSync(mountDir, 0o755);
    postgres = await startEmbeddedPostgres({ database: 'laurel_fault10', baseDir: mountDir });
    gala = await startGala({ label: 'fault_disk_full', databaseUrl: postgres.url });
    filler = join(mountDir, 'filler');
  });

  afterAll(async () => {
    rmSync(filler, { force: true });
    await gala?.system.dispose();
    await postgres?.dispose();
    if (mountDir) {
      try {
        execFileSync('umount', [mountDir]);
      } catch {
        execFileSync('umount', ['-l', mountDir]);
      }
      rmSync(mountDir, { recursive: true, force: true });
    }
  });

  /** Writes zeros until the filesystem has no byte left. */
  function fillDisk(): number {
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(1 << 20);
    let written = 0;
    try {
      for (;;) {
        try {
          written += writeSync(fd, chunk, 0, chunk.length);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          // The last partial megabyte, in small pieces.
          for (let size = 4096; ; ) {
            try {
              written += writeSync(fd, chunk, 0, size);
            } catch {
              if (size === 1) return written;
              size = Math.max(1, size >> 1);
            }
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('a write that needs space answers a retryable 503 and leaves nothing half-written; it applies once after space is freed', async () => {
    const { system, imported } = gala;
    const driver = new GalaDriver((method, path, options) => system.http(method, path, options), system.adminToken, imported, ceremony2017() as { categories: unknown[] });
    const slug = 'sveriges-kvalitetskommun';
    const category = imported.categories.find((c) => c.slug === slug)!;
    const criteria = (ceremony2017() as { categories: { slug: string; criteria?: { key: string }[] }[] }).categories.find((c) => c.slug === slug)?.criteria?.map((c) => c.key) ?? ['overall'];
    const panel = await driver.panel(slug);
    for (const [j, juror] of panel.entries()) {
      const scores = Object.fromEntries(category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((c, ci) => [c, 2 + ((j + k + ci) % 8)]))]));
      expect((await system.http('PUT', `${BASE}/categories/${slug}/ballot`, { token: juror.token, body: { scores } })).status).toBe(200);
    }
    const filled = fillDisk();

    // Locks and cues until the database has refused some of each kind of write for lack of space.
    const lockStatus = new Map<string, number>();
    const cueStatus = new Map<string, number>();
    const messages = new Set<string>();
    for (let round = 0; round < 200 && ([...lockStatus.values()].every((s) => s !== 503) || [...cueStatus.values()].every((s) => s !== 503)); round++) {
      const juror = panel[round % panel.length];
      if (lockStatus.get(juror.id) !== 200) {
        const res = await system.http<{ message: string }>('POST', `${BASE}/categories/${slug}/ballot/lock`, { token: juror.token });
        expect([200, 503]).toContain(res.status);
        lockStatus.set(juror.id, res.status);
        if (res.status === 503) messages.add(res.body.message);
      }
      const key = `fault10-cue-${round}`;
      const cue = await gala.cue({ action: 'goto', scene: round % 2 ? 'interlude' : 'closing', idempotencyKey: key });
      expect([200, 503]).toContain(cue.status);
      cueStatus.set(key, cue.status);
      if (cue.status === 503) messages.add(cue.body.message!);
    }
    const refusedLocks = [...lockStatus].filter(([, s]) => s === 503).map(([id]) => id);
    const refusedCues = [...cueStatus].filter(([, s]) => s === 503).map(([key]) => key);
    expect(refusedLocks.length + refusedCues.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).toMatch(/^database busy: the database disk is full; nothing was written|^database unavailable/);
    expect([...messages].some((m) => m.startsWith('database busy: the database disk is full'))).toBe(true);

    // Nothing of a refused write is in the database: no lock, no audit entry, no cue row.
    for (const id of refusedLocks) {
      expect((await query<{ locked_at: Date | null }>('SELECT locked_at FROM jury.ballots WHERE juror_id = $1', [id]))[0].locked_at).toBeNull();
      expect(await query('SELECT 1 FROM jury.audit_log WHERE action = $1 AND subject = $2', ['ballot.locked', `ballot:${id}`])).toEqual([]);
    }
    if (refusedCues.length) expect(await query('SELECT idempotency_key FROM announcements.cues WHERE idempotency_key = ANY($1)', [refusedCues])).toEqual([]);

    // Space freed: the same requests apply, once.
    rmSync(filler, { force: true });
    const freedAt = Date.now();
    await eventually(
      async () => {
        for (const id of refusedLocks) {
          if (lockStatus.get(id) === 200) continue;
          const res = await system.http('POST', `${BASE}/categories/${slug}/ballot/lock`, { token: panel.find((p) => p.id === id)!.token });
          expect([200, 503]).toContain(res.status);
          lockStatus.set(id, res.status);
        }
        for (const key of refusedCues) {
          if (cueStatus.get(key) === 200) continue;
          const res = await gala.cue({ action: 'goto', scene: Number(key.split('-').pop()) % 2 ? 'interlude' : 'closing', idempotencyKey: key });
          expect([200, 503]).toContain(res.status);
          cueStatus.set(key, res.status);
        }
        expect([...lockStatus.values(), ...cueStatus.values()].every((s) => s === 200)).toBe(true);
      },
      { timeoutMs: 30000, intervalMs: 200 },
    );
    const retriedMs = Date.now() - freedAt;
    expect(retriedMs).toBeLessThan(RETRY_BOUND_MS);
    for (const id of lockStatus.keys()) expect(await query('SELECT 1 FROM jury.audit_log WHERE action = $1 AND subject = $2', ['ballot.locked', `ballot:${id}`])).toHaveLength(1);
    const seqs = (await query<{ seq: number }>("SELECT (result->>'seq')::int AS seq FROM announcements.cues WHERE idempotency_key LIKE 'fault10-cue-%' ORDER BY seq")).map((r) => r.seq);
    expect(seqs).toHaveLength(cueStatus.size);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    const verified = await system.http<{ ok: boolean }>('GET', `${BASE}/audit/verify`, { token: system.adminToken });
    expect(verified.body.ok).toBe(true);
    observe('10', { diskMb: DISK_MB, fillerMb: Math.round(filled / 2 ** 20), locksRefused: refusedLocks.length, cuesRefused: refusedCues.length, answers: [...new Set([...lockStatus.values(), ...cueStatus.values()])], messages: [...messages], appliedAfterFreedMs: retriedMs });
  });
});
