// @ts-check
// `laurel run [--demo] [--infra-only] [--no-build]`: the whole system on one machine.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serviceDatabaseUrls, serviceUrlVariable } from './db-roles.mjs';
import { natsServerBinary, startEmbeddedPostgres, startNatsServer } from './infra/index.mjs';
import {
  Child,
  LOG_DIR,
  ROOT,
  STATE_DIR,
  c,
  cmdlineOf,
  describeUrl,
  ensureDir,
  fail,
  newestMtime,
  pickPort,
  pidAlive,
  runInherit,
  say,
  seconds,
  sleep,
  warn,
} from './util.mjs';

export const SERVICES = [
  { name: 'nominations', port: 3101, database: true, color: c.green },
  { name: 'jury', port: 3102, database: true, color: c.magenta },
  { name: 'announcements', port: 3103, database: true, color: c.yellow },
  { name: 'vote', port: 3104, database: true, color: c.blue },
  { name: 'gateway', port: 3000, database: false, color: c.cyan },
];
const FIXTURE = 'apps/nominations/fixtures/kvalitetsmassan-2017.json';
const RUN_FILE = path.join(STATE_DIR, 'run.json');
const BUILD_STAMP = path.join(ROOT, 'dist', '.laurel-build');
const READY_TIMEOUT_MS = Number(process.env.LAUREL_READY_TIMEOUT ?? 120) * 1000;
const PINO_LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export async function run(args) {
  const demo = args.includes('--demo');
  const infraOnly = args.includes('--infra-only');
  const rawLogs = args.includes('--raw-logs') || process.env.LAUREL_RAW_LOGS === '1';
  // --without jury[,…]: leave services out, e.g. to run one from an editor against the rest.
  const withoutIndex = args.findIndex((a) => a === '--without' || a.startsWith('--without='));
  const without =
    withoutIndex < 0 ? [] : (args[withoutIndex].includes('=') ? args[withoutIndex].split('=')[1] : (args[withoutIndex + 1] ?? '')).split(',').filter(Boolean);
  const unknown = without.filter((name) => !SERVICES.some((s) => s.name === name));
  if (unknown.length) {
    fail(`--without: unknown service ${unknown.join(', ')} (services: ${SERVICES.map((s) => s.name).join(', ')})`);
    process.exit(2);
  }
  const services = SERVICES.filter((s) => !without.includes(s.name));
  const started = Date.now();
  ensureDir(LOG_DIR);
  guardAgainstSecondLauncher();

  /** @type {{ services: Child[], nats: import('./infra/nats.mjs').LocalNatsServer | null, postgres: import('./infra/postgres.mjs').EmbeddedPostgres | null }} */
  const owned = { services: [], nats: null, postgres: null };
  let stopping = null;
  let allReady = false;
  const shutdown = (reason, exitCode = 0) => {
    stopping ??= (async () => {
      console.log();
      say(`stopping (${reason})…`);
      const results = await Promise.all(
        owned.services.map(async (child) => ({ child, ...(await child.stop('SIGTERM', 10_000)) })),
      );
      for (const { child, forced } of results) {
        if (forced) warn(`${child.name} did not stop within 10 s and was killed`);
      }
      if (owned.nats) {
        await owned.nats.stop();
        say('nats-server stopped');
      }
      if (owned.postgres) {
        await owned.postgres.stop();
        say('embedded PostgreSQL stopped');
      }
      // Anything caught half-started (e.g. Ctrl-C while Postgres was booting).
      Child.killAll('SIGKILL');
      fs.rmSync(RUN_FILE, { force: true });
      say('bye');
      process.exit(exitCode);
    })();
    return stopping;
  };
  let interrupts = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      // A closing terminal (SIGHUP) during a graceful stop is not a request to hurry.
      if (signal === 'SIGHUP' && stopping) return;
      if (++interrupts > 1) {
        warn('second interrupt: killing everything now');
        Child.killAll('SIGKILL');
        process.exit(130);
      }
      void shutdown(signal);
    });
  }
  // Children live in their own process groups; never leave them behind, even on a launcher crash.
  process.on('exit', () => Child.killAll('SIGKILL'));
  process.on('uncaughtException', (error) => {
    fail(error.stack ?? String(error));
    void shutdown('launcher error', 1);
  });

  try {
    if (!infraOnly) await buildIfStale(args.includes('--no-build'), services);

    // NATS
    let natsUrl = process.env.NATS_URL;
    if (natsUrl) {
      say(`NATS: using NATS_URL=${describeUrl(natsUrl)}`);
    } else {
      let bin;
      try {
        bin = natsServerBinary({ install: true });
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
        return shutdown('nats-server missing', 1);
      }
      const t = Date.now();
      owned.nats = await startNatsServer({ bin, preferredPort: 4222, storeDir: path.join(STATE_DIR, 'nats'), serverName: 'laurel-dev', syncInterval: '1s', logFile: path.join(LOG_DIR, 'nats.log'), detached: true });
      natsUrl = owned.nats.url;
      say(`NATS: started nats-server with JetStream at ${c.cyan(natsUrl)} (${seconds(Date.now() - t)}, store .laurel/nats)`);
    }
    writeRunFile(owned);

    // Postgres
    let databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl) {
      say(`Postgres: using DATABASE_URL=${describeUrl(databaseUrl)}`);
    } else {
      const t = Date.now();
      owned.postgres = await startEmbeddedPostgres({ dataDir: path.join(STATE_DIR, 'pg'), preferredPort: 5433, database: 'laurel', logFile: path.join(LOG_DIR, 'pg.log'), detached: true, log: say });
      databaseUrl = owned.postgres.url;
      say(`Postgres: started embedded PostgreSQL at ${describeUrl(databaseUrl)} (${seconds(Date.now() - t)})`);
    }
    writeRunFile(owned);

    // Each domain service connects as its own role that owns only its schema (see README, "Database roles").
    const databases = await serviceDatabaseUrls(databaseUrl, { exclusive: Boolean(owned.postgres) });
    if (databases.roles) say(`Postgres: each service connects as its own role (${databases.roles.join(', ')}), owner of its schema only`);
    writeRunFile(owned, { databases: databases.urls, adminDatabaseUrl: databaseUrl, natsUrl }); // adminDatabaseUrl, natsUrl: for laurel backup/restore

    if (infraOnly) {
      console.log();
      say(`infrastructure is up (${seconds(Date.now() - started)}):`);
      console.log(`  NATS_URL=${natsUrl}`);
      console.log(`  DATABASE_URL=${databaseUrl}   ${c.dim('(admin)')}`);
      for (const [service, url] of Object.entries(databases.urls)) console.log(`  ${serviceUrlVariable(service)}=${url}   ${c.dim(`(${service}: its DATABASE_URL)`)}`);
      say('Ctrl-C stops it.');
      return;
    }

    // Services. The admin token goes to nominations only (it writes the admin grant every process
    // resolves); the gateway's service identity to the gateway and announcements only.
    const admin = process.env.LAUREL_ADMIN_TOKEN ? { token: process.env.LAUREL_ADMIN_TOKEN, created: false, from: 'LAUREL_ADMIN_TOKEN' } : keptSecret('admin-token');
    const adminToken = admin.token;
    const serviceToken = process.env.LAUREL_GATEWAY_SERVICE_TOKEN || keptSecret('gateway-service-token').token;
    const secretsOf = {
      nominations: { LAUREL_ADMIN_TOKEN: adminToken },
      announcements: { LAUREL_GATEWAY_SERVICE_TOKEN: serviceToken },
      gateway: { LAUREL_GATEWAY_SERVICE_TOKEN: serviceToken },
    };
    const ports = await servicePorts(services);
    const logLevel = process.env.LOG_LEVEL ?? 'info';
    const width = Math.max(...services.map((s) => s.name.length));
    for (const service of services) {
      const entry = path.join(ROOT, 'dist', 'apps', service.name, 'src', 'main.js');
      /** @type {NodeJS.ProcessEnv} */
      const env = { ...process.env, NATS_URL: natsUrl, PORT: String(ports[service.name]), LOG_LEVEL: logLevel };
      if (service.database) env.DATABASE_URL = databases.urls[service.name];
      else delete env.DATABASE_URL;
      for (const other of Object.keys(databases.urls)) delete env[serviceUrlVariable(other)];
      // Each secret only where it belongs, whatever the launcher's own environment holds.
      delete env.LAUREL_ADMIN_TOKEN;
      delete env.LAUREL_GATEWAY_SERVICE_TOKEN;
      Object.assign(env, secretsOf[service.name] ?? {});
      const prefix = service.color(`${service.name.padEnd(width)} │`);
      const child = new Child(service.name, process.execPath, ['--enable-source-maps', entry], {
        env,
        logFile: path.join(LOG_DIR, `${service.name}.log`),
        onLine: (line) => console.log(`${prefix} ${rawLogs ? line : renderLogLine(line)}`),
      });
      owned.services.push(child);
      void child.exit.then(({ code, signal }) => {
        // Before readiness, waitUntilReady reports it (with the last log lines).
        if (!stopping && allReady) warn(`${service.name} exited (${signal ?? `code ${code}`}); see .laurel/logs/${service.name}.log`);
      });
    }
    const gateway = `http://localhost:${ports.gateway}`;
    writeRunFile(owned, { databases: databases.urls, gateway });

    const ok = await waitUntilReady(owned.services, ports);
    if (!ok) return shutdown('services not ready', 1);
    allReady = true;

    if (without.length) {
      const secrets = [
        without.includes('nominations') && 'LAUREL_ADMIN_TOKEN="$(cat .laurel/admin-token)"',
        (without.includes('gateway') || without.includes('announcements')) && 'LAUREL_GATEWAY_SERVICE_TOKEN="$(cat .laurel/gateway-service-token)"',
      ].filter(Boolean);
      say(`left out: ${without.join(', ')}; start them yourself with NATS_URL=${natsUrl}${secrets.map((x) => ` ${x}`).join('')}`);
      for (const name of without.filter((n) => databases.urls[n])) console.log(`  ${name}: DATABASE_URL=${databases.urls[name]}`);
    }
    let demoLinks = null;
    if (demo && without.includes('gateway')) warn('--demo needs the gateway; skipping the import');
    else if (demo) demoLinks = await importDemo(gateway, adminToken);
    printBanner({ gateway, admin, demoLinks, natsUrl, databaseUrl, tookMs: Date.now() - started });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return shutdown('start-up failed', 1);
  }
}

function guardAgainstSecondLauncher() {
  let previous;
  try {
    previous = JSON.parse(fs.readFileSync(RUN_FILE, 'utf8'));
  } catch {
    return;
  }
  if (pidAlive(previous.launcher) && cmdlineOf(previous.launcher).includes('laurel.mjs')) {
    fail(`another \`./laurel run\` is active in this folder (pid ${previous.launcher}); stop it first.`);
    process.exit(1);
  }
  // The previous launcher died hard: its children may still hold ports and data folders.
  for (const { pid, match } of previous.children ?? []) {
    if (pidAlive(pid) && cmdlineOf(pid).includes(match)) {
      warn(`stopping leftover process ${pid} (${match}) from an earlier run`);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }
  }
}

let runInfo = {};
/** `.laurel/run.json`: what a hard-killed launcher left running, and what `laurel audit` needs (0600: it holds the services' URLs). */
function writeRunFile(owned, info = {}) {
  runInfo = { ...runInfo, ...info };
  const children = [
    ...owned.services.map((child) => ({ pid: child.pid, match: `dist/apps/${child.name}/` })),
    owned.nats && { pid: owned.nats.pid(), match: 'nats-server' },
  ].filter(Boolean);
  // Postgres is found again through its own postmaster.pid.
  fs.writeFileSync(RUN_FILE, JSON.stringify({ launcher: process.pid, children, ...runInfo }, null, 2), { mode: 0o600 });
  fs.chmodSync(RUN_FILE, 0o600);
}

/** What the running launcher wrote to `.laurel/run.json` (null when none is running). */
export function runningLauncher() {
  try {
    const info = JSON.parse(fs.readFileSync(RUN_FILE, 'utf8'));
    return pidAlive(info.launcher) && cmdlineOf(info.launcher).includes('laurel.mjs') ? info : null;
  } catch {
    return null;
  }
}

export async function buildIfStale(skip, services) {
  const entries = services.map((s) => path.join(ROOT, 'dist', 'apps', s.name, 'src', 'main.js'));
  const missing = entries.filter((e) => !fs.existsSync(e));
  if (skip) {
    if (missing.length) throw new Error(`--no-build, but ${path.relative(ROOT, missing[0])} does not exist`);
    return;
  }
  const stamp = fs.existsSync(BUILD_STAMP) ? fs.statSync(BUILD_STAMP).mtimeMs : 0;
  const sources = newestMtime(['apps', 'libs', 'tools', 'bench', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']);
  if (!missing.length && stamp >= sources) return;
  say(missing.length ? 'building (dist is missing)…' : 'building (sources changed since the last build)…');
  const { code, ms } = await runInherit('npm', ['run', 'build']);
  if (code !== 0) {
    throw new Error(`npm run build failed (exit ${code})${missing.length ? '' : '; `./laurel run --no-build` starts the previous build'}`);
  }
  const stillMissing = entries.filter((e) => !fs.existsSync(e));
  if (stillMissing.length) throw new Error(`the build did not produce ${stillMissing.map((e) => path.relative(ROOT, e)).join(', ')}`);
  fs.writeFileSync(BUILD_STAMP, new Date().toISOString());
  say(`built in ${seconds(ms)}`);
}

/**
 * A secret kept in .laurel/<name>, mode 0600 (tightened if someone loosened it), created on first use.
 * Never logged: the banner shows a newly created admin token once, then only where it is kept.
 */
function keptSecret(name) {
  const file = path.join(STATE_DIR, name);
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token) {
      if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
      return { token, created: false, from: `.laurel/${name}` };
    }
  } catch {
    // first run
  }
  const token = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { token, created: true, from: `.laurel/${name}` };
}

/** The documented ports when free; otherwise the next free one (said out loud so URLs are not a surprise). */
async function servicePorts(services) {
  const ports = {};
  const taken = [];
  for (const service of services) {
    const preferred = service.name === 'gateway' && process.env.PORT ? Number(process.env.PORT) : service.port;
    const port = await pickPort(preferred, { avoid: taken });
    if (port !== preferred) warn(`port ${preferred} is busy: ${service.name} uses ${port}`);
    ports[service.name] = port;
    taken.push(port);
  }
  return ports;
}

/** Pino JSON → `12:00:01.123 INFO  [Context] message {extra}`; anything else passes through. */
export function renderLogLine(line) {
  if (!line.startsWith('{')) return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  const { level, time, msg, message, context, pid: _pid, hostname: _host, v: _v, service: _service, ...rest } = entry;
  const label = (typeof level === 'number' ? PINO_LEVELS[level] : String(level ?? 'info').toUpperCase()) ?? String(level);
  const paintLevel = { WARN: c.yellow, ERROR: c.red, FATAL: c.red, DEBUG: c.dim, TRACE: c.dim }[label] ?? ((t) => t);
  const at = time ? new Date(time).toISOString().slice(11, 23) : '';
  const extra = Object.keys(rest).length ? ` ${c.dim(JSON.stringify(rest))}` : '';
  return `${c.dim(at)} ${paintLevel(label.padEnd(5))} ${context ? c.dim(`[${context}] `) : ''}${msg ?? message ?? ''}${extra}`;
}

async function probe(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = await response.text();
    return { ok: response.status === 200, status: String(response.status), body: body.slice(0, 200) };
  } catch (error) {
    const code = /** @type {{ cause?: { code?: string } }} */ (error)?.cause?.code;
    return { ok: false, status: code === 'ECONNREFUSED' ? 'not listening' : (code ?? 'no answer') };
  }
}

async function waitUntilReady(children, ports) {
  const t0 = Date.now();
  let lastLine = '';
  let lastPrinted = 0;
  const oddSince = new Map();
  for (;;) {
    const dead = children.find((child) => child.exited);
    if (dead) {
      fail(`${dead.name} exited (${dead.signal ?? `code ${dead.exitCode}`}) before it was ready. Last lines:`);
      for (const line of dead.tail.slice(-15)) console.error(`    ${line}`);
      fail(`full log: .laurel/logs/${dead.name}.log`);
      return false;
    }
    const states = await Promise.all(
      children.map(async (child) => ({ name: child.name, ...(await probe(`http://127.0.0.1:${ports[child.name]}/health/ready`)) })),
    );
    if (states.every((s) => s.ok)) {
      say(`all services ready after ${seconds(Date.now() - t0)}`);
      return true;
    }
    const elapsed = Date.now() - t0;
    // 503 means "starting"; any other answer (403, 404, 500…) that persists is a bug, not slowness.
    for (const s of states) {
      const odd = !s.ok && /^\d+$/.test(s.status) && s.status !== '503';
      if (!odd) oddSince.delete(s.name);
      else if (!oddSince.has(s.name)) oddSince.set(s.name, Date.now());
      else if (Date.now() - oddSince.get(s.name) > 15_000) {
        fail(`${s.name} answers GET :${ports[s.name]}/health/ready with ${s.status}, not 200 or 503: ${s.body ?? ''}`);
        fail(`  /health/ready must be reachable without a token; log: .laurel/logs/${s.name}.log`);
        return false;
      }
    }
    if (elapsed > READY_TIMEOUT_MS) {
      for (const s of states.filter((s) => !s.ok)) {
        fail(`${s.name} is not ready after ${seconds(elapsed)}: GET :${ports[s.name]}/health/ready → ${s.status}${s.body ? ` ${s.body}` : ''}`);
        fail(`  log: .laurel/logs/${s.name}.log`);
      }
      fail('raise LAUREL_READY_TIMEOUT (seconds) if start-up is just slow');
      return false;
    }
    const line = states.map((s) => `${s.name} ${s.ok ? c.green('✓') : c.dim(s.status)}`).join('  ');
    if (line !== lastLine || Date.now() - lastPrinted > 5000) {
      say(`waiting for /health/ready (${Math.round(elapsed / 1000)} s): ${line}`);
      lastLine = line;
      lastPrinted = Date.now();
    }
    await sleep(500);
  }
}

async function api(gateway, method, pathname, token, body) {
  const response = await fetch(`${gateway}/api/v1${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function importDemo(gateway, adminToken) {
  const file = path.join(ROOT, FIXTURE);
  if (!fs.existsSync(file)) throw new Error(`--demo: the fixture ${FIXTURE} does not exist`);
  const ceremony = JSON.parse(fs.readFileSync(file, 'utf8'));
  const slug = ceremony.ceremony?.slug ?? ceremony.slug;
  const imported = await api(gateway, 'POST', '/ceremonies', adminToken, ceremony);
  if (imported.status === 201 || imported.status === 200) {
    say(`demo: imported ceremony ${c.bold(slug)} (${ceremony.categories?.length ?? '?'} awards)`);
  } else if (imported.status === 202) {
    warn(`demo: imported ceremony ${c.bold(slug)}, but ${imported.json?.writes?.pending?.join(', ') || 'a service'} did not confirm it in time (status: ${imported.json?.writes?.href ?? '?'})`);
  } else if (imported.status === 409) {
    say(`demo: ceremony ${c.bold(slug)} was already imported`);
  } else {
    throw new Error(`demo import failed: POST /api/v1/ceremonies → ${imported.status} ${imported.text.slice(0, 500)}`);
  }
  const ref = imported.json?.slug ?? slug;
  const tokens = {};
  for (const role of ['producer', 'screen', 'press']) {
    const issued = await api(gateway, 'POST', `/ceremonies/${encodeURIComponent(ref)}/tokens`, adminToken, { role });
    if (issued.status >= 300 || !issued.json?.token) {
      throw new Error(`demo: issuing a ${role} token failed: ${issued.status} ${issued.text.slice(0, 300)}`);
    }
    tokens[role] = issued.json.token;
  }
  return { slug: ref, tokens, jurors: await jurorLinks(gateway, adminToken, ref) };
}

/** One jury-page token per juror, grouped by award; best effort (the demo works without it). */
async function jurorLinks(gateway, adminToken, ref) {
  try {
    const [view, jurors] = await Promise.all([
      api(gateway, 'GET', `/ceremonies/${encodeURIComponent(ref)}`, adminToken),
      api(gateway, 'GET', `/ceremonies/${encodeURIComponent(ref)}/jurors`, adminToken),
    ]);
    if (jurors.status !== 200 || !Array.isArray(jurors.json)) return [];
    const slugOf = new Map((view.json?.categories ?? []).map((cat) => [cat.id, cat.slug]));
    const links = [];
    for (const juror of jurors.json) {
      const issued = await api(gateway, 'POST', `/ceremonies/${encodeURIComponent(ref)}/tokens`, adminToken, { role: 'juror', jurorId: juror.id });
      if (!issued.json?.token) continue;
      links.push({ category: slugOf.get(juror.categoryId) ?? juror.categoryId, name: juror.name, chair: Boolean(juror.chair), token: issued.json.token });
    }
    return links;
  } catch (error) {
    warn(`demo: no juror links (${error instanceof Error ? error.message : String(error)})`);
    return [];
  }
}

function printBanner({ gateway, admin, demoLinks, natsUrl, databaseUrl, tookMs }) {
  const slug = demoLinks?.slug ?? '<slug>';
  // Tokens go in the URL fragment (#token=…): browsers never send it to a server or proxy.
  const q = (role) => (demoLinks ? `#token=${encodeURIComponent(demoLinks.tokens[role])}` : '');
  const rows = [
    ['gateway', gateway],
    ['API docs', `${gateway}/api/docs`],
    ['admin', `${gateway}/admin`],
    // Shown once, when it is created; afterwards only where it is kept (it is never in any log).
    ['admin token', admin.created ? admin.token : `in ${admin.from}${admin.from.startsWith('.laurel') ? ' (mode 0600)' : ''}`],
    ['control room', `${gateway}/control/${slug}${q('producer')}`],
    ['stage screen', `${gateway}/stage/${slug}${q('screen')}`],
    ['press', `${gateway}/press/${slug}${q('press')}`],
    ['public', `${gateway}/c/${slug}`],
    ['NATS', natsUrl],
    ['Postgres', describeUrl(databaseUrl)],
  ];
  console.log();
  say(c.bold(`Laurel is up (${seconds(tookMs)} from launch)`));
  for (const [label, value] of rows) console.log(`  ${label.padEnd(13)} ${label === 'admin token' ? c.bold(value) : c.cyan(value)}`);
  if (admin.created) console.log(c.dim(`  (the admin token is shown this once; it is kept in ${admin.from}, mode 0600)`));
  if (demoLinks?.jurors?.length) {
    console.log(`  ${'jury pages'.padEnd(13)} ${c.dim('(one per juror; the chair seals the verdict)')}`);
    let category = null;
    for (const j of demoLinks.jurors) {
      if (j.category !== category) console.log(`    ${c.bold(j.category)}`);
      category = j.category;
      console.log(`      ${`${j.name}${j.chair ? ' (chair)' : ''}`.padEnd(28)} ${c.cyan(`${gateway}/jury/${slug}#token=${encodeURIComponent(j.token)}`)}`);
    }
  }
  if (!demoLinks) console.log(c.dim('  (./laurel run --demo imports the Kvalitetsmässan 2017 ceremony and prints links with tokens)'));
  console.log(c.dim('  logs: .laurel/logs/   Ctrl-C stops everything'));
  console.log();
}
