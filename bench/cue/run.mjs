#!/usr/bin/env node
// The producer's cue, timed: REST cue → its answer, and cue → the first stage screen that has the new
// scene (for a `next`) or the reveal (for a `reveal` of a really sealed verdict). Issue 10 asks that the
// services authenticating every caller themselves add at most 2 ms (p50) to the reveal path; this bench
// runs unchanged on the code before and after that change.
//
//   npm run build:server
//   node bench/cue/run.mjs --rounds 12 --screens 2 --label after
//   node bench/cue/run.mjs --rounds 30 --compare ../before-checkout --label pair   (paired: see below)
//
// `--compare <dir>`: a second, whole system from another checkout's dist/ (e.g. main before the change,
// built there), run at the same time with the same ceremony; the rounds alternate between the two
// (A then B, then B then A, …), so both meet the same machine load, and the report adds each pair's
// difference (this checkout − the other). On a shared machine that is the fair comparison.
//
// Its own system (nats-server -js on a spare port, a fresh laurel_bench_* database on the local
// Postgres, the four services from dist/ as separate processes, LOG_LEVEL=warn), a screen process with
// `--screens` stage-screen sockets, and this driver. With `taskset` the system runs on core 0 and the
// driver and screens on core 1 (`--no-pin` to leave scheduling alone); `--nice -10` raises every process
// of the bench above the machine's other work. One round = one award: `next`
// until its envelope is on stage, then its reveal; before each timed cue it waits (at most
// `--quiet-wait` ms) for a calm moment on the machine (≤ `--quiet-runnable` runnable tasks), as
// bench/reveal does. The first round is warm-up (JIT, pools) and not counted.
// Stdout: a Markdown table; every cue's numbers in bench/cue/results/<label>-<time>.json.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNatsServer } from '../../scripts/lib/infra/index.mjs';
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
// `--nice -10` (root): every process of the bench ahead of the machine's other work, as bench/reveal does.
const niceness = Number(opt('nice', 0));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outFile = String(opt('out', join(here, 'results', `${label}-${stamp}.json`)));
const ADMIN = `bench-admin-${randomUUID()}`;
const SERVICE_TOKEN = `bench-service-${randomUUID()}`;
const log = (...a) => console.error(`[cue ${new Date().toISOString().slice(11, 23)}]`, ...a);

const compareRoot = opt('compare', null) ? resolve(String(opt('compare'))) : null;

/**
 * Where the admin token lives depends on the code under test: since issue 10 nominations owns it and the
 * gateway has a service identity (and refuses the admin token); before, the gateway held it.
 */
function authOf(checkout) {
  const servicesAuthenticate = existsSync(join(checkout, 'dist/apps/nominations/src/config.js'));
  return {
    servicesAuthenticate,
    env: {
      nominations: servicesAuthenticate ? { LAUREL_ADMIN_TOKEN: ADMIN } : {},
      jury: {},
      announcements: servicesAuthenticate ? { LAUREL_GATEWAY_SERVICE_TOKEN: SERVICE_TOKEN } : {},
      gateway: servicesAuthenticate ? { LAUREL_GATEWAY_SERVICE_TOKEN: SERVICE_TOKEN } : { LAUREL_ADMIN_TOKEN: ADMIN },
    },
  };
}

const children = [];
const natsServers = [];
const tmps = [];
const dbNames = [];

function start(core, args, { env = {}, name, ipc = false, cwd = root } = {}) {
  const child = spawn(pin ? 'taskset' : args[0], pin ? ['-c', core, ...args] : args.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  child.benchName = name;
  if (niceness !== 0) setPriority(child.pid, niceness);
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
  for (const dbName of dbNames) {
    try {
      psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } catch (e) {
      log(`could not drop ${dbName}: ${e.message}`);
    }
  }
  for (const nats of natsServers) await nats.dispose().catch(() => undefined);
  for (const tmp of tmps) rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void cleanup().finally(() => process.exit(130)));

function psql(sql) {
  return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
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

/** One whole system from a checkout's dist/: nats-server, a fresh database, the four services one after another. */
async function startSystem(checkout, tag) {
  for (const name of ['gateway', 'nominations', 'jury', 'announcements']) {
    if (!existsSync(join(checkout, 'dist/apps', name, 'src/main.js'))) throw new Error(`${checkout}/dist/apps/${name}/src/main.js missing: run npm run build:server there first`);
  }
  const auth = authOf(checkout);
  const tmp = mkdtempSync(join(tmpdir(), 'laurel-cue-bench-'));
  tmps.push(tmp);
  const nats = await startNatsServer({ storeDir: join(tmp, 'js'), prefix: pin ? ['taskset', '-c', '0'] : [] });
  natsServers.push(nats);
  if (niceness !== 0) setPriority(nats.pid(), niceness);
  const natsPort = nats.port;
  const dbName = `laurel_bench_cue_${stamp.slice(0, 19).replace(/-/g, '').toLowerCase()}_${process.pid}_${tag}`;
  psql(`CREATE DATABASE "${dbName}"`);
  dbNames.push(dbName);
  const common = { NATS_URL: `nats://127.0.0.1:${natsPort}`, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const ports = {};
  for (const name of ['nominations', 'jury', 'announcements', 'gateway']) {
    ports[name] = await freePort();
    const env = { ...common, PORT: String(ports[name]), ...auth.env[name] };
    if (name !== 'gateway') env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${dbName}`;
    else Object.assign(env, { REVEAL_LEAD_MS: '250', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' });
    const child = start('0', [process.execPath, `dist/apps/${name}/src/main.js`], { env, name: `${tag}-${name}`, cwd: checkout });
    // One at a time: nominations (the admin grant, the buckets) before the rest, as the launcher does.
    await waitFor(`${tag} ${name} /health/ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${child.output.slice(-2000)}`);
      return (await fetch(`http://127.0.0.1:${ports[name]}/health/ready`)).status === 200;
    }, 90000);
  }
  log(`${tag}: system up from ${checkout} (${auth.servicesAuthenticate ? 'services authenticate callers' : 'gateway-only authentication'}), database ${dbName}`);
  return { gateway: `http://127.0.0.1:${ports.gateway}`, servicesAuthenticate: auth.servicesAuthenticate, checkout };
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

/** A system, its ceremony, its screens, and a timed cue on it. */
async function prepareSystem(checkout, tag) {
  const sys = await startSystem(checkout, tag);
  const call = api(sys.gateway);
  const show = await prepare(call);
  const screens = ipcClient(start('1', [process.execPath, join(here, 'screen.mjs')], { name: `${tag}-screens`, ipc: true }));
  await screens('connect', { url: sys.gateway, ceremony: show.slug, tokens: show.screens });
  const cues = [];
  /** One timed cue: REST round trip, and when the first screen has its frame. */
  const cue = async (round, body) => {
    const runnable = await calmMoment();
    const load = loadavg()[0];
    const t0 = now();
    const res = await call('POST', `${show.c}/show/cues`, { token: show.producer, body: { idempotencyKey: randomUUID(), ...body } });
    const answered = now();
    if (res.status !== 200) throw new Error(`${tag} cue ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
    const key = body.action === 'reveal' ? `revealed:${res.body.seq}` : `scene:${res.body.seq}`;
    const screen = await screens('arrival', { key });
    if (round > 0) cues.push({ round, action: body.action, seq: res.body.seq, kind: res.body.scene.kind, restMs: answered - t0, firstScreenMs: screen - t0, runnable, load });
    return res.body;
  };
  /** One award: `next` to its envelope, its reveal, then the motivation. */
  const round = async (r) => {
    const category = show.order[r];
    for (let i = 0; i < 40; i++) {
      const scene = (await cue(r, { action: 'next' })).scene;
      if (scene.kind === 'envelope' && scene.categoryId === category.id) break;
    }
    await cue(r, { action: 'reveal', categoryId: category.id });
    await cue(r, { action: 'next' });
  };
  return { tag, ...sys, cues, round, close: () => screens('close', {}).catch(() => undefined) };
}

const stats = (rows) => ({ n: rows.length, rest: summarize(rows.map((r) => r.restMs)), firstScreen: summarize(rows.map((r) => r.firstScreenMs)) });

function reportOf(sys) {
  const pick = (action) => sys.cues.filter((r) => r.action === action);
  return { checkout: sys.checkout, servicesAuthenticate: sys.servicesAuthenticate, reveal: stats(pick('reveal')), next: stats(pick('next')), cues: sys.cues };
}

/** Per cue, this checkout's time minus the other's (same round, same position): the paired differences. */
function paired(a, b) {
  const out = {};
  for (const action of ['reveal', 'next']) {
    const xs = a.cues.filter((r) => r.action === action);
    const ys = b.cues.filter((r) => r.action === action);
    const n = Math.min(xs.length, ys.length);
    out[action] = {
      n,
      restMs: summarize(xs.slice(0, n).map((x, i) => x.restMs - ys[i].restMs)),
      firstScreenMs: summarize(xs.slice(0, n).map((x, i) => x.firstScreenMs - ys[i].firstScreenMs)),
    };
  }
  return out;
}

async function main() {
  if (niceness !== 0) setPriority(niceness);
  const systems = [await prepareSystem(root, 'this')];
  if (compareRoot) systems.push(await prepareSystem(compareRoot, 'other'));
  log(`${rounds} sealed awards per system, ${screenCount} stage screens each; cueing`);
  for (let r = 0; r < rounds; r++) {
    // Alternate which system goes first, so neither always follows the other.
    for (const sys of r % 2 === 0 ? systems : [...systems].reverse()) await sys.round(r);
    const last = systems.map((sys) => `${sys.tag} ${fmt(sys.cues.filter((c) => c.action === 'reveal').at(-1)?.restMs ?? NaN)}`).join(', ');
    log(`round ${r + 1}/${rounds}: reveal answer ${last} ms`);
  }
  for (const sys of systems) await sys.close();

  const reports = systems.map(reportOf);
  const report = {
    label,
    at: new Date().toISOString(),
    rounds,
    screens: screenCount,
    pinned: pin,
    niceness,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtEnd: loadavg() },
    systems: reports,
    ...(reports.length === 2 ? { paired: paired(systems[0], systems[1]) } : {}),
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(report, null, 2));
  console.log(`\n${label}: ${rounds - 1} counted rounds, load average at end ${loadavg()[0].toFixed(1)}\n`);
  console.log('| code | cue | n | answer p50 | answer p95 | first screen p50 | first screen p95 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of reports) {
    const code = r.servicesAuthenticate ? 'services authenticate callers' : 'gateway-only authentication';
    for (const [name, s] of [['reveal', r.reveal], ['next', r.next]]) {
      console.log(`| ${code} | ${name} | ${s.n} | ${fmt(s.rest.p50, 2)} | ${fmt(s.rest.p95, 2)} | ${fmt(s.firstScreen.p50, 2)} | ${fmt(s.firstScreen.p95, 2)} |`);
    }
  }
  if (report.paired) {
    console.log('\npaired differences (this checkout − the other, same round and cue):\n');
    console.log('| cue | pairs | answer Δ p50 | first screen Δ p50 |');
    console.log('|---|---|---|---|');
    for (const [name, d] of Object.entries(report.paired)) console.log(`| ${name} | ${d.n} | ${fmt(d.restMs.p50, 2)} | ${fmt(d.firstScreenMs.p50, 2)} |`);
  }
  console.log(`\n(${outFile.replace(`${root}/`, '')})`);
}

try {
  await main();
} catch (error) {
  log(error.stack ?? String(error));
  for (const child of children) if (child.exitCode !== null && !child.benchName.endsWith('screens')) log(`${child.benchName} exited; last output:\n${child.output.slice(-1500)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
