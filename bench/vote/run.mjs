#!/usr/bin/env node
// The audience vote at televote scale (issue 16): N voters vote as the vote opens; every vote's acknowledgement
// (REST answer with its receipt) is timed, the tally checked exact after the seal, and the CPU each process spent.
//
//   npm run build:server
//   node bench/vote/run.mjs --voters 10000 --concurrency 200 --label burst
//   node bench/vote/run.mjs --path socket --sockets 1000 …   votes over socket.io (`vote:cast` with an ack)
//   node bench/vote/run.mjs --fault …                         kill -9 of the vote service and a NATS restart mid-burst
//   node bench/vote/run.mjs --cpu-prof …                      CPU profiles of the gateway and the vote service
//
// Its own system (nats-server -js on a spare port, a fresh laurel_bench_* database on the local Postgres, the five
// services from dist/ as separate processes, LOG_LEVEL=warn). With `taskset` the system runs on core 0 and the
// voters (this process, keep-alive HTTP, `--concurrency` votes in flight) on core 1 (`--no-pin` to leave
// scheduling alone). Postgres is the machine's own and is not pinned. Each voter votes once, right after the
// producer opens the vote; `--rounds` repeats the burst on fresh tickets and categories (the sustained figure is
// votes acknowledged per second over a whole burst, the system saturated by the concurrency).
// Stdout: a Markdown table; the numbers in bench/vote/results/<label>-<time>.json.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNatsServer } from '../../scripts/lib/infra/index.mjs';
import { fmt, now, sleep, summarize } from '../reveal/lib.mjs';
import { formatSummary, summarize as summarizeProfile } from './profile-summary.mjs';
import { voter } from './voters.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const argv = process.argv.slice(2);
function opt(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}
const voters = Number(opt('voters', 10000));
const concurrency = Number(opt('concurrency', 200));
const rounds = Number(opt('rounds', 1));
const label = String(opt('label', 'vote'));
const pin = opt('no-pin', false) !== true && existsSync('/usr/bin/taskset');
// `--prof`: V8's sampling profiler in the gateway and the vote service (their tick logs, summarised with
// `node --prof-process` into bench/vote/results/<label>-<time>-<service>.prof.txt): where a vote's time goes.
const profile = opt('prof', false) === true;
// `--cpu-prof`: V8's CPU profiler (bench/vote/cpu-profile.mjs, preloaded) in the gateway and the vote service, cut
// to the burst; summarised by bench/vote/profile-summary.mjs into <label>-<time>-<service>.cpu.txt.
const cpuProf = opt('cpu-prof', false) === true;
// `--gc-log`: V8's --trace-gc in the gateway and the vote service; their pauses of 10 ms and more are written to
// bench/vote/results/<label>-<time>-<service>.gc.txt (a stall in the acknowledgements may be a collection).
const gcLog = opt('gc-log', false) === true;
// BENCH_NODE_FLAGS="<flags>": node/V8 flags for the gateway and the vote service (V8's are not allowed in NODE_OPTIONS).
const nodeFlags = process.env.BENCH_NODE_FLAGS ?? '';
// `--cold-vote`: a fresh vote-service process before every round after the first (see main()).
const coldVote = opt('cold-vote', false) === true;
// `--path socket`: the voters vote over socket.io (`vote` with an ack, `--sockets` public connections opened before
// the vote opens, the votes spread over them) instead of REST.
const path = String(opt('path', 'rest'));
const socketCount = Number(opt('sockets', 1000));
// The voters' phones on the socket path: `engineio` (default), a minimal Engine.IO client over `ws` (voters.mjs) that
// parses only its acks; `socketio`, socket.io-client (which decodes every frame on the driver's own core).
const client = String(opt('client', 'engineio'));
if (!['engineio', 'socketio'].includes(client)) throw new Error('--client is engineio or socketio');
// `--fault`: a third into the burst the vote service is killed (SIGKILL) and started again; two thirds in, NATS is
// stopped and started again 2 s later on the same store. Each voter retries its own vote on a 5xx or a network error
// (as the ballot page does) until it has an answer; then tally = votes made, and none counted twice (checked in the
// database: one row per ticket, tallies = accepted rows, per nominee).
const fault = opt('fault', false) === true;
// `--spread <ms>`: open loop instead of a saturating burst. Voter i votes at opening + i × spread / voters, whatever
// the answers before it (no cap on votes in flight), and its acknowledgement is timed from that planned instant, so a
// driver running late counts against the system, never for it. `--spread 5000`: 10,000 voters within 5 s of the opening.
const spreadMs = Number(opt('spread', 0));
if (spreadMs > 0 && fault) throw new Error('--spread and --fault: one or the other');
if (!['rest', 'socket'].includes(path)) throw new Error('--path is rest or socket');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outFile = String(opt('out', join(here, 'results', `${label}-${stamp}.json`)));
const ADMIN = `bench-admin-${randomUUID()}`;
const SERVICE_TOKEN = `bench-service-${randomUUID()}`;
const log = (...a) => console.error(`[vote ${new Date().toISOString().slice(11, 23)}]`, ...a);
// Node's fetch keeps connections alive (one per request in flight): no new TCP connection per vote.

const children = [];
const tmps = [];
let nats = null;
let dbName = null;

function start(core, args, { env = {}, name } = {}) {
  const child = spawn(pin ? 'taskset' : args[0], pin ? ['-c', core, ...args] : args.slice(1), { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.benchName = name;
  child.output = '';
  const keep = (d) => (child.output = (child.output + d.toString()).slice(-20000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (gcLog && (name === 'vote' || name === 'gateway')) {
    let rest = '';
    const gcFile = outFile.replace(/\.json$/, `-${name}.gc.txt`);
    child.stdout.on('data', (d) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        const pause = /(Scavenge|Mark-Compact|Mark-Sweep|Minor Mark-Sweep)[^,]*, ([\d.]+) \/ ([\d.]+) ms/.exec(line);
        if (pause && Number(pause[2]) >= 10) writeFileSync(gcFile, `${new Date().toISOString()} ${line.trim()}\n`, { flag: 'a' });
      }
    });
  }
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
  await nats?.dispose().catch(() => undefined);
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

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function startSystem() {
  for (const name of ['gateway', 'nominations', 'jury', 'announcements', 'vote']) {
    if (!existsSync(join(root, 'dist/apps', name, 'src/main.js'))) throw new Error(`dist/apps/${name}/src/main.js missing: run npm run build:server first`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'laurel-vote-bench-'));
  tmps.push(tmp);
  nats = await startNatsServer({ storeDir: join(tmp, 'js'), prefix: pin ? ['taskset', '-c', '0'] : [] });
  dbName = `laurel_bench_vote_${stamp.slice(0, 19).replace(/-/g, '').toLowerCase()}_${process.pid}`;
  psql(`CREATE DATABASE "${dbName}"`);
  const common = { NATS_URL: `nats://127.0.0.1:${nats.port}`, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const ports = {};
  const pids = { nats: nats.pid() };
  const specs = {};
  for (const name of ['nominations', 'jury', 'announcements', 'vote', 'gateway']) {
    ports[name] = await freePort();
    const env = { ...common, PORT: String(ports[name]) };
    if (name !== 'gateway') env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${dbName}`;
    if (name === 'nominations') env.LAUREL_ADMIN_TOKEN = ADMIN;
    if (name === 'announcements' || name === 'gateway') env.LAUREL_GATEWAY_SERVICE_TOKEN = SERVICE_TOKEN;
    if (name === 'gateway') Object.assign(env, { PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000', ADMIN_RATE_LIMIT_PER_MINUTE: '1000000', PRODUCER_RATE_LIMIT_PER_MINUTE: '1000000' });
    const profArgs = profile && (name === 'vote' || name === 'gateway') ? ['--prof', '--no-logfile-per-isolate', `--logfile=${join(tmp, `${name}.v8.log`)}`] : [];
    if (cpuProf && (name === 'vote' || name === 'gateway')) {
      profArgs.push('--import', join(here, 'cpu-profile.mjs'));
      env.LAUREL_CPU_PROFILE = join(tmp, `${name}`);
    }
    if (gcLog && (name === 'vote' || name === 'gateway')) profArgs.push('--trace-gc');
    if (nodeFlags && (name === 'vote' || name === 'gateway')) profArgs.push(...nodeFlags.split(/\s+/).filter(Boolean));
    const args = [process.execPath, ...profArgs, `dist/apps/${name}/src/main.js`];
    specs[name] = { args, env, port: ports[name] };
    const child = start('0', args, { env, name });
    pids[name] = child.pid;
    await waitFor(`${name} /health/ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${child.output.slice(-2000)}`);
      return (await fetch(`http://127.0.0.1:${ports[name]}/health/ready`)).status === 200;
    }, 90000);
  }
  log(`system up, database ${dbName}`);
  return { gateway: `http://127.0.0.1:${ports.gateway}`, vote: `http://127.0.0.1:${ports.vote}`, pids, tmp, specs };
}

function api(base) {
  return async (method, path, { token = ADMIN, body } = {}) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
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

/** kill -9 of the vote service, and a new one on the same port, ready. */
async function killAndRestartVote(sys) {
  const old = children.find((c) => c.benchName === 'vote' && c.exitCode === null && c.signalCode === null);
  const gone = new Promise((r) => old.once('exit', r));
  old.kill('SIGKILL');
  await gone;
  const at = now();
  const { args, env, port } = sys.specs.vote;
  const child = start('0', args, { env, name: 'vote' });
  sys.pids.vote = child.pid;
  await waitFor('vote /health/ready after the kill', async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200, 90000, 100);
  return now() - at;
}

/** NATS stopped (SIGTERM) and started again 2 s later on the same store and port. */
async function restartNats(sys) {
  await nats.stop();
  await sleep(2000);
  await nats.start();
  sys.pids.nats = nats.pid();
}

/** The vote log as counted, in the bench's database: rows, distinct tickets, accepted rows, tallies per nominee. */
function countedInDatabase(categoryId) {
  const q = (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', dbName, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' }).trim();
  const [rows, tickets, accepted] = q(`SELECT count(*), count(DISTINCT ticket_hash), count(*) FILTER (WHERE accepted) FROM vote.votes WHERE category_id = '${categoryId}'`).split('|').map(Number);
  const tallies = Object.fromEntries(q(`SELECT nominee_id, count FROM vote.tallies WHERE category_id = '${categoryId}'`).split('\n').filter(Boolean).map((l) => l.split('|')).map(([n, c]) => [n, Number(c)]));
  return { rows, tickets, accepted, tallies };
}

/** socket.io connections for the voters (public, websocket), open before the vote opens. */
async function openSockets(base, ceremony, n) {
  if (client === 'engineio') {
    const phones = [];
    for (let i = 0; i < n; i += 100) {
      const batch = Array.from({ length: Math.min(100, n - i) }, async () => {
        const phone = voter(base, { ceremony });
        await phone.open();
        return { vote: (payload) => phone.vote(payload, 30000), close: () => phone.close() };
      });
      phones.push(...(await Promise.all(batch)));
    }
    return phones;
  }
  const { io } = await import('socket.io-client');
  const sockets = [];
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, () => {
      const socket = io(`${base}/live`, { auth: { ceremony }, transports: ['websocket'], reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
      return new Promise((resolve, reject) => {
        socket.once('snapshot', () => resolve({ vote: (payload) => socket.timeout(30000).emitWithAck('vote:cast', payload), close: () => socket.close() }));
        socket.once('connect_error', (e) => reject(new Error(`socket: ${e.message}`)));
      });
    });
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** One burst: a fresh category's vote opens; every voter votes at once (the concurrency in flight); the seal is checked. */
async function burst(call, slug, category, tickets, round, sys) {
  const c = `/ceremonies/${slug}`;
  const nominees = category.nominees.map((n) => n.id);
  const expected = Object.fromEntries(nominees.map((n) => [n, 0]));
  const choice = (i) => nominees[(i * 7 + round) % nominees.length];
  for (let i = 0; i < tickets.length; i++) expected[choice(i)]++;
  // The phones are connected before the vote opens (they got the ballot when it opened).
  const sockets = path === 'socket' ? await openSockets(call.base, slug, Math.min(socketCount, tickets.length)) : [];
  if (sockets.length) log(`${sockets.length} sockets open`);
  await must(call('POST', `${c}/categories/${category.id}/vote/open`, { body: { durationSeconds: 600 } }), 'open');
  const t0 = now();
  const cpuAtOpen = Object.fromEntries(Object.entries(sys.pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const acks = new Float64Array(tickets.length);
  const doneAt = new Float64Array(tickets.length);
  const statuses = new Map();
  const finals = new Map();
  let next = 0;
  let retries = 0;
  const faults = [];
  const send = async (i) => {
    if (path === 'socket') {
      const reply = await sockets[i % sockets.length].vote({ category: category.id, ticket: tickets[i].token, nomineeId: choice(i) });
      return { status: reply.status, message: reply.body?.message };
    }
    const res = await fetch(`${call.base}/api/v1${c}/categories/${category.id}/votes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket: tickets[i].token, nomineeId: choice(i) }) });
    const body = await res.json().catch(() => ({}));
    return { status: res.status, message: body?.message };
  };
  let faultRun = Promise.resolve();
  const worker = async () => {
    while (next < tickets.length) {
      const i = next++;
      if (fault && i === Math.floor(tickets.length / 3)) faultRun = faultRun.then(async () => faults.push({ what: 'vote service SIGKILL + restart', atMs: now() - t0, downMs: await killAndRestartVote(sys) }));
      if (fault && i === Math.floor((2 * tickets.length) / 3)) faultRun = faultRun.then(async () => {
        const at = now() - t0;
        await restartNats(sys);
        faults.push({ what: 'NATS SIGTERM, 2 s, start (same store)', atMs: at, downMs: now() - t0 - at });
      });
      const sent = now();
      let answer;
      for (;;) {
        try {
          answer = await send(i);
        } catch (e) {
          answer = { status: 0, message: e.message };
        }
        // Without the fault the first answer is the answer; with it, a 5xx or a network error is tried again.
        if (!fault || (answer.status !== 0 && answer.status < 500)) break;
        retries++;
        await sleep(100 + Math.random() * 200);
      }
      const at = now();
      acks[i] = at - sent;
      doneAt[i] = at - t0;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      finals.set(i, answer);
    }
  };
  const paced = async () => {
    const one = async (i, planned) => {
      let answer;
      try {
        answer = await send(i);
      } catch (e) {
        answer = { status: 0, message: e.message };
      }
      const at = now();
      acks[i] = at - planned;
      doneAt[i] = at - t0;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      finals.set(i, answer);
    };
    const pending = [];
    let i = 0;
    while (i < tickets.length) {
      const elapsed = now() - t0;
      // Every vote whose instant has come goes now; then wait for the next one's (timers are ≥ 1 ms).
      while (i < tickets.length && (i * spreadMs) / tickets.length <= elapsed) {
        pending.push(one(i, t0 + (i * spreadMs) / tickets.length));
        i++;
      }
      if (i < tickets.length) await sleep(Math.max(0, t0 + (i * spreadMs) / tickets.length - now()));
    }
    await Promise.all(pending);
  };
  if (spreadMs > 0) await paced();
  else await Promise.all(Array.from({ length: concurrency }, worker));
  // CPU of the burst alone (the vote open to the last answer): not the tickets' issue, the sockets' handshakes or the seal.
  const burstCpuPerVoteUs = Object.fromEntries(Object.entries(sys.pids).map(([k, pid]) => [k, ((cpuSeconds(pid) - cpuAtOpen[k]) / tickets.length) * 1e6]));
  await faultRun;
  for (const socket of sockets) socket.close();
  const wallMs = now() - t0;
  const accepted = statuses.get(201) ?? 0;
  await must(call('POST', `${c}/categories/${category.id}/vote/close`), 'close');
  const closedAt = now();
  const sealed = await waitFor('the seal', async () => {
    const rows = (await call('GET', `${c}/votes`)).body;
    const row = rows.find((r) => r.categoryId === category.id);
    return row?.state === 'sealed' ? row : null;
  }, 120000, 50);
  const sealMs = now() - closedAt;
  const alreadyVoted = [...finals.values()].filter((a) => a.status === 409 && /already voted/.test(a.message ?? '')).length;
  const db = countedInDatabase(category.id);
  const talliesExact = nominees.every((n) => (db.tallies[n] ?? 0) === expected[n]);
  return {
    path,
    fault: fault ? { faults, retries, alreadyVoted, db, talliesEqualVotesMade: talliesExact, countedTwice: db.rows - db.tickets, tallyEqualsAcceptedRows: Object.values(db.tallies).reduce((a, b) => a + b, 0) === db.accepted } : undefined,
    round,
    voters: tickets.length,
    concurrency,
    statuses: Object.fromEntries(statuses),
    accepted,
    ack: summarize([...acks]),
    // Where the slow acknowledgements were: per 250 ms of the burst (by when each answer came), how many answers and their p99 / max.
    ackTimeline: (() => {
      const buckets = new Map();
      for (let i = 0; i < tickets.length; i++) {
        const b = Math.floor(doneAt[i] / 250);
        if (!buckets.has(b)) buckets.set(b, []);
        buckets.get(b).push(acks[i]);
      }
      return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, xs]) => ({ fromMs: b * 250, answers: xs.length, p99: summarize(xs).p99, max: Math.max(...xs) }));
    })(),
    lastAckAfterOpenMs: Math.max(...doneAt),
    within5s: [...doneAt].filter((d) => d <= 5000).length,
    wallMs,
    votesPerSecond: (accepted / wallMs) * 1000,
    sealedCount: sealed.voteCount,
    // With the fault, a voter whose first try was logged before its answer was lost is told "already voted": its vote counts.
    tallyExact: sealed.voteCount === accepted + (fault ? alreadyVoted : 0),
    closeToSealMs: sealMs,
    burstCpuPerVoteUs,
    expected,
  };
}

/** A Prometheus histogram's or counter's sum and count for the series matching `match` (name and label text). */
async function scrape(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const pick = (series) => {
    let total = 0;
    for (const line of text.split('\n')) if (line.startsWith(series)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    return total;
  };
  return pick;
}

/** Where a vote's acknowledgement time goes: the vote service's own time, the gateway's NATS round trips, the batches. */
async function diagnostics(sys) {
  const gw = await scrape(sys.gateway);
  const vote = await scrape(sys.vote);
  const batches = gw('laurel_nats_request_seconds_count{subject="vote.cast.batch"');
  return {
    batches,
    voteServiceSecondsSum: vote('laurel_vote_seconds_sum'),
    voteServiceObservations: vote('laurel_vote_seconds_count'),
    gatewayBatchRoundTripSecondsSum: gw('laurel_nats_request_seconds_sum{subject="vote.cast.batch"'),
  };
}

/** Ends the current CPU profile of the gateway and the vote service (SIGWINCH) and, unless it is the warm-up, summarises it. */
const profileCuts = { gateway: 0, vote: 0 };
async function cutProfiles(sys, what) {
  for (const name of ['gateway', 'vote']) {
    const file = join(sys.tmp, `${name}.${profileCuts[name]++}.cpuprofile`);
    process.kill(sys.pids[name], 'SIGWINCH');
    const text = await waitFor(`${name}'s CPU profile`, () => (existsSync(file) ? readFileSync(file, 'utf8') : null), 30000, 100).catch(() => null);
    if (!text || what === 'before') continue;
    const summary = formatSummary(summarizeProfile(JSON.parse(text), 30));
    const outTxt = outFile.replace(/\.json$/, `-${what}-${name}.cpu.txt`);
    writeFileSync(outTxt, summary + '\n');
    console.log(`CPU profile of ${name} (${what}): ${outTxt}`);
  }
}

async function main() {
  mkdirSync(dirname(outFile), { recursive: true });
  const load = [loadavg()[0]];
  const sys = await startSystem();
  const call = api(sys.gateway);
  call.base = sys.gateway;
  const slug = `bench-vote-${randomUUID().slice(0, 8)}`;
  const categories = Array.from({ length: rounds }, (_, r) => ({
    slug: `publikpriset-${r + 1}`,
    name: `Publikpriset ${r + 1}`,
    vote: { mode: 'audience' },
    nominees: ['alingsas', 'boras', 'kungalv', 'lerum', 'molndal'].map((s) => ({ slug: s, organisation: `${s[0].toUpperCase()}${s.slice(1)} kommun` })),
  }));
  const imported = await waitFor('import', async () => {
    const r = await call('POST', '/ceremonies', { body: { ceremony: { slug, name: 'Bench: Publikpriset' }, categories } });
    if (r.status === 401) return null;
    if (r.status >= 300) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  });
  const results = [];
  const cpuBefore = Object.fromEntries(Object.entries(sys.pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  for (let r = 0; r < rounds; r++) {
    const issued = await must(call('POST', `/ceremonies/${slug}/tickets`, { body: { count: voters } }), 'tickets');
    const category = imported.categories.find((x) => x.slug === `publikpriset-${r + 1}`);
    load.push(loadavg()[0]);
    // `--cold-vote`: a fresh vote-service process before every round after the first (what a round 1 pays for a process
    // that has not taken a vote yet: JIT, connections, caches), the database and NATS left as they are.
    if (r > 0 && coldVote) log(`vote service restarted cold in ${fmt(await killAndRestartVote(sys), 0)} ms`);
    const before = await diagnostics(sys);
    if (cpuProf) await cutProfiles(sys, 'before');
    const driverCpu = process.cpuUsage();
    const result = await burst(call, slug, category, issued.tickets, r, sys);
    const driverUsed = process.cpuUsage(driverCpu);
    if (cpuProf) await cutProfiles(sys, `burst-${r}`);
    const after = await diagnostics(sys);
    load.push(loadavg()[0]);
    const batches = after.batches - before.batches;
    result.diagnostics = {
      batches,
      votesPerBatch: batches ? voters / batches : null,
      batchRoundTripMeanMs: batches ? ((after.gatewayBatchRoundTripSecondsSum - before.gatewayBatchRoundTripSecondsSum) / batches) * 1000 : null,
      voteServiceMeanMs: ((after.voteServiceSecondsSum - before.voteServiceSecondsSum) / Math.max(1, after.voteServiceObservations - before.voteServiceObservations)) * 1000,
      driverCpuPerVoteUs: (driverUsed.user + driverUsed.system) / voters,
      driverCpuShare: (driverUsed.user + driverUsed.system) / 1000 / result.wallMs,
    };
    log(`diagnostics: ${JSON.stringify(result.diagnostics)}`);
    log(`round ${r + 1}: ${result.accepted}/${voters} acknowledged in ${fmt(result.wallMs, 0)} ms, p99 ${fmt(result.ack.p99)} ms, ${fmt(result.votesPerSecond, 0)} votes/s, sealed ${result.sealedCount}`);
    results.push(result);
  }
  const cpuAfter = Object.fromEntries(Object.entries(sys.pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const totalVotes = results.reduce((a, r) => a + r.accepted, 0);
  const cpuPerVoteUs = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, ((cpuAfter[k] - cpuBefore[k]) / totalVotes) * 1e6]));
  const report = { label, stamp, nodeFlags, path, client: path === 'socket' ? client : undefined, fault, voters, concurrency, spreadMs, rounds, pinned: pin, loadavg1: load, results, cpuPerVoteUs };
  writeFileSync(outFile, JSON.stringify(report, null, 2));
  console.log(`| round | voters | acknowledged (201) | ack p50 / p99 / max ms | last ack after open | within 5 s | votes/s | sealed = accepted | close → seal |`);
  console.log(`|---|---|---|---|---|---|---|---|---|`);
  for (const r of results) {
    console.log(`| ${r.round + 1} | ${r.voters} | ${r.accepted} | ${fmt(r.ack.p50)} / ${fmt(r.ack.p99)} / ${fmt(r.ack.max)} | ${fmt(r.lastAckAfterOpenMs, 0)} ms | ${r.within5s} | ${fmt(r.votesPerSecond, 0)} | ${r.tallyExact ? 'yes' : 'NO'} (${r.sealedCount}) | ${fmt(r.closeToSealMs, 0)} ms |`);
  }
  for (const r of results.filter((x) => x.fault)) {
    const f = r.fault;
    console.log(`\nfault run: ${f.faults.map((x) => `${x.what} at ${fmt(x.atMs, 0)} ms (${fmt(x.downMs, 0)} ms)`).join('; ')}; ${f.retries} retries; ` +
      `${r.accepted} receipts + ${f.alreadyVoted} "already voted" = ${r.accepted + f.alreadyVoted} of ${r.voters}; sealed ${r.sealedCount}; ` +
      `rows ${f.db.rows}, distinct tickets ${f.db.tickets} (counted twice: ${f.countedTwice}); tallies = votes made per nominee: ${f.talliesEqualVotesMade ? 'yes' : 'NO'}; tally = accepted rows: ${f.tallyEqualsAcceptedRows ? 'yes' : 'NO'}`);
  }
  for (const r of results) console.log(`\nCPU per vote during the burst alone (µs): ${Object.entries(r.burstCpuPerVoteUs).map(([k, v]) => `${k} ${fmt(v, 0)}`).join(', ')}; total ${fmt(Object.values(r.burstCpuPerVoteUs).reduce((a, b) => a + b, 0), 0)}`);
  console.log(`\nCPU per acknowledged vote over the whole round, the tickets' issue, sockets and seal included (µs): ${Object.entries(cpuPerVoteUs).map(([k, v]) => `${k} ${fmt(v, 0)}`).join(', ')} (Postgres not counted: the machine's own)`);
  console.log(`1-minute load average during the run: ${load.map((l) => l.toFixed(1)).join(' → ')}`);
  console.log(`JSON: ${outFile}`);
  if (profile) {
    for (const name of ['vote', 'gateway']) {
      const child = children.find((c) => c.benchName === name);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      const text = execFileSync(process.execPath, ['--prof-process', join(sys.tmp, `${name}.v8.log`)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const file = outFile.replace(/\.json$/, `-${name}.prof.txt`);
      writeFileSync(file, text);
      console.log(`profile of ${name}: ${file}`);
    }
  }
}

try {
  await main();
} finally {
  await cleanup();
}
