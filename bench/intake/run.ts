/**
 * Entrant intake under load (issue 15): 500 submissions through the public API (gateway → NATS →
 * nominations → Postgres) within 60 s, none lost: every acknowledged submission (201 with a receipt)
 * is a row, and the rows are exactly the acknowledged ones.
 *
 *   npm run build:server && node dist/bench/intake/run.js        (JSON also to bench/intake/results/)
 *
 * Boots what it needs in this process (a nats-server, a fresh `laurel_test_*` database on
 * LAUREL_TEST_DATABASE_URL's server, the four services). The gateway keeps the production intake budget
 * (INTAKE_RATE_LIMIT_PER_MINUTE = 10 per client address) and trusts the bench as its proxy (TRUST_PROXY
 * loopback): each submission comes from its own X-Forwarded-For address, as 500 entrants would. Nothing
 * is raised to let the bench through.
 *
 * Two phases, each into its own category:
 *   paced  one submission every 60 s / BENCH_SUBMISSIONS (open loop: the pace does not wait for answers), the target;
 *   burst  BENCH_CONCURRENCY (default 16) in flight until all are sent: how far above the target it goes.
 * BENCH_SUBMISSIONS (default 500), BENCH_WINDOW_S (default 60).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import type { ImportCeremonyResult, IntakeReceipt } from '#contracts';
import { startSystem, type TestSystem } from '../../tools/local-system.js';

const N = Number(process.env.BENCH_SUBMISSIONS ?? 500);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SLUG = `bench-intake-${Date.now().toString(36)}`;

const label = (sv: string, en: string) => ({ sv, en });
const INTAKE = {
  deadline: '2099-12-31T23:59',
  fields: [
    { key: 'organisation', kind: 'organisation', label: label('Organisation', 'Organisation'), required: true },
    { key: 'kind', kind: 'text', label: label('Typ av organisation', 'Kind'), required: true, maxLength: 60 },
    { key: 'title', kind: 'text', label: label('Titel', 'Title'), required: true, maxLength: 120 },
    { key: 'description', kind: 'longText', label: label('Beskrivning', 'Description'), maxLength: 2000 },
    { key: 'website', kind: 'url', label: label('Länk', 'Link'), maxLength: 500 },
    { key: 'contactEmail', kind: 'email', label: label('E-post', 'E-mail'), required: true },
  ],
};

interface Outcome {
  status: number;
  ms: number;
  receipt?: string;
}

function answers(i: number, phase: string) {
  const n = String(i).padStart(4, '0');
  return {
    organisation: `Organisation ${phase} ${n}, Göteborg`,
    kind: 'kommun',
    title: `Bidrag ${n}: bättre service för invånarna`,
    description: `Ett förbättringsarbete i offentlig verksamhet, nummer ${n}.\nMed mätbara resultat för dem det berör. `.repeat(6),
    website: `https://example.se/bidrag/${phase}/${n}`,
    contactEmail: `kontakt${n}@example.se`,
  };
}

async function submit(system: TestSystem, category: string, i: number, phase: string, address: string): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${system.gatewayUrl}/api/v1/ceremonies/${SLUG}/categories/${category}/intake/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ answers: answers(i, phase) }),
    });
    const body = (await res.json()) as IntakeReceipt;
    return { status: res.status, ms: performance.now() - started, receipt: res.status === 201 ? body.receipt : undefined };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
}

/** A distinct client address per submission (10.p.x.y). */
const addressOf = (phase: number, i: number) => `10.${phase}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function rowsIn(system: TestSystem, categoryId: string): Promise<number> {
  const client = new pg.Client({ connectionString: system.db.url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM nominations.intake_submissions WHERE category_id = $1', [categoryId])).rows[0].n);
  } finally {
    await client.end();
  }
}

function report(name: string, outcomes: Outcome[], wallMs: number, rows: number) {
  const acked = outcomes.filter((o) => o.status === 201);
  const sorted = acked.map((o) => o.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
  return {
    phase: name,
    sent: outcomes.length,
    acknowledged: acked.length,
    rowsInDatabase: rows,
    lost: acked.length - rows,
    uniqueReceipts: new Set(acked.map((o) => o.receipt)).size,
    statuses,
    wallSeconds: +(wallMs / 1000).toFixed(2),
    perSecond: +((acked.length / wallMs) * 1000).toFixed(1),
    latencyMs: { p50: +pct(sorted, 50).toFixed(1), p95: +pct(sorted, 95).toFixed(1), p99: +pct(sorted, 99).toFixed(1), max: +(sorted.at(-1) ?? NaN).toFixed(1) },
  };
}

const system = await startSystem({ label: 'bench_intake', trustProxy: 'loopback', rateLimits: { intake: 10, public: 10_000 } });
try {
  const file = {
    ceremony: { slug: SLUG, name: 'Intake bench', timezone: 'Europe/Stockholm' },
    categories: [
      { slug: 'paced', name: 'Paced', intake: INTAKE },
      { slug: 'burst', name: 'Burst', intake: INTAKE },
      { slug: 'warmup', name: 'Warm-up', intake: INTAKE },
    ],
  };
  const imported = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file });
  if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${imported.text}`);
  const idOf = (slug: string) => imported.body.categories.find((c) => c.slug === slug)!.id;
  const load = [loadavg()[0]];

  // Warm-up (JIT, pools), not counted.
  await Promise.all(Array.from({ length: 20 }, (_, i) => submit(system, 'warmup', i, 'w', addressOf(9, i))));

  // Paced: N submissions spread evenly over the window, not waiting for answers.
  const interval = (WINDOW_S * 1000) / N;
  const pacedStart = performance.now();
  const pending: Promise<Outcome>[] = [];
  for (let i = 0; i < N; i++) {
    const due = pacedStart + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(submit(system, 'paced', i, 'p', addressOf(1, i)));
  }
  const paced = await Promise.all(pending);
  const pacedMs = performance.now() - pacedStart;
  load.push(loadavg()[0]);

  // Burst: as fast as CONCURRENCY in flight allows.
  const burst: Outcome[] = [];
  let next = 0;
  const burstStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        burst.push(await submit(system, 'burst', i, 'b', addressOf(2, i)));
      }
    }),
  );
  const burstMs = performance.now() - burstStart;
  load.push(loadavg()[0]);

  const result = {
    at: new Date().toISOString(),
    submissions: N,
    windowSeconds: WINDOW_S,
    concurrency: CONCURRENCY,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage1m: load.map((l) => +l.toFixed(2)) },
    paced: report('paced', paced, pacedMs, await rowsIn(system, idOf('paced'))),
    burst: report('burst', burst, burstMs, await rowsIn(system, idOf('burst'))),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  // Beside the sources (the build runs from dist/bench/intake): bench/intake/results/<time>.json.
  const out = new URL('../../../bench/intake/results/', import.meta.url);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL(`intake-${result.at.replace(/[:.]/g, '-')}.json`, out), `${JSON.stringify(result, null, 2)}\n`);
  const ok = [result.paced, result.burst].every((r) => r.acknowledged === N && r.lost === 0 && r.rowsInDatabase === N && r.uniqueReceipts === N) && result.paced.wallSeconds <= WINDOW_S + 5;
  process.stdout.write(ok ? `met: ${N} submissions in ${result.paced.wallSeconds} s paced, none lost\n` : 'NOT met: see the numbers above\n');
  process.exitCode = ok ? 0 : 1;
} finally {
  await system.dispose();
}
