// Local infrastructure for development and tests: a nats-server with JetStream and an embedded PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { natsSupportsSyncInterval, writeNatsDurabilityConf } from './nats-durability.mjs';
import { PG_SUPERUSER, initCluster, postgresArgs, postgresBinaries, postgresDataDir, postgresSpawnOptions } from './embedded-postgres.mjs';
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
  // sync_interval 1 s instead of the default 2 min (nats-server 2.10+): see nats-durability.mjs for why.
  const durability = natsSupportsSyncInterval(bin) ? ['-c', writeNatsDurabilityConf(storeDir)] : [];
  const child = new Child('nats', bin, [...durability, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, '-n', 'laurel-dev'], {
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

const PG_PASSWORD = 'laurel';

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
  const binaries = postgresBinaries();
  if (binaries.copied) say(`the ${PG_SUPERUSER} user cannot reach this folder: PostgreSQL runs from ${binaries.dir}`);
  const preferred = dataDir;
  dataDir = postgresDataDir(preferred, binaries.user);
  if (dataDir !== preferred) say(`the ${PG_SUPERUSER} user cannot reach ${preferred}: the embedded database lives in ${dataDir}`);
  await stopStalePostgres(dataDir);
  const port = await pickPort(preferredPort, { avoid });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    say(`initialising an embedded PostgreSQL in ${dataDir.startsWith(ROOT + path.sep) ? path.relative(ROOT, dataDir) : dataDir}…`);
    await initCluster({ binaries, dataDir, password: PG_PASSWORD, log: (m) => logFile.write(m) });
  }

  const child = new Child('postgres', binaries.postgres, postgresArgs(dataDir, port), { ...postgresSpawnOptions(binaries, dataDir), logFile: logPath });
  const deadline = Date.now() + 30_000;
  while (!child.tail.some((line) => line.includes('ready to accept connections'))) {
    if (child.exited || Date.now() > deadline) {
      await child.stop('SIGKILL', 1000);
      throw new Error(`embedded PostgreSQL did not start on port ${port}:\n${child.tail.slice(-10).join('\n')}`);
    }
    await sleep(100);
  }

  const adminUrl = `postgres://${PG_SUPERUSER}:${PG_PASSWORD}@127.0.0.1:${port}/postgres`;
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
    url: `postgres://${PG_SUPERUSER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`,
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
