/**
 * Bulk import of 500 entries through the gateway (CSV → gateway → NATS → nominations → Postgres).
 *
 *   npm run build:server && node dist/bench/nominations-import.js
 *
 * With no GATEWAY_URL it boots what it needs in this process: a nats-server (NATS_SERVER_BIN or
 * /usr/sbin/nats-server), a fresh test database on LAUREL_TEST_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432/postgres), the nominations service and a gateway. With
 * GATEWAY_URL and LAUREL_ADMIN_TOKEN it measures a running system instead.
 * BENCH_ROWS (default 500) and BENCH_RUNS (default 7) change the size and the number of runs.
 */
import 'reflect-metadata';
import type { ImportEntriesResult } from '#contracts';
import { startSystem } from '../tools/local-system.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

interface Target {
  url: string;
  token: string;
  close(): Promise<void>;
}

async function bootLocal(): Promise<Target> {
  // All four: an import answers 201 once jury and announcements hold the ceremony (read-your-writes).
  const system = await startSystem({ label: 'bench' });
  return { url: system.gatewayUrl, token: system.adminToken, close: () => system.dispose() };
}

function csv(rows: number, run: number): string {
  const lines = ['external_id,organisation,kind,title,contact_name,contact_email,description'];
  for (let i = 0; i < rows; i++) {
    const n = String(i + 1).padStart(4, '0');
    lines.push(`B${run}-${n},"Organisation ${n}, Göteborg",kommun,Utvecklingsprojekt ${n},Kontakt ${n},kontakt${n}@example.se,"Ett bidrag om digital service, nummer ${n}"`);
  }
  return lines.join('\n') + '\n';
}

async function post(target: Target, path: string, body: string, type: string): Promise<{ status: number; json: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${target.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${target.token}`, 'content-type': type }, body });
  const json = (await response.json()) as unknown;
  return { status: response.status, json, ms: performance.now() - started };
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median.toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (${((ROWS / median) * 1000).toFixed(0)} rows/s at the median)`;
}

const target = process.env.GATEWAY_URL
  ? { url: process.env.GATEWAY_URL, token: process.env.LAUREL_ADMIN_TOKEN ?? '', close: async () => undefined }
  : await bootLocal();
try {
  const fresh: number[] = [];
  const resent: number[] = [];
  // Run 0 warms up (JIT, connection pools) and is not counted.
  for (let run = 0; run <= RUNS; run++) {
    const slug = `bench-${Date.now().toString(36)}-${run}`;
    const ceremony = await post(target, '/api/v1/ceremonies', JSON.stringify({ ceremony: { slug, name: `Bench ${run}` }, categories: [{ slug: 'gotapriset', name: 'GötaPriset' }] }), 'application/json');
    if (ceremony.status !== 201) throw new Error(`ceremony import failed: ${ceremony.status} ${JSON.stringify(ceremony.json)}`);
    const file = csv(ROWS, run);
    const first = await post(target, `/api/v1/ceremonies/${slug}/categories/gotapriset/entries/import`, file, 'text/csv');
    const report = first.json as ImportEntriesResult;
    if (first.status !== 200 || report.imported !== ROWS) throw new Error(`import failed: ${first.status} ${JSON.stringify(first.json).slice(0, 500)}`);
    const again = await post(target, `/api/v1/ceremonies/${slug}/categories/gotapriset/entries/import`, file, 'text/csv');
    if ((again.json as ImportEntriesResult).duplicates !== ROWS) throw new Error(`re-send imported something: ${JSON.stringify(again.json).slice(0, 500)}`);
    if (run > 0) {
      fresh.push(first.ms);
      resent.push(again.ms);
    }
  }
  process.stdout.write(`bulk import of ${ROWS} entries through the gateway, ${RUNS} runs (${(Buffer.byteLength(csv(ROWS, 1)) / 1024).toFixed(0)} KiB CSV)\n`);
  process.stdout.write(`  new entries:        ${stats(fresh)}\n`);
  process.stdout.write(`  same file again:    ${stats(resent)} — all ${ROWS} reported as duplicates\n`);
} finally {
  await target.close();
}
process.exit(0);
