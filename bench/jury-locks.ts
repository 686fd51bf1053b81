/**
 * Ballot locks per second through the jury service: juror tokens → gateway → NATS → jury → Postgres
 * (panel row lock, audit chain append, progress event in the outbox), and the same locks sent straight
 * over NATS to the jury service with the juror's token in the credential header (no gateway).
 *
 *   npm run build:server && node dist/bench/jury-locks.js
 *
 * With no GATEWAY_URL it boots what it needs in this process: a nats-server (NATS_SERVER_BIN or
 * /usr/sbin/nats-server), a fresh test database on LAUREL_TEST_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432/postgres), nominations, jury and a gateway. With GATEWAY_URL and
 * LAUREL_ADMIN_TOKEN it measures a running system instead (and the NATS phase too when NATS_URL is given).
 * BENCH_PANELS (default 4) × BENCH_JURORS (per panel, default 50) ballots are locked per phase, by
 * BENCH_CONCURRENCY (default 32) clients at once.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { bearerCredential, CREDENTIAL_HEADER, type ImportCeremonyResult, type IssuedToken } from '#contracts';
import { startSystem } from '../tools/local-system.js';

const PANELS = Number(process.env.BENCH_PANELS ?? 4);
const JURORS = Number(process.env.BENCH_JURORS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const NOMINEES = 6;
const CRITERIA = ['kvalitet', 'medarbetare', 'fornyelse', 'hallbarhet'];

interface Target {
  url: string;
  token: string;
  natsUrl: string | null;
  close(): Promise<void>;
}

async function bootLocal(): Promise<Target> {
  // All four: an import answers 201 once jury and announcements hold the ceremony (read-your-writes).
  const system = await startSystem({ label: 'bench_jury' });
  return { url: system.gatewayUrl, token: system.adminToken, natsUrl: system.nats.url, close: () => system.dispose() };
}

async function call<T>(target: Target, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : undefined) as T };
}

async function must<T>(target: Target, method: string, path: string, token: string, body: unknown, expected: number): Promise<T> {
  // A fresh token reaches the gateway through a KV bucket: retry a 401 briefly.
  for (let attempt = 0; ; attempt++) {
    const res = await call<T>(target, method, path, token, body);
    if (res.status === expected) return res.json;
    if (res.status !== 401 || attempt > 100) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

interface BenchJuror {
  id: string;
  category: string;
  categoryId: string;
  token: string;
}

/** A ceremony of PANELS categories with JURORS demo jurors each, every juror with a complete draft ballot. */
async function prepare(target: Target, label: string, panels = PANELS, perPanel = JURORS): Promise<{ ceremony: ImportCeremonyResult; jurors: BenchJuror[] }> {
  const slug = `bench-jury-${label}-${Date.now().toString(36)}`;
  const file = {
    ceremony: { slug, name: `Bench ${label}` },
    categories: Array.from({ length: panels }, (_, p) => ({
      slug: `panel-${p + 1}`,
      name: `Panel ${p + 1}`,
      criteria: CRITERIA.map((key) => ({ key, label: key })),
      nominees: Array.from({ length: NOMINEES }, (_, n) => ({ slug: `nominee-${n + 1}`, organisation: `Organisation ${p + 1}-${n + 1}`, kind: 'myndighet' })),
    })),
  };
  const ceremony = await must<ImportCeremonyResult>(target, 'POST', '/api/v1/ceremonies', target.token, file, 201);
  const base = `/api/v1/ceremonies/${slug}`;
  // The jury learns the ceremony from an event: wait until it answers for the first panel.
  for (let i = 0; (await call(target, 'GET', `${base}/categories/panel-1/panel`, target.token)).status !== 200; i++) {
    if (i > 200) throw new Error('the jury never learnt the bench ceremony');
    await new Promise((r) => setTimeout(r, 50));
  }
  const seats = Array.from({ length: perPanel }, (_, j) => ceremony.categories.map((category) => ({ category, j }))).flat();
  const jurors: BenchJuror[] = [];
  // Panels take one juror at a time each (the panel row is the lock), so add them panel-parallel.
  await pool(seats, panels, async ({ category, j }) => {
    const { id } = await must<{ id: string }>(target, 'POST', `${base}/categories/${category.slug}/jurors`, target.token, { name: `Demojurymedlem ${j + 1}`, demo: true }, 201);
    const { token } = await must<IssuedToken>(target, 'POST', `${base}/tokens`, target.token, { role: 'juror', jurorId: id }, 201);
    jurors.push({ id, category: category.slug, categoryId: category.id, token });
  });
  await pool(jurors, CONCURRENCY, async (juror) => {
    const category = ceremony.categories.find((c) => c.id === juror.categoryId)!;
    const scores = Object.fromEntries(category.nominees.map((n, i) => [n.id, Object.fromEntries(CRITERIA.map((c, k) => [c, 1 + ((i + k + juror.id.charCodeAt(0)) % 10)]))]));
    await must(target, 'PUT', `${base}/categories/${juror.category}/ballot`, juror.token, { scores }, 200);
  });
  return { ceremony, jurors };
}

function report(label: string, latencies: number[], wallMs: number): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
  return `  ${label}: ${sorted.length} locks in ${wallMs.toFixed(0)} ms = ${((sorted.length / wallMs) * 1000).toFixed(0)} locks/s; latency p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
}

const target: Target = process.env.GATEWAY_URL
  ? { url: process.env.GATEWAY_URL, token: process.env.LAUREL_ADMIN_TOKEN ?? '', natsUrl: process.env.NATS_URL ?? null, close: async () => undefined }
  : await bootLocal();
let nc: NatsConnection | null = null;
try {
  process.stdout.write(`jury ballot locks: ${PANELS} panels × ${JURORS} jurors per phase, ${CONCURRENCY} concurrent clients, ${NOMINEES} nominees × ${CRITERIA.length} criteria per ballot\n`);
  // The number means little without the machine it ran on.
  const machine = () => `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  process.stdout.write(`  machine: ${machine()}\n`);

  // Warm-up, not counted: JIT, connection pools and prepared paths of both routes.
  const warm = await prepare(target, 'warm', 1, 2 * CONCURRENCY);
  await pool(warm.jurors.slice(0, CONCURRENCY), CONCURRENCY, async (juror) => {
    await must(target, 'POST', `/api/v1/ceremonies/${warm.ceremony.slug}/categories/${juror.category}/ballot/lock`, juror.token, undefined, 200);
  });

  const viaGateway = await prepare(target, 'gw');
  const gwLatencies: number[] = [];
  const gwStarted = performance.now();
  await pool(viaGateway.jurors, CONCURRENCY, async (juror) => {
    const started = performance.now();
    await must(target, 'POST', `/api/v1/ceremonies/${viaGateway.ceremony.slug}/categories/${juror.category}/ballot/lock`, juror.token, undefined, 200);
    gwLatencies.push(performance.now() - started);
  });
  process.stdout.write(report('through the gateway (REST)', gwLatencies, performance.now() - gwStarted) + ` (${machine()})\n`);

  if (target.natsUrl) {
    const direct = await prepare(target, 'nats');
    nc = await connect({ servers: target.natsUrl.split(',') });
    const natsLatencies: number[] = [];
    const natsStarted = performance.now();
    await pool(direct.jurors, CONCURRENCY, async (juror) => {
      const started = performance.now();
      const data = { ceremony: direct.ceremony.id, category: juror.categoryId };
      // The juror's own token in the credential header: the jury service resolves the caller itself.
      const h = headers();
      h.set(CREDENTIAL_HEADER, bearerCredential(juror.token));
      const reply = (await nc!.request('jury.ballot.lock', JSON.stringify({ pattern: 'jury.ballot.lock', data, id: randomUUID() }), { timeout: 10_000, headers: h })).json<{ err?: unknown }>();
      if (reply.err) throw new Error(`lock over NATS failed: ${JSON.stringify(reply.err)}`);
      natsLatencies.push(performance.now() - started);
    });
    process.stdout.write(report('straight over NATS    ', natsLatencies, performance.now() - natsStarted) + ` (${machine()})\n`);
  }
} finally {
  await nc?.drain();
  await target.close();
}
process.exit(0);
