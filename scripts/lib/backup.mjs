// @ts-check
// `laurel backup` / `laurel restore`: one consistent dump of the three service schemas (Postgres is the truth),
// and a restore that rebuilds what lives in JetStream (streams, KV) from it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { STATE_DIR, fail, say } from './util.mjs';

/** The schemas of the three domain services (the gateway keeps nothing). */
export const SCHEMAS = ['nominations', 'jury', 'announcements', 'vote'];
/** What JetStream holds, all of it rebuilt from the services' outboxes (KV buckets are streams KV_<bucket>). */
export const JETSTREAM_STREAMS = ['GALA_EVENTS', 'GALA_SEALED', 'KV_laurel_show', 'KV_laurel_access'];

export const BACKUP_USAGE = `  ./laurel backup [--out <file>]
      one consistent pg_dump (custom format) of the nominations, jury and announcements schemas, taken in one
      snapshot while the show runs; default .laurel/backups/laurel-<time>.dump. Database: DATABASE_URL (an
      admin of the database), else the running ./laurel run's
  ./laurel restore <file> [--yes]
      with the services stopped (./laurel run --infra-only, or DATABASE_URL/NATS_URL of your own): restores the
      three schemas from <file> in one transaction, deletes the JetStream streams and KV buckets and queues every
      outbox row to be published again, so the next start rebuilds JetStream from Postgres; consumers skip
      what their restored database already holds (processed_events) and apply what it lacks`;

/** The major version of the server at `url` (e.g. 15). */
async function serverMajor(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Math.floor(Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
  } finally {
    await client.end();
  }
}

/**
 * A pg_dump/pg_restore at least as new as the server (pg_dump refuses an older client): PATH first, then
 * the Debian layout /usr/lib/postgresql/<major>/bin. Null when there is none.
 */
export function pgTool(/** @type {string} */ name, /** @type {number} */ major) {
  const candidates = [name];
  try {
    for (const v of fs.readdirSync('/usr/lib/postgresql')) candidates.push(path.join('/usr/lib/postgresql', v, 'bin', name));
  } catch {
    // not Debian's layout
  }
  for (const bin of candidates) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    const m = /\) (\d+)/.exec(r.stdout ?? '');
    if (r.status === 0 && m && Number(m[1]) >= major) return bin;
  }
  return null;
}

async function tool(/** @type {string} */ name, /** @type {string} */ url) {
  const major = await serverMajor(url);
  const bin = pgTool(name, major);
  if (!bin) throw new Error(`${name} ${major} or newer is needed for this PostgreSQL ${major} server (install postgresql-client-${major}, e.g. from apt.postgresql.org)`);
  return bin;
}

/** libpq reads the password from PGPASSWORD, not from a URL on the command line (ps shows argv). */
function pgEnv(/** @type {string} */ url) {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** One consistent dump of the three schemas (pg_dump runs in one repeatable-read snapshot). */
export async function dumpSchemas({ url, file }) {
  const bin = await tool('pg_dump', url);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const { url: bare, env } = pgEnv(url);
  const r = spawnSync(bin, ['--format=custom', '--no-password', ...SCHEMAS.flatMap((s) => ['-n', s]), '-f', file, '-d', bare], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_dump failed: ${(r.stderr || r.stdout).trim()}`);
  fs.chmodSync(file, 0o600); // it holds ballots and sealed verdicts
  return file;
}

/**
 * Restores the three schemas from a dump in one transaction (objects of the dump dropped and created again,
 * owners as dumped: the service roles must exist), then queues every outbox row for publishing again.
 */
export async function restoreSchemas({ url, file }) {
  const bin = await tool('pg_restore', url);
  const { url: bare, env } = pgEnv(url);
  const r = spawnSync(bin, ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-password', '-d', bare, file], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_restore failed: ${(r.stderr || r.stdout).trim()}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rows = 0;
    // The relays publish them again in order at the next start, with their ids as msgIDs.
    for (const schema of SCHEMAS) rows += (await client.query(`UPDATE ${client.escapeIdentifier(schema)}.outbox SET published_at = NULL WHERE published_at IS NOT NULL`)).rowCount ?? 0;
    return { outboxRows: rows };
  } finally {
    await client.end();
  }
}

/**
 * Deletes the streams and KV buckets (with their consumers): they held what happened after the backup,
 * which the restored database does not know. The services declare them again at start and their relays
 * fill them from the outboxes; durable consumers start over and skip what their database holds.
 */
export async function resetJetStream({ natsUrl, user, pass }) {
  const nc = await connect({ servers: natsUrl.split(','), user, pass, name: 'laurel-restore' });
  try {
    const jsm = await jetstreamManager(nc);
    const deleted = [];
    for (const name of JETSTREAM_STREAMS) {
      try {
        await jsm.streams.delete(name);
        deleted.push(name);
      } catch (error) {
        if (!/not found/i.test(String(error))) throw error;
      }
    }
    return { deleted };
  } finally {
    await nc.close();
  }
}

function runInfo() {
  try {
    return JSON.parse(fs.readFileSync(path.join(STATE_DIR, 'run.json'), 'utf8'));
  } catch {
    return null;
  }
}

export async function backup(/** @type {string[]} */ args) {
  const outAt = args.indexOf('--out');
  const file = outAt >= 0 ? args[outAt + 1] : path.join(STATE_DIR, 'backups', `laurel-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`);
  const url = process.env.DATABASE_URL || runInfo()?.adminDatabaseUrl;
  if (!url || !file) {
    fail(`laurel backup: no database: set DATABASE_URL or keep ./laurel run running\n${BACKUP_USAGE}`);
    return 2;
  }
  try {
    const t = Date.now();
    await dumpSchemas({ url, file });
    say(`backup of ${SCHEMAS.join(', ')} written to ${file} (${fs.statSync(file).size} bytes, ${Date.now() - t} ms)`);
    return 0;
  } catch (error) {
    fail(`laurel backup: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

export async function restore(/** @type {string[]} */ args) {
  const file = args.find((a) => !a.startsWith('--'));
  const info = runInfo();
  const url = process.env.DATABASE_URL || info?.adminDatabaseUrl;
  const natsUrl = process.env.NATS_URL || info?.natsUrl;
  if (!file || !fs.existsSync(file) || !url || !natsUrl) {
    fail(`laurel restore: give a backup file, and the database and NATS (DATABASE_URL/NATS_URL, or ./laurel run --infra-only running)\n${BACKUP_USAGE}`);
    return 2;
  }
  if (info?.children?.some((/** @type {{ match?: string }} */ c) => c.match?.startsWith('dist/apps/'))) {
    fail('laurel restore: stop the services first (./laurel run --infra-only keeps NATS and Postgres up without them)');
    return 2;
  }
  if (!args.includes('--yes')) say(`restoring ${file}: the three schemas are replaced and JetStream is rebuilt from them`);
  try {
    const { outboxRows } = await restoreSchemas({ url, file });
    const { deleted } = await resetJetStream({ natsUrl, user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD });
    say(`restored ${SCHEMAS.join(', ')} from ${file}; ${outboxRows} outbox rows queued; deleted ${deleted.join(', ') || 'no streams'}: start the services to rebuild JetStream`);
    return 0;
  } catch (error) {
    fail(`laurel restore: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
