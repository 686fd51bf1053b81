#!/usr/bin/env node
// The producer's cue, timed: REST cue → its answer, and cue → the first stage screen that has the new
// scene (for a `next`) or the reveal (for a `reveal` of a really sealed verdict). Issue 10 asks that the
// services authenticating every caller themselves add at most 2 ms (p50) to the reveal path; this bench
// runs unchanged on the code before and after that change.
//
//   npm run build:server
//   node bench/cue/run.mjs --rounds 12 --screens 2 --label after
//
// Its own system (nats-server -js on a spare port, a fresh laurel_bench_* database on the local
// Postgres, the four services from dist/ as separate processes, LOG_LEVEL=warn), a screen process with
// `--screens` stage-screen sockets, and this driver. With `taskset` the system runs on core 0 and the
// driver and screens on core 1 (`--no-pin` to leave scheduling alone). One round = one award: `next`
// until its envelope is on stage, then its reveal; before each timed cue it waits (at most
// `--quiet-wait` ms) for a calm moment on the machine (≤ `--quiet-runnable` runnable tasks), as
// bench/reveal does. The first round is warm-up (JIT, pools) and not counted.
// Stdout: a Markdown table; every cue's numbers in bench/cue/results/<label>-<time>.json.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, ipcClient, now, sleep, summarize } from '../reveal/lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const argv = process.argv.slice(2);
function opt(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}
const rounds = Number(opt('rounds', 12));
const screenCount = Number(opt('screens', 2));
const label = String(opt('label', 'cue'));
const pin = opt('no-pin', false) !== true && existsSync('/usr/bin/taskset');
const quietWaitMs = Number(opt('quiet-wait', 3000));
const quietRunnable = Number(opt('quiet-runnable', 2));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outFile = String(opt('out', join(here, 'results', `${label}-${stamp}.json`)));
const ADMIN = `bench-admin-${randomUUID()}`;
const SERVICE_TOKEN = `bench-service-${randomUUID()}`;
const log = (...a) => console.error(`[cue ${new Date().toISOString().slice(11, 23)}]`, ...a);

// Where the admin token lives depends on the code under test: since issue 10 nominations owns it and the
// gateway has a service identity (and refuses the admin token); before, the gateway held it.
const servicesAuthenticate = existsSync(join(root, 'dist/apps/nominations/src/config.js'));
const envOf = {
  nominations: servicesAuthenticate ? { LAUREL_ADMIN_TOKEN: ADMIN } : {},
  jury: {},
  announcements: servicesAuthenticate ? { LAUREL_GATEWAY_SERVICE_TOKEN: SERVICE_TOKEN } : {},
  gateway: servicesAuthenticate ? { LAUREL_GATEWAY_SERVICE_TOKEN: SERVICE_TOKEN } : { LAUREL_ADMIN_TOKEN: ADMIN },
};

const children = [];
let tmp = null;
let dbName = null;

function start(core, args, { env = {}, name, ipc = false } = {}) {
  const child = spawn(pin ? 'taskset' : args[0], pin ? ['-c', core, ...args] : args.slice(1), {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  child.benchName = name;
  child.output = '';
  const keep = (d) => (child.output = (child.output + d.toString()).slice(-20000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.push(child);
  return child;
}

async function cleanup() {
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    if (!(await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]))) child.kill('SIGKILL');
  }
  if (dbName) {
    try {
      psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } catch (e) {
      log(`could not drop ${dbName}: ${e.message}`);
    }
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void cleanup().finally(() => process.exit(130)));

function psql(sql) {
  return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

async function waitFor(what, fn, timeoutMs = 60000, everyMs = 100) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** A calm moment: few runnable tasks machine-wide (/proc/loadavg field 4) in consecutive samples, waited for at most quietWaitMs. */
async function calmMoment() {
  const runnable = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[0]) - 1;
  const until = Date.now() + quietWaitMs;
  let calm = 0;
  let seen = runnable();
  while (Date.now() < until && calm < 5) {
    seen = runnable();
    calm = seen <= quietRunnable ? calm + 1 : 0;
    await sleep(20);
  }
  return seen;
}

async function startSystem() {
  for (const name of ['gateway', 'nominations', 'jury', 'announcements']) {
    if (!existsSync(join(root, 'dist/apps', name, 'src/main.js'))) throw new Error(`dist/apps/${name}/src/main.js missing: run npm run build:server first`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'laurel-cue-bench-'));
  const natsPort = await freePort();
  start('0', ['/usr/sbin/nats-server', '-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', join(tmp, 'js')], { name: 'nats' });
  await waitFor('nats-server', () => new Promise((r) => connect(natsPort, '127.0.0.1', function () { this.destroy(); r(true); }).on('error', () => r(false))));
  dbName = `laurel_bench_cue_${stamp.slice(0, 19).replace(/-/g, '').toLowerCase()}_${process.pid}`;
  psql(`CREATE DATABASE "${dbName}"`);
  const common = { NATS_URL: `nats://127.0.0.1:${natsPort}`, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const ports = {};
  for (const name of ['nominations', 'jury', 'announcements', 'gateway']) {
    ports[name] = await freePort();
    const env = { ...common, PORT: String(ports[name]), ...envOf[name] };
    if (name !== 'gateway') env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${dbName}`;
    else Object.assign(env, { REVEAL_LEAD_MS: '250', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' });
    const child = start('0', [process.execPath, `dist/apps/${name}/src/main.js`], { env, name });
    // One at a time: nominations (the admin grant, the buckets) before the rest, as the launcher does.
    await waitFor(`${name} /health/ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${child.output.slice(-2000)}`);
      return (await fetch(`http://127.0.0.1:${ports[name]}/health/ready`)).status === 200;
    }, 90000);
  }
  log(`system up (${servicesAuthenticate ? 'services authenticate callers' : 'gateway-only authentication'}), database ${dbName}`);
  return `http://127.0.0.1:${ports.gateway}`;
}

function api(base) {
  return async (method, path, { token = ADMIN, body } = {}) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

async function must(p, what) {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The 2017 ceremony under a fresh slug, its awards repeated to `rounds` categories, each verdict really sealed (bench/reveal's jury flow). */
async function prepare(call) {
  const file = JSON.parse(readFileSync(join(root, 'apps/nominations/fixtures/kvalitetsmassan-2017.json'), 'utf8'));
  const outcome = JSON.parse(readFileSync(join(root, 'apps/nominations/fixtures/kvalitetsmassan-2017.outcome.json'), 'utf8')).results;
  const slug = `bench-cue-${randomUUID().slice(0, 8)}`;
  file.ceremony.slug = slug;
  const originals = file.categories.slice();
  const originalOutcome = outcome.slice();
  for (let i = originals.length; i < rounds; i++) {
    const base = originals[i % originals.length];
    file.categories.push({ ...base, slug: `${base.slug}-${i + 1}`, name: `${base.name} (${i + 1})`, jury: [] });
    outcome.push({ ...originalOutcome.find((x) => x.category === base.slug), category: `${base.slug}-${i + 1}` });
  }
  const imported = await waitFor('import', async () => {
    const r = await call('POST', '/ceremonies', { body: file });
    if (r.status === 401) return null; // the admin grant is not everywhere yet
    if (r.status >= 300) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  });
  const c = `/ceremonies/${slug}`;
  const jurors = await waitFor('jurors', async () => {
    const r = await call('GET', `${c}/jurors`);
    return r.status === 200 && r.body.length >= 8 ? r.body : null;
  }, 30000);
  for (const result of outcome.slice(0, rounds)) {
    const category = imported.categories.find((x) => x.slug === result.category);
    const criteria = file.categories.find((x) => x.slug === result.category).criteria?.map((x) => x.key) ?? ['overall'];
    const winner = category.nominees.find((n) => n.slug === result.winner);
    let panel = jurors.filter((j) => j.categoryId === category.id);
    if (panel.length > 0) {
      await must(call('PUT', `${c}/categories/${category.slug}/chair`, { body: { jurorId: panel[0].id } }), 'chair');
      panel = panel.map((j, i) => ({ ...j, chair: i === 0 }));
    } else {
      for (let i = 1; i <= 3; i++) {
        const added = await must(call('POST', `${c}/categories/${category.slug}/jurors`, { body: { name: `Benchjurymedlem ${i}`, affiliation: 'Bench', chair: i === 1, demo: true } }), 'add juror');
        panel.push({ id: added.id, chair: i === 1 });
      }
    }
    let chairToken = null;
    for (const [j, juror] of panel.entries()) {
      const { token } = await must(call('POST', `${c}/tokens`, { body: { role: 'juror', jurorId: juror.id } }), 'juror token');
      await waitFor('juror token live', async () => (await call('GET', `${c}/me`, { token })).status === 200, 15000, 50);
      const scores = Object.fromEntries(category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((cr, ci) => [cr, n.id === winner.id ? 9 - (j % 2) : 2 + ((j + k + ci) % 6)]))]));
      await must(call('PUT', `${c}/categories/${category.slug}/ballot`, { token, body: { scores } }), 'ballot');
      await must(call('POST', `${c}/categories/${category.slug}/ballot/lock`, { token }), 'lock');
      if (juror.chair) chairToken = token;
    }
    await must(call('POST', `${c}/categories/${category.slug}/verdict`, { token: chairToken, body: { motivation: result.motivation } }), 'verdict');
    await must(call('POST', `${c}/categories/${category.slug}/verdict/seal`, { token: chairToken }), 'seal');
  }
  const producer = (await must(call('POST', `${c}/tokens`, { body: { role: 'producer' } }), 'producer token')).token;
  const screens = [];
  for (let i = 0; i < screenCount; i++) screens.push((await must(call('POST', `${c}/tokens`, { body: { role: 'screen' } }), 'screen token')).token);
  await waitFor('producer token live', async () => (await call('GET', `${c}/show`, { token: producer })).status === 200, 15000, 50);
  const order = file.categories.slice(0, rounds).map((fc) => imported.categories.find((x) => x.slug === fc.slug));
  return { slug, c, producer, screens, order };
}

async function main() {
  const gateway = await startSystem();
  const call = api(gateway);
  const show = await prepare(call);
  const screenChild = start('1', [process.execPath, join(here, 'screen.mjs')], { name: 'screens', ipc: true });
  const screens = ipcClient(screenChild);
  await screens('connect', { url: gateway, ceremony: show.slug, tokens: show.screens });
  log(`${rounds} sealed awards, ${screenCount} stage screens connected; cueing`);

  const cues = [];
  /** One timed cue: REST round trip, and when the first screen has its frame. */
  const cue = async (round, body) => {
    const runnable = await calmMoment();
    const load = loadavg()[0];
    const t0 = now();
    const res = await call('POST', `${show.c}/show/cues`, { token: show.producer, body: { idempotencyKey: randomUUID(), ...body } });
    const answered = now();
    if (res.status !== 200) throw new Error(`cue ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
    const key = body.action === 'reveal' ? `revealed:${res.body.seq}` : `scene:${res.body.seq}`;
    const screen = await screens('arrival', { key });
    const row = { round, action: body.action, seq: res.body.seq, kind: res.body.scene.kind, restMs: answered - t0, firstScreenMs: screen - t0, runnable, load };
    if (round > 0) cues.push(row);
    return res.body;
  };

  for (const [round, category] of show.order.entries()) {
    for (let i = 0; i < 40; i++) {
      const scene = (await cue(round, { action: 'next' })).scene;
      if (scene.kind === 'envelope' && scene.categoryId === category.id) break;
    }
    await cue(round, { action: 'reveal', categoryId: category.id });
    await cue(round, { action: 'next' }); // the motivation
    log(`round ${round + 1}/${rounds}: reveal ${fmt(cues.at(-2)?.restMs ?? NaN)} ms answer, ${fmt(cues.at(-2)?.firstScreenMs ?? NaN)} ms first screen`);
  }
  await screens('close', {}).catch(() => undefined);

  const pick = (action) => cues.filter((r) => r.action === action);
  const stats = (rows) => ({ n: rows.length, rest: summarize(rows.map((r) => r.restMs)), firstScreen: summarize(rows.map((r) => r.firstScreenMs)) });
  const report = {
    label,
    at: new Date().toISOString(),
    servicesAuthenticate,
    rounds,
    screens: screenCount,
    pinned: pin,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtEnd: loadavg() },
    reveal: stats(pick('reveal')),
    next: stats(pick('next')),
    cues,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(report, null, 2));
  console.log(`\n${label} (${servicesAuthenticate ? 'services authenticate callers' : 'before: gateway-only authentication'}), ${rounds - 1} counted rounds, load average at end ${loadavg()[0].toFixed(1)}\n`);
  console.log('| cue | n | answer p50 | answer p95 | first screen p50 | first screen p95 |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, s] of [['reveal', report.reveal], ['next', report.next]]) {
    console.log(`| ${name} | ${s.n} | ${fmt(s.rest.p50, 2)} | ${fmt(s.rest.p95, 2)} | ${fmt(s.firstScreen.p50, 2)} | ${fmt(s.firstScreen.p95, 2)} |`);
  }
  console.log(`\n(${outFile.replace(`${root}/`, '')})`);
}

try {
  await main();
} catch (error) {
  log(error.stack ?? String(error));
  for (const child of children) if (child.exitCode !== null && child.benchName !== 'screens') log(`${child.benchName} exited; last output:\n${child.output.slice(-1500)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
