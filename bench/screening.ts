/**
 * Screening round at GötaPriset's scale (issue 15): 468 entries, 12 jurors, k = 3.
 *
 *   npm run build:server && node dist/bench/screening.js
 *
 * Measures, through the gateway on a system booted in this process (nats-server, a fresh test database on
 * LAUREL_TEST_DATABASE_URL's server, the four services; see bench/jury-locks.ts):
 *   - the assignment (`POST …/screening/assignment { k: 3 }`: 1,404 reviews written, audited) and the pure
 *     algorithm alone (`assignReviewers`, with 60 affiliation/declared conflicts);
 *   - the ranking (`GET …/screening/ranking` over 1,404 locked reviews) and the pure `rankEntries`;
 *   - 1,404 review locks by the 12 jurors' tokens, BENCH_CONCURRENCY (default 32) clients at once.
 * Targets: assignment ≤ 1 s, ranking ≤ 200 ms, locks ≥ 500/s.
 *
 * BENCH_PROFILE=<dir>: CPU profiles of the lock phase only, written to <dir> with a summary on stdout: this
 * process's (the gateway, the clients and whichever services run here) and, with BENCH_SPLIT=1, the jury
 * process's (over its inspector port). `node dist/bench/profile-summary.js <file>` summarizes one again.
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import type { AssignmentView, AuditVerification, ImportCeremonyResult, IssuedToken, JurorView, ScreeningRanking, ScreeningView } from '#contracts';
import { assignReviewers } from '../apps/jury/src/rounds/assignment.js';
import { rankEntries } from '../apps/jury/src/rounds/ranking.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync } from 'node:fs';
import { freePort } from '../scripts/lib/infra/index.mjs';
import { profileProcess, profileThisProcess, saveProfile, summarize, type Profiler } from './profile.js';
import { startSystem, type ServiceName } from '../tools/local-system.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 468);
const JURORS = Number(process.env.BENCH_JURORS ?? 12);
const K = Number(process.env.BENCH_K ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const CRITERIA = ['kvalitet', 'medarbetare', 'fornyelse'];

const machine = () => `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

// ---- the pure algorithms, no I/O ------------------------------------------------------------------
{
  const entryIds = Array.from({ length: ENTRIES }, (_, i) => `e${i}`);
  const reviewerIds = Array.from({ length: JURORS }, (_, i) => `j${i}`);
  const conflicts = Array.from({ length: 60 }, (_, i) => ({ reviewerId: `j${i % 3}`, entryId: `e${i * 7}` }));
  const times: number[] = [];
  let result: ReturnType<typeof assignReviewers> | null = null;
  for (let run = 0; run < 20; run++) {
    const started = performance.now();
    result = assignReviewers({ entryIds, reviewerIds, k: K, conflicts });
    times.push(performance.now() - started);
  }
  if (!result?.ok) throw new Error('bench assignment refused');
  process.stdout.write(`pure assignReviewers (${ENTRIES} entries, ${JURORS} jurors, k = ${K}, 60 conflicts): median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms over 20 runs; loads ${result.minLoad}–${result.maxLoad}\n`);
  const reviews = [...result.reviewers].flatMap(([entryId, jurors]) => jurors.map((jurorId, i) => ({ jurorId, entryId, scores: Object.fromEntries(CRITERIA.map((c, n) => [c, 1 + ((entryId.length * 7 + i * 3 + n + Number(entryId.slice(1))) % 10)])) })));
  const rankTimes: number[] = [];
  for (let run = 0; run < 20; run++) {
    const started = performance.now();
    rankEntries({ entryIds, criteria: CRITERIA.map((key) => ({ key, weight: 1 })), reviews });
    rankTimes.push(performance.now() - started);
  }
  process.stdout.write(`pure rankEntries (${reviews.length} reviews): median ${median(rankTimes).toFixed(2)} ms, max ${Math.max(...rankTimes).toFixed(2)} ms over 20 runs\n`);
}

// ---- through the system ---------------------------------------------------------------------------
// BENCH_SPLIT=1: the jury runs as a process of its own (the built dist/apps/jury/src/main.js), as deployed,
// instead of sharing this process's event loop with the gateway, the other services and the clients.
const split = process.env.BENCH_SPLIT === '1';
const profileDir = process.env.BENCH_PROFILE;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const inspectPort = split && profileDir ? await freePort() : null;
const system = await startSystem({ label: 'bench_screening', ...(split ? { services: ['nominations', 'announcements', 'vote', 'gateway'] as const satisfies ServiceName[] } : {}) });
let juryProcess: ChildProcess | null = null;
if (split) {
  const port = await freePort();
  juryProcess = spawn(process.execPath, [...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []), join(dirname(fileURLToPath(import.meta.url)), '../apps/jury/src/main.js')], {
    env: { ...process.env, NATS_URL: system.natsUrl, DATABASE_URL: system.db.serviceUrls.jury, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status !== 200; i++) {
    if (i > 600) throw new Error('the jury process never became ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(`jury in its own process (pid ${juryProcess.pid})\n`);
}
/** CPU ms (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
const cpuMsOf = (pid: number | undefined): number | null => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
};
const call = async <T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> => {
  const response = await fetch(`${system.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : undefined) as T };
};
const must = async <T>(method: string, path: string, token: string, body: unknown, expected: number): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    const res = await call<T>(method, path, token, body);
    if (res.status === expected) return res.json;
    if (res.status !== 401 || attempt > 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

try {
  process.stdout.write(`machine: ${machine()}\n`);
  const admin = system.adminToken;
  const file = {
    ceremony: { slug: 'bench-screening', name: 'Bench screening' },
    categories: [
      {
        slug: 'gotapriset',
        name: 'GötaPriset',
        nomineeBounds: { min: 3, max: 6 },
        criteria: CRITERIA.map((key) => ({ key, label: key })),
        jury: Array.from({ length: JURORS }, (_, j) => ({ name: `Juror ${j + 1}`, affiliation: j < 3 ? `Organisation ${j * 10}` : null, chair: j === 0 })),
      },
    ],
  };
  await must<ImportCeremonyResult>('POST', '/api/v1/ceremonies', admin, file, 201);
  const base = '/api/v1/ceremonies/bench-screening';
  const cat = `${base}/categories/gotapriset`;
  const csv = ['external_id,organisation,kind,title', ...Array.from({ length: ENTRIES }, (_, i) => `GP-${i},Organisation ${i},kommun,Bidrag ${i}`)].join('\n');
  await must('POST', `${cat}/entries/import`, admin, csv, 200);
  const jurors = await must<JurorView[]>('GET', `${base}/jurors`, admin, undefined, 200);
  const tokens = new Map<string, string>();
  for (const j of jurors) tokens.set(j.id, (await must<IssuedToken>('POST', `${base}/tokens`, admin, { role: 'juror', jurorId: j.id }, 201)).token);
  const chair = tokens.get(jurors.find((j) => j.chair)!.id)!;

  const opened = performance.now();
  const round = await must<ScreeningView>('POST', `${cat}/screening`, admin, {}, 201);
  process.stdout.write(`open the round (${ENTRIES} entries read from nominations and written to the jury): ${(performance.now() - opened).toFixed(0)} ms\n`);

  const assignStarted = performance.now();
  const assigned = await must<AssignmentView>('POST', `${cat}/screening/assignment`, chair, { k: K }, 200);
  const assignMs = performance.now() - assignStarted;
  process.stdout.write(`assignment through the gateway (k = ${K}, ${ENTRIES * K} reviews written and audited): ${assignMs.toFixed(0)} ms; loads ${assigned.minLoad}–${assigned.maxLoad} (${machine()})\n`);

  // Every juror's queue, scored (drafts: not timed).
  const work: { token: string; entryId: string }[] = [];
  for (const [ji, j] of jurors.entries()) {
    const token = tokens.get(j.id)!;
    const view = await must<ScreeningView>('GET', `${cat}/screening`, token, undefined, 200);
    await pool(view.queue!, 8, async (item) => {
      const scores = Object.fromEntries(CRITERIA.map((c, n) => [c, 1 + ((ji * 3 + n + item.id.charCodeAt(0)) % 10)]));
      await must('PUT', `${cat}/screening/reviews/${item.id}`, token, { scores }, 200);
      work.push({ token, entryId: item.id });
    });
  }
  if (work.length !== ENTRIES * K) throw new Error(`expected ${ENTRIES * K} reviews, got ${work.length}`);
  // Interleave the jurors, as they would lock side by side.
  work.sort((a, b) => (a.entryId < b.entryId ? -1 : 1));

  const profilers: [string, Profiler][] = profileDir
    ? [['bench-process', await profileThisProcess()], ...(inspectPort ? [['jury-process', await profileProcess(inspectPort)] as [string, Profiler]] : [])]
    : [];
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const juryCpuBefore = cpuMsOf(juryProcess?.pid);
  const lockStarted = performance.now();
  await pool(work, CONCURRENCY, async ({ token, entryId }) => {
    const started = performance.now();
    await must('POST', `${cat}/screening/reviews/${entryId}/lock`, token, undefined, 200);
    latencies.push(performance.now() - started);
  });
  const lockMs = performance.now() - lockStarted;
  const cpu = process.cpuUsage(cpuBefore);
  const juryCpu = juryCpuBefore === null ? null : cpuMsOf(juryProcess?.pid)! - juryCpuBefore;
  for (const [name, profiler] of profilers) {
    const profile = await profiler.stop();
    process.stdout.write(`profile of the lock phase, ${name} (${saveProfile(profileDir!, name, profile)}):\n${summarize(profile)}\n`);
  }
  if (juryCpu !== null) process.stdout.write(`  the jury process's CPU during the locks: ${((juryCpu / lockMs) * 100).toFixed(0)} % of one core (${(juryCpu / latencies.length).toFixed(2)} ms per lock)\n`);
  // Everything but nats-server and Postgres runs in this one process (gateway, four services, the clients).
  process.stdout.write(`  this process's CPU during the locks: ${(((cpu.user + cpu.system) / 1000 / lockMs) * 100).toFixed(0)} % of one core (${((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(2)} ms per lock)\n`);
  process.stdout.write(
    `review locks through the gateway: ${latencies.length} in ${lockMs.toFixed(0)} ms = ${((latencies.length / lockMs) * 1000).toFixed(0)} locks/s, ${CONCURRENCY} clients; latency p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (${machine()})\n`,
  );

  const rankTimes: number[] = [];
  let ranking: ScreeningRanking | null = null;
  for (let run = 0; run < 21; run++) {
    const started = performance.now();
    ranking = await must<ScreeningRanking>('GET', `${cat}/screening/ranking`, chair, undefined, 200);
    if (run > 0) rankTimes.push(performance.now() - started); // the first warms up
  }
  process.stdout.write(
    `ranking through the gateway (${ranking!.progress.locked} locked reviews, ${ranking!.entries.length} entries): median ${median(rankTimes).toFixed(0)} ms, max ${Math.max(...rankTimes).toFixed(0)} ms over 20 calls (${machine()})\n`,
  );
  // The locks appended concurrently to one chain: it must still verify end to end (one chain, no forks).
  const audit = await must<AuditVerification>('GET', `${base}/audit/verify`, admin, undefined, 200);
  if (!audit.ok) throw new Error(`the audit chain does not verify after the locks: ${JSON.stringify(audit)}`);
  process.stdout.write(`audit chain: ${audit.count} entries, verifies\n`);
  process.stdout.write(`round ${round.roundId}: done\n`);
} finally {
  juryProcess?.kill('SIGTERM');
  await system.dispose();
}
process.exit(0);
