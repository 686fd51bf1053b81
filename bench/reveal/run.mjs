#!/usr/bin/env node
// bench/reveal — how fast a producer's reveal reaches N socket.io clients, against a bare-ws baseline.
//
//   npm run build:server && node bench/reveal/run.mjs --clients 1000,10000 --rounds 5
//
// Starts its own system (nats-server with JetStream on a spare port, a fresh `laurel_bench_*` database on
// the local Postgres, nominations, jury, announcements and gateway from dist/), all pinned to core 0;
// the load generators (public clients split over child processes, stage screens in their own child,
// this driver) run pinned to core 1. Per N: imports the 2017 ceremony under a unique slug, deliberates
// and seals every category through the jury REST flow, connects N public clients + 8 screens + N bare
// ws clients, then per round: cues the show to the next envelope, broadcasts a pre-built frame of the
// revealed frame's size from a bare `ws` server (baseline), reveals (system), and runs the baseline again.
// Everything it starts is stopped and the database dropped at the end, also on error or Ctrl-C.
//
// Options: --clients 1000,10000  --rounds 5 (one award per round; beyond 5 the awards repeat as extra categories)  --per-worker 2500  --screens 8
//   --lead 250 (REVEAL_LEAD_MS)  --gateways 1|2  --gateway-env K=V[,K=V]  --label <name>
//   --out <file.json> (default bench/reveal/results/<label>-<time>.json)  --rehearsal (no seals needed)
//   --two-frame-baseline (also a baseline sending revealed + winner-scene sized frames, as the system does)
//   --nice -10 (priority of everything the bench starts, for a shared machine; default 0)
//   --quiet-wait 5000 --quiet-runnable 2 (before each timed phase wait up to 5 s for ≤ 2 runnable tasks)
//   --profile <dir> (each system process writes <name>.cpuprofile there when it exits)
//   --trace (system processes stamp each hop of a reveal on CLOCK_MONOTONIC, LAUREL_TRACE_HOPS=1: per round, the
//     first stamp of each hop after the cue was sent, in ms; medians in the JSON and a table)
//   --socketio-floor (also N socket.io clients of a bare socket.io server replaying the round's frames: socket.io's own cost; needs --phones socketio)
//   --protocol 2|1 (socket protocol of the public clients and screens, default 2: envelopes + the key-only reveal)
//   --phones engineio|socketio (public clients: a minimal Engine.IO v4 client on `ws` that parses only what a phone
//     must (phones.mjs, default), or socket.io-client (clients.mjs, as before issue 11); screens always use socket.io-client)
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, setPriority, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNatsServer } from '../../scripts/lib/infra/index.mjs';
import { fmt, ipcClient, median, now, sleep, summarize } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
function opt(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}
const clientCounts = String(opt('clients', '1000,10000')).split(',').map(Number);
const rounds = Number(opt('rounds', 5));
const perWorker = Number(opt('per-worker', 2500));
const screenCount = Number(opt('screens', 8));
const leadMs = Number(opt('lead', 250));
const gatewayCount = Number(opt('gateways', 1));
const rehearsal = opt('rehearsal', false) === true;
const label = String(opt('label', 'default'));
// On a machine shared with other work, `--nice -10` gives every process of the bench (system, load
// generators, this driver) a higher scheduling priority so that the numbers measure Laurel, not the
// neighbours. 0 (default) leaves priorities alone. Needs root for negative values.
const niceness = Number(opt('nice', 0));
// --two-frame-baseline: also time a baseline of two frames per client (revealed + winner scene sizes).
const twoFrameBaseline = opt('two-frame-baseline', false) === true;
// --socketio-floor: also time a bare socket.io server (the gateway's engine and options, nothing of
// Laurel) broadcasting the same two frames to N socket.io clients: what socket.io itself costs here.
const socketioFloor = opt('socketio-floor', false) === true;
// --profile <dir>: every system process (services, gateways) writes a V8 CPU profile there on exit.
const profileDir = opt('profile', null);
// --trace: hop stamps of every system process (libs/observability hops.ts), for where the reveal's time goes.
const traceHops = opt('trace', false) === true;
const protocol = Number(opt('protocol', 2));
if (protocol !== 1 && protocol !== 2) throw new Error('--protocol is 1 or 2');
const phoneClient = String(opt('phones', 'engineio'));
if (phoneClient !== 'engineio' && phoneClient !== 'socketio') throw new Error('--phones is engineio or socketio');
const quietWaitMs = Number(opt('quiet-wait', 5000));
const quietRunnable = Number(opt('quiet-runnable', 2));
const gatewayEnv = Object.fromEntries(
  String(opt('gateway-env', ''))
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outFile = String(opt('out', join(here, 'results', `${label}-${stamp}.json`)));
const SYSTEM_CORE = '0';
const LOAD_CORE = '1';
const ADMIN = `bench-admin-${randomUUID()}`;
const SERVICE_TOKEN = `bench-gateway-service-${randomUUID()}`;

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 23)}]`, ...a);

// ---------------------------------------------------------------- process bookkeeping
const children = [];
let tmp = null;
let dbName = null;
let cleaning = null;
/** The system's nats-server (the local-infrastructure toolkit's), stopped after the services. */
let natsServer = null;

function pinned(core, args, { env = {}, name, ipc = false } = {}) {
  if (profileDir && core === SYSTEM_CORE && args[0] === process.execPath) args = [args[0], '--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`, ...args.slice(1)];
  const child = spawn('taskset', ['-c', core, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  child.benchName = name;
  if (niceness !== 0) {
    try {
      setPriority(child.pid, niceness);
    } catch (e) {
      log(`cannot renice ${name}: ${e.message}`);
    }
  }
  child.output = '';
  // LAUREL_HOP lines (--trace) go to `hops` (ms on CLOCK_MONOTONIC), not to the kept output.
  child.hops = [];
  let partial = '';
  const keep = (d) => {
    let text = d.toString();
    if (traceHops) {
      const lines = (partial + text).split('\n');
      partial = lines.pop();
      const rest = [];
      for (const line of lines) {
        const m = /^LAUREL_HOP (.+) (\d+)$/.exec(line);
        if (m) child.hops.push({ hop: m[1], ms: Number(BigInt(m[2])) / 1e6 });
        else rest.push(line);
      }
      if (child.hops.length > 5000) child.hops.splice(0, child.hops.length - 5000);
      text = rest.length ? rest.join('\n') + '\n' : '';
    }
    child.output = (child.output + text).slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.push(child);
  return child;
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  if (await Promise.race([gone.then(() => true), sleep(5000).then(() => false)])) return;
  child.kill('SIGKILL');
  await Promise.race([gone, sleep(2000)]);
}

async function cleanup() {
  if (cleaning) return cleaning;
  cleaning = (async () => {
    // Load generators first, then the gateway(s) and services, then NATS.
    for (const child of [...children].reverse()) await stopChild(child).catch(() => undefined);
    await natsServer?.dispose().catch(() => undefined);
    if (dbName) {
      try {
        psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
        log(`dropped database ${dbName}`);
      } catch (e) {
        log(`could not drop ${dbName}: ${e.message}`);
      }
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

function psql(sql) {
  return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
}

async function waitFor(what, fn, timeoutMs = 60000, everyMs = 200) {
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

/**
 * The machine is shared: before each timed phase wait (bounded) for a calm moment, i.e. few runnable
 * tasks machine-wide (/proc/loadavg field 4) in consecutive samples. Returns what it saw.
 */
async function calmMoment(maxWaitMs = quietWaitMs) {
  const runnable = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[0]) - 1; // minus this reader
  const until = Date.now() + maxWaitMs;
  let calm = 0;
  let seen = runnable();
  while (Date.now() < until && calm < 5) {
    seen = runnable();
    calm = seen <= quietRunnable ? calm + 1 : 0;
    await sleep(20);
  }
  return seen;
}

/** CPU time (user+sys, ms) a set of processes has used so far, from /proc/<pid>/stat. */
function cpuMsOf(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks * 10; // USER_HZ = 100
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

// ---------------------------------------------------------------- system
async function startSystem() {
  for (const f of ['apps/gateway/src/main.js', 'apps/nominations/src/main.js', 'apps/jury/src/main.js', 'apps/announcements/src/main.js']) {
    if (!existsSync(join(root, 'dist', f))) throw new Error(`dist/${f} missing: run npm run build:server first`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'laurel-bench-'));
  natsServer = await startNatsServer({ storeDir: join(tmp, 'js'), prefix: ['taskset', '-c', SYSTEM_CORE] });
  if (niceness !== 0) setPriority(natsServer.pid(), niceness);
  const natsUrl = natsServer.url;

  dbName = `laurel_bench_${stamp.slice(0, 19).replace(/-/g, '').toLowerCase()}_${process.pid}`;
  psql(`CREATE DATABASE "${dbName}"`);
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  log(`nats ${natsUrl}, database ${dbName}`);

  const common = { NATS_URL: natsUrl, DATABASE_URL: databaseUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...(traceHops ? { LAUREL_TRACE_HOPS: '1' } : {}) };
  const services = {};
  for (const name of ['nominations', 'jury', 'announcements']) {
    const port = await freePort();
    // The admin token with nominations only, the gateway's service identity with announcements and the gateway (as deployed).
    const secrets = name === 'nominations' ? { LAUREL_ADMIN_TOKEN: ADMIN } : name === 'announcements' ? { LAUREL_GATEWAY_SERVICE_TOKEN: SERVICE_TOKEN } : {};
    services[name] = { port, child: pinned(SYSTEM_CORE, [process.execPath, `dist/apps/${name}/src/main.js`], { env: { ...common, PORT: String(port), ...secrets }, name }) };
  }
  const gateways = [];
  for (let g = 0; g < gatewayCount; g++) {
    const port = await freePort();
    // Every client of the bench comes from this one address (and the screens share one token): no rate limit in the way.
    const unlimited = Object.fromEntries(['PUBLIC', 'STATIC', 'SCREEN', 'PRODUCER', 'ADMIN'].map((kind) => [`${kind}_RATE_LIMIT_PER_MINUTE`, '1000000']));
    const env = { NATS_URL: natsUrl, LOG_LEVEL: common.LOG_LEVEL, ...(traceHops ? { LAUREL_TRACE_HOPS: '1' } : {}), PORT: String(port), LAUREL_GATEWAY_SERVICE_TOKEN: SERVICE_TOKEN, REVEAL_LEAD_MS: String(leadMs), ...unlimited, ...gatewayEnv };
    const child = pinned(SYSTEM_CORE, [process.execPath, 'dist/apps/gateway/src/main.js'], { env, name: `gateway${g + 1}` });
    gateways.push({ port, child, url: `http://127.0.0.1:${port}` });
  }
  const all = [...Object.entries(services).map(([name, s]) => ({ name, ...s })), ...gateways.map((g, i) => ({ name: `gateway${i + 1}`, ...g }))];
  for (const s of all) {
    await waitFor(`${s.name} /health/ready`, async () => {
      if (s.child.exitCode !== null) throw new Error(`${s.name} exited: ${s.child.output.slice(-2000)}`);
      return (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).status === 200;
    }, 90000);
  }
  log(`system up: ${all.map((s) => `${s.name}:${s.port}`).join(' ')}`);

  const basePort = await freePort();
  const baseline = pinned(SYSTEM_CORE, [process.execPath, join(here, 'baseline-server.mjs')], { env: { PORT: String(basePort) }, name: 'baseline' });
  await waitFor('baseline server', () => baseline.output.includes('LISTENING'));
  let floor = null;
  if (socketioFloor) {
    const floorPort = await freePort();
    const child = pinned(SYSTEM_CORE, [process.execPath, join(here, 'socketio-floor-server.mjs')], { env: { PORT: String(floorPort) }, name: 'socketio-floor' });
    await waitFor('socket.io floor server', () => child.output.includes('LISTENING'));
    floor = { child, url: `http://127.0.0.1:${floorPort}` };
  }
  return { gateways, services, floor, baseline: { child: baseline, url: `http://127.0.0.1:${basePort}`, wsUrl: `ws://127.0.0.1:${basePort}` } };
}

// ---------------------------------------------------------------- REST
function api(base) {
  return async function call(method, path, { token = ADMIN, body } = {}) {
    let res;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(`${base}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        break;
      } catch (error) {
        // A kept-alive connection the server closed just as we sent (seen under heavy load): send again.
        // Cues carry their idempotency key, so a repeat is one effect.
        if (attempt >= 3) throw error;
        log(`${method} ${path}: ${error.cause?.code ?? error.message}; retrying`);
        await sleep(200);
      }
    }
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  };
}

async function must(p, what) {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Imports the ceremony under a fresh slug and, unless rehearsing, seals every verdict through the jury flow. */
async function prepareCeremony(call) {
  const file = JSON.parse(readFileSync(join(root, 'apps/nominations/fixtures/kvalitetsmassan-2017.json'), 'utf8'));
  const outcome = JSON.parse(readFileSync(join(root, 'apps/nominations/fixtures/kvalitetsmassan-2017.outcome.json'), 'utf8')).results;
  const slug = `bench-${stamp.slice(0, 19).toLowerCase()}-${randomUUID().slice(0, 8)}`;
  file.ceremony.slug = slug;
  // More rounds than the five 2017 awards: repeat them as extra categories (same texts, so the same
  // frame sizes), each with a demo jury of its own.
  const originals = file.categories;
  const originalOutcome = outcome.slice();
  for (let i = originals.length; i < rounds; i++) {
    const base = originals[i % originals.length];
    const copySlug = `${base.slug}-${i + 1}`;
    file.categories.push({ ...base, slug: copySlug, name: `${base.name} (${i + 1})`, jury: [] });
    const o = originalOutcome.find((x) => x.category === base.slug);
    outcome.push({ ...o, category: copySlug });
  }
  const imported = await must(call('POST', '/ceremonies', { body: file }), 'import');
  const c = `/ceremonies/${slug}`;
  await waitFor('ceremony visible', async () => (await call('GET', c)).status === 200);
  if (!rehearsal) {
    const jurorsAt = await waitFor('jurors', async () => {
      // (the real KvalitetsKommun jury of eight, built from the file by the jury service)
      const r = await call('GET', `${c}/jurors`);
      return r.status === 200 && r.body.length >= 8 ? r.body : null;
    }, 30000);
    for (const result of outcome) {
      const category = imported.categories.find((x) => x.slug === result.category);
      const fileCat = file.categories.find((x) => x.slug === result.category);
      const criteria = fileCat.criteria?.map((x) => x.key) ?? ['overall'];
      const winner = category.nominees.find((n) => n.slug === result.winner);
      let panel = jurorsAt.filter((j) => j.categoryId === category.id);
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
        await waitFor('juror token live', async () => (await call('GET', `${c}/me`, { token })).status === 200, 15000, 100);
        const scores = Object.fromEntries(category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((cr, ci) => [cr, n.id === winner.id ? 9 - (j % 2) : 2 + ((j + k + ci) % 6)]))]));
        await must(call('PUT', `${c}/categories/${category.slug}/ballot`, { token, body: { scores } }), 'ballot');
        await must(call('POST', `${c}/categories/${category.slug}/ballot/lock`, { token }), 'lock');
        if (juror.chair) chairToken = token;
      }
      await must(call('POST', `${c}/categories/${category.slug}/verdict`, { token: chairToken, body: { motivation: result.motivation } }), 'verdict');
      await must(call('POST', `${c}/categories/${category.slug}/verdict/seal`, { token: chairToken }), 'seal');
    }
  }
  const producer = (await must(call('POST', `${c}/tokens`, { body: { role: 'producer' } }), 'producer token')).token;
  const screens = [];
  for (let i = 0; i < screenCount; i++) screens.push((await must(call('POST', `${c}/tokens`, { body: { role: 'screen' } }), 'screen token')).token);
  await waitFor('producer token live', async () => (await call('GET', c, { token: producer })).status === 200, 15000, 100);
  for (const t of screens) await waitFor('screen token live', async () => (await call('GET', c, { token: t })).status === 200, 15000, 100);
  const order = file.categories.map((fc) => imported.categories.find((x) => x.slug === fc.slug));
  return { slug, imported, producer, screens, order, call, c };
}

/** --trace: per system process and hop, the first stamp in [from, to] (ms after `from`), in time order. */
function hopsSince(from, to) {
  const out = {};
  const firsts = [];
  for (const child of children) {
    for (const { hop, ms } of child.hops ?? []) {
      const key = `${child.benchName} ${hop}`;
      if (ms < from || ms > to || key in out) continue;
      out[key] = ms - from;
      firsts.push([key, ms - from]);
    }
  }
  return Object.fromEntries(firsts.sort((a, b) => a[1] - b[1]));
}

// ---------------------------------------------------------------- one N
async function benchN(sys, N) {
  const call = api(sys.gateways[0].url);
  log(`N=${N}: preparing ceremony${rehearsal ? ' (rehearsal)' : ' (jury: ballots, verdicts, seals)'}`);
  const show = await prepareCeremony(call);
  let seq = 0;
  async function cue(body) {
    const idempotencyKey = randomUUID();
    for (let attempt = 0; ; attempt++) {
      const r = await call('POST', `${show.c}/show/cues`, { token: show.producer, body: { ...body, rehearsal, idempotencyKey } });
      if (r.status < 300) {
        seq = r.body.seq;
        return r.body;
      }
      if (attempt >= 40 || r.status !== 409) throw new Error(`cue ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(250);
    }
  }
  await cue({ action: 'next' }); // welcome: a scene to snapshot
  const auth = { ...(rehearsal ? { rehearsal: true } : {}), ...(protocol === 2 ? { v: 2 } : {}) };

  // Load generators.
  const workers = [];
  const nWorkers = Math.max(1, Math.ceil(N / perWorker));
  for (let w = 0; w < nWorkers; w++) {
    const share = Math.floor(N / nWorkers) + (w < N % nWorkers ? 1 : 0);
    const child = pinned(LOAD_CORE, [process.execPath, join(here, phoneClient === 'engineio' ? 'phones.mjs' : 'clients.mjs')], { name: `clients${w + 1}`, ipc: true });
    workers.push({ child, call: ipcClient(child), share, url: sys.gateways[w % sys.gateways.length].url });
  }
  const screenChild = pinned(LOAD_CORE, [process.execPath, join(here, 'screens.mjs')], { name: 'screens', ipc: true });
  const screens = ipcClient(screenChild);
  const all = (cmd, args) => Promise.all(workers.map((w) => w.call(cmd, typeof args === 'function' ? args(w) : args)));

  await sleep(1500); // let the children boot before anything is timed
  const gwPids = sys.gateways.map((g) => g.child.pid);
  const rssBefore = gwPids.reduce((s, p) => s + rssOf(p), 0);
  log(`N=${N}: connecting ${N} public clients over ${nWorkers} processes (gateway RSS before ${(rssBefore / 2 ** 20).toFixed(1)} MiB)`);
  const conn = await all('connect', (w) => {
    // Rehearsal needs a crew token per client; the public show needs none.
    const a = rehearsal ? { ...auth, token: show.screens[0] } : auth;
    return { url: w.url, ceremony: show.slug, count: w.share, concurrency: 100, auth: a };
  });
  const connected = conn.reduce((s, r) => s + r.connected, 0);
  const connectMs = Math.max(...conn.map((r) => r.lastSnapshot)) - Math.min(...conn.map((r) => r.start));
  if (connected < N) log(`N=${N}: only ${connected} connected; errors: ${conn.flatMap((r) => r.errors).join(' | ')}`);
  await sleep(3000);
  const rssAfter = gwPids.reduce((s, p) => s + rssOf(p), 0);
  const perConnKiB = (rssAfter - rssBefore) / connected / 1024;
  log(`N=${N}: ${connected} connected + snapshot in ${fmt(connectMs, 0)} ms; gateway RSS ${(rssAfter / 2 ** 20).toFixed(1)} MiB, ${fmt(perConnKiB)} KiB/connection`);

  await screens('connect', { url: sys.gateways[0].url, ceremony: show.slug, tokens: show.screens, v: protocol });
  const baseRssBefore = rssOf(sys.baseline.child.pid);
  const bconn = await all('connectBaseline', (w) => ({ url: sys.baseline.wsUrl, count: w.share }));
  if (bconn.some((b) => b.errorCount)) log(`baseline connect errors: ${bconn.flatMap((b) => b.errors).join(' | ')}`);
  await sleep(1000);
  const baseRssAfter = rssOf(sys.baseline.child.pid);
  log(`N=${N}: baseline clients connected; baseline server RSS +${fmt((baseRssAfter - baseRssBefore) / N / 1024)} KiB/connection`);
  if (sys.floor) {
    const fconn = await all('connectFloor', (w) => ({ url: sys.floor.url, count: w.share }));
    if (fconn.some((f) => f.errorCount)) log(`socket.io floor connect errors: ${fconn.flatMap((f) => f.errors).join(' | ')}`);
    await sleep(1000);
    log(`N=${N}: socket.io floor clients connected`);
  }

  const perRound = [];
  const nRounds = Math.min(rounds, show.order.length);
  if (rounds > show.order.length) log(`only ${show.order.length} categories: ${nRounds} rounds`);
  let frameBytes = 0;
  for (let r = 0; r < nRounds; r++) {
    const category = show.order[r];
    for (let k = 0; k < 3; k++) await cue({ action: 'next' }); // category, nominees, envelope
    const w = await all('waitScene', { seq });
    if (w.some((x) => x.behind > 0)) log(`round ${r + 1}: ${w.reduce((s, x) => s + x.behind, 0)} clients behind on the envelope scene`);
    await screens('sync', { samples: 10 }).catch((e) => log(`screen clock sync failed: ${e.message.split('\n')[0]}`));
    await sleep(500);

    // CPU used during each timed phase: the whole system side (services + NATS) and the load generators.
    const serverPids = [natsServer.pid(), ...children.filter((c) => /^(nominations|jury|announcements|gateway\d)$/.test(c.benchName)).map((c) => c.pid)];
    const loadPids = [...workers.map((w) => w.child.pid), screenChild.pid];
    const doSystem = async () => {
      await all('arm', { kind: 'system', key: seq + 1 });
      await screens('arm', { seq: seq + 1 });
      await sleep(100);
      const runnable = await calmMoment();
      const cpu0 = { server: cpuMsOf(serverPids), load: cpuMsOf(loadPids) };
      const t0 = now();
      const res = await cue({ action: 'reveal', categoryId: category.id });
      const cueMs = now() - t0;
      const got = await all('collect', { timeoutMs: 60000 });
      const cpu = { serverMs: cpuMsOf(serverPids) - cpu0.server, loadMs: cpuMsOf(loadPids) - cpu0.load };
      const sc = await screens('collect', { timeoutMs: 5000 });
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      const times = got.flatMap((g) => g.times).map((t) => t - t0);
      const missing = got.reduce((s, g) => s + g.missing, 0);
      return { t0, cueMs, seq: res.seq, stats: summarize(times), missing, screens: sc, load: Number(load), runnable, cpu, hops: traceHops ? hopsSince(t0, t0 + cueMs + 2000) : null };
    };
    let sceneBytes = 0;
    const doBaseline = async (bytes2 = 0) => {
      await all('arm', { kind: 'baseline', key: r + 1 });
      await sleep(100);
      const runnable = await calmMoment();
      const cpu0 = { server: cpuMsOf([sys.baseline.child.pid]), load: cpuMsOf(loadPids) };
      const t0 = now();
      const sent = await fetch(`${sys.baseline.url}/send?round=${r + 1}&bytes=${frameBytes}&bytes2=${bytes2}`, { method: 'POST' }).then((x) => x.json());
      const got = await all('collect', { timeoutMs: 60000 });
      const times = got.flatMap((g) => g.times).map((t) => t - t0);
      const cpu = { serverMs: cpuMsOf([sys.baseline.child.pid]) - cpu0.server, loadMs: cpuMsOf(loadPids) - cpu0.load };
      return { stats: summarize(times), missing: got.reduce((s, g) => s + g.missing, 0), bytes: got.find((g) => g.bytes)?.bytes, runnable, cpu, loopMs: sent.loopMs };
    };
    // The socket.io floor: the frames the public got from the gateway in this round, replayed by a bare
    // socket.io server to its own N socket.io clients (same processes, same client options).
    const doFloor = async () => {
      const frames = await workers[0].call('frames', {});
      if (!frames.revealed) return null;
      const key = -(r + 1);
      await all('arm', { kind: 'floor', key });
      await sleep(100);
      const runnable = await calmMoment();
      const cpu0 = { server: cpuMsOf([sys.floor.child.pid]), load: cpuMsOf(loadPids) };
      const body = JSON.stringify({ revealed: { ...frames.revealed, seq: key }, scene: frames.scene });
      const t0 = now();
      await fetch(`${sys.floor.url}/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((x) => x.text());
      const got = await all('collect', { timeoutMs: 60000 });
      const times = got.flatMap((g) => g.times).map((t) => t - t0);
      const cpu = { serverMs: cpuMsOf([sys.floor.child.pid]) - cpu0.server, loadMs: cpuMsOf(loadPids) - cpu0.load };
      return { stats: summarize(times), missing: got.reduce((s, g) => s + g.missing, 0), runnable, cpu };
    };
    let system;
    let baseline;
    const baselines = [];
    // Noise on a shared machine changes from second to second: the baseline runs right before and right
    // after the reveal, and the round compares the system to the mean of the two. (The first round has
    // no frame size yet: the reveal goes first, one baseline after.)
    if (frameBytes > 0) {
      baselines.push(await doBaseline());
      await sleep(1000);
    }
    system = await doSystem();
    frameBytes = system.screens.frameBytes || frameBytes;
    sceneBytes = system.screens.sceneBytes || sceneBytes;
    await sleep(1000);
    baselines.push(await doBaseline());
    let twoFrame = null;
    if (twoFrameBaseline && sceneBytes > 0) {
      await sleep(1000);
      twoFrame = await doBaseline(sceneBytes);
    }
    let floorRun = null;
    if (sys.floor) {
      await sleep(1000);
      floorRun = await doFloor();
    }
    const mean = (f) => baselines.reduce((acc, b) => acc + f(b), 0) / baselines.length;
    baseline = {
      stats: { p50: mean((b) => b.stats.p50), p95: mean((b) => b.stats.p95), p99: mean((b) => b.stats.p99), max: mean((b) => b.stats.max) },
      each: baselines.map((b) => ({ p99: b.stats.p99, max: b.stats.max, runnable: b.runnable, cpu: b.cpu, loopMs: b.loopMs })),
      missing: Math.max(...baselines.map((b) => b.missing)),
      bytes: baselines.at(-1).bytes,
      runnable: baselines.map((b) => b.runnable),
    };
    const systemFirst = baselines.length === 1;
    await cue({ action: 'next' }); // motivation
    const sc = system.screens;
    const screenLat = sc.recv.filter((x) => x !== undefined).map((t) => t - system.t0);
    const flips = sc.flip.filter((x) => x !== undefined);
    // Pipeline: cue sent → the first stage screen has the reveal (screens are served first, so this is the
    // cue's way through REST → announcements → Postgres → outbox → JetStream → gateway, plus one socket).
    // Commit: cue sent → the reveal committed, from showAt − lead (showAt = the commit time + the lead,
    // 1 ms resolution). The rest of a client's latency is the fan-out.
    const firstScreenMs = screenLat.length ? Math.min(...screenLat) : NaN;
    const commitMs = sc.showAtTrue - leadMs - system.t0;
    const row = {
      round: r + 1,
      category: category.slug,
      order: systemFirst ? 'system, baseline' : 'baseline, system, baseline',
      baselineEach: baseline.each,
      loadavg1: system.load,
      runnableAtStart: { system: system.runnable, baseline: baseline.runnable },
      cueHttpMs: system.cueMs,
      systemCpu: system.cpu,
      pipelineMs: firstScreenMs,
      commitMs,
      hops: system.hops,
      fanoutLastMs: system.stats.max - firstScreenMs,
      fanoutP99Ms: system.stats.p99 - firstScreenMs,
      system: system.stats,
      systemMissing: system.missing,
      baseline: baseline.stats,
      baselineMissing: baseline.missing,
      baselineBytes: baseline.bytes,
      revealedFrameBytes: system.screens.frameBytes,
      winnerSceneFrameBytes: system.screens.sceneBytes,
      socketioFloor: floorRun && { ...floorRun.stats, missing: floorRun.missing, cpu: floorRun.cpu, ratioP99: system.stats.p99 / floorRun.stats.p99, ratioLast: system.stats.max / floorRun.stats.max },
      twoFrameBaseline: twoFrame && { ...twoFrame.stats, cpu: twoFrame.cpu, ratioP99: system.stats.p99 / twoFrame.stats.p99, ratioLast: system.stats.max / twoFrame.stats.max },
      ratioP99: system.stats.p99 / baseline.stats.p99,
      ratioLast: system.stats.max / baseline.stats.max,
      screens: {
        received: screenLat.length,
        latency: summarize(screenLat),
        flipSpreadMs: flips.length ? Math.max(...flips) - Math.min(...flips) : NaN,
        flipErrorVsShowAtMs: flips.length ? summarize(flips.map((f) => f - sc.showAtTrue)) : null,
        receivedAfterShowAt: sc.late.filter(Boolean).length,
        offsetsMs: sc.offsets,
        rttsMs: sc.rtts,
      },
    };
    perRound.push(row);
    saveProgress({ N, partial: true, rounds: perRound });
    log(
      `N=${N} round ${row.round}: pipeline ${fmt(row.pipelineMs)} | system p50 ${fmt(row.system.p50)} p99 ${fmt(row.system.p99)} last ${fmt(row.system.max)} | baseline p99 ${fmt(row.baseline.p99)} last ${fmt(row.baseline.max)} | ratio p99 ${fmt(row.ratioP99, 2)} last ${fmt(row.ratioLast, 2)} | screens p99 ${fmt(row.screens.latency.p99)} spread ${fmt(row.screens.flipSpreadMs, 2)} ms${row.systemMissing ? ` | MISSING ${row.systemMissing}` : ''}`,
    );
    await sleep(1000);
  }

  const status = await all('status', {});
  const rssEnd = gwPids.reduce((s, p) => s + rssOf(p), 0);
  await all('close', {}).catch(() => undefined);
  await screens('close', {}).catch(() => undefined);
  for (const w of workers) await stopChild(w.child);
  await stopChild(screenChild);

  return {
    N,
    processes: nWorkers,
    connected,
    connectErrors: conn.reduce((s, r) => s + r.errorCount, 0),
    connectMs,
    gatewayRss: { beforeMiB: rssBefore / 2 ** 20, afterMiB: rssAfter / 2 ** 20, endMiB: rssEnd / 2 ** 20, perConnectionKiB: perConnKiB },
    baselineRssPerConnectionKiB: (baseRssAfter - baseRssBefore) / N / 1024,
    disconnectsDuringRun: status.reduce((s, x) => s + x.disconnects, 0),
    reconnectsDuringRun: status.reduce((s, x) => s + x.reconnects, 0),
    disconnectReasons: status.reduce((acc, x) => {
      for (const [k, v] of Object.entries(x.reasons)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
    rounds: perRound,
    medians: {
      systemP50: median(perRound.map((x) => x.system.p50)),
      systemP95: median(perRound.map((x) => x.system.p95)),
      systemP99: median(perRound.map((x) => x.system.p99)),
      systemMax: median(perRound.map((x) => x.system.max)),
      pipeline: median(perRound.map((x) => x.pipelineMs)),
      commit: median(perRound.map((x) => x.commitMs)),
      fanoutP99: median(perRound.map((x) => x.fanoutP99Ms)),
      fanoutLast: median(perRound.map((x) => x.fanoutLastMs)),
      cueHttp: median(perRound.map((x) => x.cueHttpMs)),
      baselineP99: median(perRound.map((x) => x.baseline.p99)),
      baselineMax: median(perRound.map((x) => x.baseline.max)),
      ratioP99: median(perRound.map((x) => x.ratioP99)),
      ratioLast: median(perRound.map((x) => x.ratioLast)),
      screenP99: median(perRound.map((x) => x.screens.latency.p99)),
      screenMax: Math.max(...perRound.map((x) => x.screens.latency.max)),
      flipSpread: median(perRound.map((x) => x.screens.flipSpreadMs)),
      flipSpreadMax: Math.max(...perRound.map((x) => x.screens.flipSpreadMs)),
      ...(traceHops ? { hops: medianHops(perRound) } : {}),
      ...(perRound.some((x) => x.socketioFloor)
        ? {
            floorP99: median(perRound.filter((x) => x.socketioFloor).map((x) => x.socketioFloor.p99)),
            floorMax: median(perRound.filter((x) => x.socketioFloor).map((x) => x.socketioFloor.max)),
            floorRatioP99: median(perRound.filter((x) => x.socketioFloor).map((x) => x.socketioFloor.ratioP99)),
            floorRatioLast: median(perRound.filter((x) => x.socketioFloor).map((x) => x.socketioFloor.ratioLast)),
          }
        : {}),
    },
  };
}

/** Median over the rounds of each hop (ms after the cue was sent), ordered by that median; the first screen last. */
function medianHops(perRound) {
  const keys = new Set(perRound.flatMap((x) => Object.keys(x.hops ?? {})));
  const rows = [...keys].map((k) => [k, median(perRound.map((x) => x.hops?.[k]).filter((v) => v !== undefined))]);
  rows.push(['first stage screen has it', median(perRound.map((x) => x.pipelineMs))]);
  return Object.fromEntries(rows.sort((a, b) => a[1] - b[1]));
}

// ---------------------------------------------------------------- main
const finished = [];
/** Writes what is measured so far (a long run on a busy machine may not get to its end). */
function saveProgress(current) {
  mkdirSync(dirname(outFile), { recursive: true });
  const results = current ? [...finished, current] : finished;
  writeFileSync(outFile, JSON.stringify({ label, startedAt: stamp, partial: current !== null, command: `node bench/reveal/run.mjs ${argv.join(' ')}`, results }, null, 2));
}

async function main() {
  // This driver times the cues: it runs with the load generators on their core.
  execFileSync('taskset', ['-pc', LOAD_CORE, String(process.pid)], { stdio: 'ignore' });
  if (niceness !== 0) setPriority(niceness);
  const sys = await startSystem();
  const results = [];
  for (const N of clientCounts) {
    results.push(await benchN(sys, N));
    finished.push(results.at(-1));
    saveProgress(null);
  }
  const report = {
    label,
    startedAt: stamp,
    command: `node bench/reveal/run.mjs ${argv.join(' ')}`,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, node: process.version, systemCore: SYSTEM_CORE, loadCore: LOAD_CORE, loadavgAtEnd: readFileSync('/proc/loadavg', 'utf8').trim() },
    options: { protocol, phones: phoneClient, twoFrameBaseline, socketioFloor, niceness, quietWaitMs, quietRunnable, rounds, perWorker, screens: screenCount, leadMs, gateways: gatewayCount, gatewayEnv, rehearsal },
    results,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(report, null, 2));
  console.log(renderMarkdown(report));
  log(`wrote ${outFile}`);
}

function renderMarkdown(report) {
  const lines = [];
  lines.push(`### ${report.label} (${report.startedAt})`, '', `\`${report.command}\``, '', `socket protocol v${report.options.protocol}; public clients: ${report.options.phones === 'engineio' ? 'minimal Engine.IO v4 client on ws (bench/reveal/phones.mjs)' : 'socket.io-client'}; stage screens: socket.io-client in their own process`, '');
  for (const r of report.results) {
    lines.push(`**N = ${r.N}** (${r.processes} load processes): ${r.connected} connected + snapshot in ${fmt(r.connectMs, 0)} ms; gateway RSS ${fmt(r.gatewayRss.beforeMiB)} → ${fmt(r.gatewayRss.afterMiB)} MiB = ${fmt(r.gatewayRss.perConnectionKiB)} KiB/connection (bare ws: ${fmt(r.baselineRssPerConnectionKiB)} KiB)`, '');
    lines.push(`disconnects during the run: ${r.disconnectsDuringRun} ${JSON.stringify(r.disconnectReasons)}; clients missing a reveal per round: ${r.rounds.map((x) => x.systemMissing).join(', ')}; 1-min load average per round: ${r.rounds.map((x) => x.loadavg1).join(', ')}`, '');
    lines.push('| round | commit | pipeline | system p50 | p95 | p99 | last | baseline p99 | baseline last | ratio p99 | ratio last | screens p99 | flip spread |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const x of r.rounds) {
      lines.push(`| ${x.round} | ${fmt(x.commitMs)} | ${fmt(x.pipelineMs)} | ${fmt(x.system.p50)} | ${fmt(x.system.p95)} | ${fmt(x.system.p99)} | ${fmt(x.system.max)} | ${fmt(x.baseline.p99)} | ${fmt(x.baseline.max)} | ${fmt(x.ratioP99, 2)} | ${fmt(x.ratioLast, 2)} | ${fmt(x.screens.latency.p99)} | ${fmt(x.screens.flipSpreadMs, 2)} |`);
    }
    const m = r.medians;
    lines.push(`| **median** | ${fmt(m.commit)} | ${fmt(m.pipeline)} | ${fmt(m.systemP50)} | ${fmt(m.systemP95)} | ${fmt(m.systemP99)} | ${fmt(m.systemMax)} | ${fmt(m.baselineP99)} | ${fmt(m.baselineMax)} | **${fmt(m.ratioP99, 2)}** | **${fmt(m.ratioLast, 2)}** | ${fmt(m.screenP99)} | ${fmt(m.flipSpread, 2)} |`, '');
    if (m.hops) {
      lines.push('hops (--trace): median over the rounds of the first stamp of each hop after the cue was sent, ms', '', '| process hop | ms |', '|---|---|');
      for (const [k, v] of Object.entries(m.hops)) lines.push(`| ${k} | ${fmt(v, 2)} |`);
      lines.push('');
    }
    if (m.floorP99 !== undefined) {
      lines.push('socket.io floor (bare socket.io server → the same socket.io clients, the round\'s two frames, no cue pipeline):', '');
      lines.push('| round | floor p99 | floor last | system / floor p99 | system / floor last | two-frame ws baseline last |', '|---|---|---|---|---|---|');
      for (const x of r.rounds.filter((y) => y.socketioFloor)) lines.push(`| ${x.round} | ${fmt(x.socketioFloor.p99)} | ${fmt(x.socketioFloor.max)} | ${fmt(x.socketioFloor.ratioP99, 2)} | ${fmt(x.socketioFloor.ratioLast, 2)} | ${x.twoFrameBaseline ? fmt(x.twoFrameBaseline.max) : '–'} |`);
      lines.push(`| **median** | ${fmt(m.floorP99)} | ${fmt(m.floorMax)} | **${fmt(m.floorRatioP99, 2)}** | **${fmt(m.floorRatioLast, 2)}** | |`, '');
    }
  }
  lines.push('commit = cue sent → reveal committed (showAt − lead, 1 ms resolution); pipeline = cue sent → first stage screen has it (screens are served first); the rest of a client\'s latency is the fan-out.');
  lines.push('All times in ms from the moment the cue was sent (system) or the send was requested (baseline), on CLOCK_MONOTONIC.');
  return lines.join('\n');
}

main()
  .catch((error) => {
    log(`FAILED: ${error.stack ?? error}`);
    for (const c of children) if (c.exitCode !== null && c.exitCode !== 0) log(`${c.benchName} exited ${c.exitCode}: ${c.output.slice(-1500)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    process.exit(process.exitCode ?? 0);
  });
