// @ts-check
// `laurel backup` / `laurel restore`: one consistent logical backup of the four service schemas (Postgres is
// the truth), and a restore that recreates them with the services' own migrations, loads the rows, checks
// them, and rebuilds what lives in JetStream (streams, KV) from them.
//
// Done in Node over the `pg` connection (COPY … TO STDOUT / FROM STDIN), not with pg_dump: pg_dump must be at
// least as new as the server, and the launcher's embedded PostgreSQL 18 ships none while Debian 12 ships 15.
// One path for every server: the backup holds rows only; the schema comes from the migrations (the same code
// that made it), which also keeps the services' roles owners of what they own.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  COPY_SETTINGS,
  SECTION_END,
  SectionDigest,
  columnDifferences,
  lines,
  loadOrder,
  migrationPlan,
  parseHeader,
  readBackup,
  verifyBackup,
} from './backup-format.mjs';
import { ROOT, STATE_DIR, c, fail, say } from './util.mjs';

/** The schemas of the four domain services (the gateway keeps nothing). */
export const SCHEMAS = ['nominations', 'jury', 'announcements', 'vote'];
/** What JetStream holds, all of it rebuilt from the services' outboxes (KV buckets are streams KV_<bucket>). */
export const JETSTREAM_STREAMS = ['GALA_EVENTS', 'GALA_SEALED', 'KV_laurel_show', 'KV_laurel_access'];
/**
 * What JetStream holds that Postgres does not: the audience vote's log (GALA_VOTES), where a vote is stored before it
 * is counted. It is kept, and its counting consumer (apps/vote VOTE_CONSUMER) deleted, so the vote service counts the
 * log again from its start into the restored database: what that database holds is skipped (processed_events), the
 * votes cast after the backup are counted again, none twice.
 */
export const REPLAYED_CONSUMERS = [{ stream: 'GALA_VOTES', consumer: 'vote-gala_votes' }];
/** TypeORM's migrations table in each service's schema (serviceDataSourceOptions: migrationsTableName). */
export const MIGRATIONS_TABLE = 'migrations';

export const BACKUP_USAGE = `  ./laurel backup [--out <file>]
      one consistent logical backup of the nominations, jury and announcements schemas (their migrations
      and every row), read in one repeatable-read snapshot while the show runs; needs no pg_dump, works
      with any PostgreSQL the services run on (the embedded 18 too). Default file
      .laurel/backups/laurel-<time>.backup.gz, mode 0600 (ballots, sealed verdicts). Database: DATABASE_URL
      (an admin of the database), else the running ./laurel run's
  ./laurel restore <file> [--yes]
      with the services stopped (./laurel run --infra-only, or DATABASE_URL/NATS_URL of your own): checks
      the file, then in one transaction drops the four schemas' contents, recreates them with the
      services' migrations up to the backup's own, loads the rows (audit-chain triggers checking every
      entry), checks each table against the backup's counts and sha256 (any difference rolls it all back),
      and queues every outbox row to be published again; then deletes the JetStream streams and KV
      buckets, so the next start rebuilds JetStream from Postgres. Migrations newer than the backup run at
      that start; a backup from a newer Laurel is refused. A .dump file of an earlier Laurel (pg_dump) is
      restored with pg_restore, which must then be as new as the server`;

/** @param {string} name */
const q = (name) => `"${name.replace(/"/g, '""')}"`;
/** @param {string} schema @param {string} table */
const qualified = (schema, table) => `${q(schema)}.${q(table)}`;

/** @param {pg.Client | pg.PoolClient} client */
async function applyCopySettings(client, local = false) {
  for (const [name, value] of Object.entries(COPY_SETTINGS)) await client.query(`SELECT set_config($1, $2, $3)`, [name, value, local]);
}

/** The SELECT a table is copied out with, at backup and again to check it after a restore. */
function selectOf(/** @type {{ schema: string, name: string, columns: { name: string }[], orderBy: string[] | null }} */ t) {
  const cols = t.columns.map((col) => q(col.name)).join(', ');
  // The primary key orders the rows (the audit log's (ceremony_id, seq) too: each entry after the one it
  // links to); a table without one by its whole row's text.
  const order = t.orderBy?.length ? t.orderBy.map(q).join(', ') : 't::text';
  return `SELECT ${cols} FROM ${qualified(t.schema, t.name)} AS t ORDER BY ${order}`;
}

/**
 * Tables (not partitions), their columns (generated ones left out: Postgres computes them) and primary keys.
 * @param {pg.Client | pg.PoolClient} client
 * @param {string[]} schemas
 */
async function describeTables(client, schemas) {
  const { rows } = await client.query(
    `SELECT n.nspname AS schema, c.relname AS name,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
               FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns,
            (SELECT json_agg(a.attname ORDER BY k.ord)
               FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS "orderBy"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY array_position($1, n.nspname::text), c.relname`,
    [schemas],
  );
  return /** @type {{ schema: string, name: string, columns: { name: string, type: string }[], orderBy: string[] | null }[]} */ (rows);
}

/**
 * The foreign keys of the four schemas, as qualified table names.
 * @param {pg.Client | pg.PoolClient} client
 * @returns {Promise<{ from: string, to: string, deferrable: boolean }[]>}
 */
async function foreignKeys(client) {
  const { rows } = await client.query(
    `SELECT cn.nspname || '.' || cl.relname AS "from", fn.nspname || '.' || fl.relname AS "to", k.condeferrable AS deferrable
       FROM pg_constraint k
       JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
       JOIN pg_class fl ON fl.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = fl.relnamespace
      WHERE k.contype = 'f' AND cn.nspname = ANY($1)`,
    [SCHEMAS],
  );
  return rows;
}

/** @param {pg.Client | pg.PoolClient} client @param {string} schema */
async function sequencesOf(client, schema) {
  const { rows } = await client.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY c.relname`,
    [schema],
  );
  const out = [];
  for (const { name } of rows) {
    const state = (await client.query(`SELECT last_value::text AS "lastValue", is_called AS "isCalled" FROM ${qualified(schema, name)}`)).rows[0];
    out.push({ name, lastValue: state.lastValue, isCalled: state.isCalled });
  }
  return out;
}

/**
 * COPY a query's rows out (text format) into `sink`, counting and hashing them.
 * @param {pg.Client | pg.PoolClient} client
 * @param {string} select
 * @param {(chunk: Buffer) => void} [sink]
 */
async function copyOut(client, select, sink) {
  const digest = new SectionDigest();
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`));
  for await (const chunk of stream) {
    digest.update(chunk);
    sink?.(chunk);
  }
  return digest.done();
}

/** @param {string} message */
function progressToStderr(message) {
  process.stderr.write(`${c.dim('laurel ▸')} ${message}\n`);
}

/**
 * The backup: one REPEATABLE READ READ ONLY transaction (one snapshot of all four schemas, as the services'
 * commits left them: a seal is in jury's outbox and in announcements, or in neither), ACCESS SHARE locks so
 * no migration changes a table while it is read (the services' reads and writes are not blocked). Written
 * to a temporary file beside `file` and renamed at the end, mode 0600.
 * @param {{ url: string, file: string, progress?: (message: string) => void }} options
 * @returns {Promise<{ file: string, tables: number, rows: number, bytes: number, ms: number }>}
 */
export async function dumpSchemas({ url, file, progress = () => undefined }) {
  const started = Date.now();
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const rowsFile = path.join(dir, `.${path.basename(file)}.rows-${process.pid}`);
  const partial = path.join(dir, `.${path.basename(file)}.partial-${process.pid}`);
  const client = new pg.Client({ connectionString: url, application_name: 'laurel-backup' });
  await client.connect();
  let rowsFd = -1;
  try {
    await applyCopySettings(client);
    await client.query('SET statement_timeout = 0');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const server = (await client.query('SHOW server_version')).rows[0].server_version;
    const described = await describeTables(client, SCHEMAS);
    // In the order a restore loads them: each table after the ones its foreign keys point to.
    const order = loadOrder(described.map((t) => `${t.schema}.${t.name}`), await foreignKeys(client));
    const tables = order.map((name) => /** @type {(typeof described)[number]} */ (described.find((t) => `${t.schema}.${t.name}` === name)));
    if (tables.length) await client.query(`LOCK TABLE ${tables.map((t) => qualified(t.schema, t.name)).join(', ')} IN ACCESS SHARE MODE`);
    const schemas = [];
    for (const schema of SCHEMAS) {
      const owner = (await client.query('SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1', [schema])).rows[0]?.owner;
      if (owner === undefined) throw new Error(`schema ${schema} does not exist in this database: is it Laurel's?`);
      const hasMigrations = tables.some((t) => t.schema === schema && t.name === MIGRATIONS_TABLE);
      const migrations = hasMigrations
        ? (await client.query(`SELECT "timestamp"::text AS timestamp, name FROM ${qualified(schema, MIGRATIONS_TABLE)} ORDER BY id`)).rows
        : [];
      schemas.push({ name: schema, owner, migrations, sequences: await sequencesOf(client, schema) });
    }

    rowsFd = fs.openSync(rowsFile, 'w', 0o600);
    const fd = rowsFd;
    const entries = [];
    let total = 0;
    let lastProgress = Date.now();
    for (const [i, t] of tables.entries()) {
      const got = await copyOut(client, selectOf(t), (chunk) => fs.writeSync(fd, chunk));
      fs.writeSync(fd, `${SECTION_END}\n`);
      entries.push({ ...t, ...got });
      total += got.rows;
      if (Date.now() - lastProgress > 2000 || got.rows > 100_000) {
        progress(`${i + 1}/${tables.length} tables, ${total} rows read (${t.schema}.${t.name}: ${got.rows})`);
        lastProgress = Date.now();
      }
    }
    progress(`read ${tables.length} tables, ${total} rows in one snapshot (${Date.now() - started} ms)`);
    await client.query('COMMIT');
    fs.closeSync(rowsFd);
    rowsFd = -1;

    /** @type {import('./backup-format.mjs').BackupHeader} */
    const header = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), server, schemas, tables: entries };
    const out = fs.createWriteStream(partial, { mode: 0o600 });
    const gzip = zlib.createGzip({ level: 6 });
    const done = pipeline(gzip, out);
    gzip.write(`${JSON.stringify(header)}\n`);
    await pipeline(fs.createReadStream(rowsFile), gzip, { end: true }).catch((error) => {
      gzip.destroy(error);
      throw error;
    });
    await done;
    fs.chmodSync(partial, 0o600); // it holds ballots and sealed verdicts
    fs.renameSync(partial, file);
    const bytes = fs.statSync(file).size;
    return { file, tables: entries.length, rows: total, bytes, ms: Date.now() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    if (rowsFd >= 0) fs.closeSync(rowsFd);
    fs.rmSync(rowsFile, { force: true });
    await client.end().catch(() => undefined);
  }
}

/** The gunzipped bytes of a backup file. */
function openBackup(/** @type {string} */ file) {
  const gunzip = zlib.createGunzip();
  const input = fs.createReadStream(file);
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  return gunzip;
}

/** @param {unknown} error */
function damaged(error) {
  const message = error instanceof Error ? error.message : String(error);
  // zlib: a truncated or altered gzip stream.
  return /unexpected end of file|incorrect header check|invalid .*(distance|code|block)|Z_/i.test(message) ? new Error(`the backup file is damaged (${message})`) : error;
}

/**
 * Reads the file through once and checks every table's rows against the header (counts, sha256).
 * @param {string} file
 */
export async function verifyBackupFile(file) {
  try {
    return await verifyBackup(openBackup(file));
  } catch (error) {
    throw damaged(error);
  }
}

/** The first bytes of a file: pg_dump's custom format starts with PGDMP. */
function isPgDump(/** @type {string} */ file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(5);
    fs.readSync(fd, head, 0, 5, 0);
    return head.toString('latin1') === 'PGDMP';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * @typedef {new () => { name?: string, up: (queryRunner: any) => Promise<unknown> }} MigrationClass
 * @typedef {Record<string, MigrationClass[]>} MigrationsBySchema the services' migrations (their index.ts lists)
 */

/** A migration's name as TypeORM records it: its `name` property, else its class name. */
function migrationName(/** @type {MigrationClass} */ M) {
  return new M().name ?? M.name;
}

/**
 * Restores a backup (services stopped) in one transaction: per schema, its contents dropped (the schema
 * itself kept, with its owner and grants) and recreated by the code's migrations that the backup's schema
 * had run, as the schema's owner (the service's role); then the rows loaded table by table in foreign-key
 * order, with every trigger on (the audit log's link check sees each entry arrive after the one before it),
 * sequences set to where they were, each table copied out again and compared with the backup's row count
 * and sha256 (a difference rolls everything back), and every outbox row queued for publishing again.
 * @param {{ url: string, file: string, migrations: MigrationsBySchema, progress?: (message: string) => void }} options
 * @returns {Promise<{ outboxRows: number, tables: number, rows: number, later: Record<string, string[]>, ms: number }>}
 */
export async function restoreSchemas({ url, file, migrations, progress = () => undefined }) {
  const started = Date.now();
  const header = await verifyBackupFile(file);
  progress(`${file}: ${header.tables.length} tables, ${header.tables.reduce((n, t) => n + t.rows, 0)} rows, checksums match (taken ${header.createdAt} from PostgreSQL ${header.server})`);
  /** @type {Record<string, { run: MigrationClass[], later: string[] }>} */
  const plans = {};
  for (const schema of SCHEMAS) {
    const entry = header.schemas.find((s) => s.name === schema);
    if (!entry) throw new Error(`the backup has no ${schema} schema`);
    const code = migrations[schema] ?? [];
    const plan = migrationPlan(schema, entry.migrations, code.map(migrationName));
    plans[schema] = { run: plan.run.map((n) => /** @type {MigrationClass} */ (code.find((M) => migrationName(M) === n))), later: plan.later };
  }

  // TypeORM's query runner, for the migrations' up(queryRunner); its pg connection for everything else,
  // inside the same transaction.
  const { DataSource, Table } = await import('typeorm');
  const dataSource = new DataSource({ type: 'postgres', url, applicationName: 'laurel-restore', extra: { max: 1 }, logging: ['error'] });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  /** @type {pg.PoolClient} */
  const client = await runner.connect();
  try {
    // The services must be stopped: an idle service holds no lock a DROP would wait for, so look for them.
    const services = (await client.query(
      `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ANY($1) GROUP BY application_name ORDER BY 1`,
      [SCHEMAS.map((schema) => `laurel-${schema}`)],
    )).rows;
    if (services.length) throw new Error(`the services are still connected to the database (${services.map((r) => `${r.name}: ${r.n}`).join(', ')}): stop them first; nothing was changed`);
    await client.query('SET statement_timeout = 0');
    await client.query('SET lock_timeout = 10000'); // a service still connected holds locks: fail, do not wait forever
    await runner.startTransaction();
    await applyCopySettings(client, true);
    await client.query('SET CONSTRAINTS ALL DEFERRED');

    // 1. Empty schemas, kept with their owner and grants (DROP … CASCADE + CREATE would lose the grants).
    for (const schema of SCHEMAS) {
      const found = (await client.query('SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1', [schema])).rows[0];
      if (!found) throw new Error(`schema ${schema} does not exist: start ./laurel run --infra-only once (it creates the services' roles and schemas), or create it owned by the service's role`);
      const owner = found.owner;
      const grants = (await client.query(
        `SELECT pg_get_userbyid(a.grantee) AS grantee, a.grantee = 0 AS public, a.privilege_type AS privilege, a.is_grantable AS grantable
           FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a WHERE n.nspname = $1 AND a.grantee <> n.nspowner`,
        [schema],
      )).rows;
      await client.query(`DROP SCHEMA ${q(schema)} CASCADE`);
      await client.query(`CREATE SCHEMA ${q(schema)} AUTHORIZATION ${q(owner)}`);
      for (const g of grants) await client.query(`GRANT ${g.privilege} ON SCHEMA ${q(schema)} TO ${g.public ? 'PUBLIC' : q(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`);
    }

    // 2. The migrations the backup's schemas had run, as each schema's owner (the service's role owns its tables).
    for (const schema of SCHEMAS) {
      const owner = (await client.query('SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1', [schema])).rows[0].owner;
      await client.query(`SET LOCAL ROLE ${q(owner)}`);
      await client.query(`SET LOCAL search_path TO ${q(schema)}`);
      // The table TypeORM's MigrationExecutor creates (createMigrationsTableIfNotExist); its rows come from the backup.
      const driver = dataSource.driver;
      await runner.createTable(
        new Table({
          schema,
          name: MIGRATIONS_TABLE,
          columns: [
            { name: 'id', type: driver.normalizeType({ type: driver.mappedDataTypes.migrationId }), isGenerated: true, generationStrategy: 'increment', isPrimary: true, isNullable: false },
            { name: 'timestamp', type: driver.normalizeType({ type: driver.mappedDataTypes.migrationTimestamp }), isPrimary: false, isNullable: false },
            { name: 'name', type: driver.normalizeType({ type: driver.mappedDataTypes.migrationName }), isNullable: false },
          ],
        }),
      );
      for (const M of plans[schema].run) await new M().up(runner);
      await client.query('RESET ROLE');
      progress(`${schema}: schema recreated by ${plans[schema].run.length} migrations${plans[schema].later.length ? ` (${plans[schema].later.length} newer ones run at the services' next start)` : ''}`);
    }
    await client.query('RESET search_path');

    // 3. Rows, in foreign-key order; every table's columns as they were at backup.
    const now = await describeTables(client, SCHEMAS);
    const nowByName = new Map(now.map((t) => [`${t.schema}.${t.name}`, t]));
    const problems = [];
    for (const t of header.tables) {
      const have = nowByName.get(`${t.schema}.${t.name}`);
      if (!have) problems.push(`${t.schema}.${t.name}: the migrations do not create it`);
      else problems.push(...columnDifferences(t.columns, have.columns).map((d) => `${t.schema}.${t.name}: ${d}`));
    }
    const recorded = new Set(header.tables.map((t) => `${t.schema}.${t.name}`));
    for (const t of now) if (!recorded.has(`${t.schema}.${t.name}`)) problems.push(`${t.schema}.${t.name}: the migrations create it, the backup has no rows for it`);
    for (const s of header.schemas) {
      for (const seq of s.sequences) {
        if (!(await client.query('SELECT to_regclass($1) AS oid', [qualified(s.name, seq.name)])).rows[0].oid) problems.push(`${s.name}.${seq.name}: a sequence of the backup the migrations do not create`);
      }
    }
    if (problems.length) throw new Error(`the schema the migrations create differs from the backup's:\n  ${problems.join('\n  ')}`);
    const keys = await foreignKeys(client);
    const order = loadOrder(header.tables.map((t) => `${t.schema}.${t.name}`), keys);
    const rank = new Map(order.map((name, i) => [name, i]));
    /** @type {Record<string, string>} */
    const owners = {};
    for (const schema of SCHEMAS) {
      owners[schema] = (await client.query('SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1', [schema])).rows[0].owner;
    }
    // The file is in the header's order; rows are held back only for tables that must wait for another.
    /** @type {Map<string, Buffer[]>} */
    const waiting = new Map();
    const loaded = new Set();
    let rows = 0;
    const load = async (/** @type {import('./backup-format.mjs').TableEntry} */ t, /** @type {AsyncIterable<Buffer> | Buffer[]} */ lines) => {
      await client.query(`SET LOCAL ROLE ${q(owners[t.schema])}`);
      const sink = client.query(copyFrom(`COPY ${qualified(t.schema, t.name)} (${t.columns.map((col) => q(col.name)).join(', ')}) FROM STDIN`));
      await pipeline(async function* () {
        let batch = [];
        let size = 0;
        for await (const line of lines) {
          batch.push(line);
          size += line.length;
          if (size >= 1 << 16) {
            yield Buffer.concat(batch);
            batch = [];
            size = 0;
          }
        }
        if (batch.length) yield Buffer.concat(batch);
      }, sink);
      await client.query('RESET ROLE');
      loaded.add(`${t.schema}.${t.name}`);
      rows += t.rows;
    };
    const ready = (/** @type {string} */ name) => order.slice(0, rank.get(name)).every((before) => loaded.has(before) || !mustPrecede(keys, before, name));
    const drain = async () => {
      for (let progressed = true; progressed; ) {
        progressed = false;
        for (const [name, lines] of waiting) {
          if (!ready(name)) continue;
          waiting.delete(name);
          await load(/** @type {import('./backup-format.mjs').TableEntry} */ (header.tables.find((t) => `${t.schema}.${t.name}` === name)), lines);
          progressed = true;
        }
      }
    };
    try {
      await readBackup(
        openBackup(file),
        () => undefined,
        async (t, lines) => {
          const name = `${t.schema}.${t.name}`;
          if (ready(name)) await load(t, lines);
          else {
            const held = [];
            for await (const line of lines) held.push(line);
            waiting.set(name, held);
          }
          await drain();
        },
      );
    } catch (error) {
      throw damaged(error);
    }
    await drain();
    if (waiting.size) throw new Error(`could not load ${[...waiting.keys()].join(', ')} (their foreign keys wait on each other)`);
    progress(`loaded ${rows} rows into ${loaded.size} tables`);

    // 4. Sequences (serial and identity columns included) where they were.
    for (const s of header.schemas) {
      for (const seq of s.sequences) await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [qualified(s.name, seq.name), seq.lastValue, seq.isCalled]);
    }

    // 5. Every table as the backup had it: same rows, same bytes.
    const mismatches = [];
    for (const t of header.tables) {
      const got = await copyOut(client, selectOf(t));
      if (got.rows !== t.rows || got.sha256 !== t.sha256) mismatches.push(`${t.schema}.${t.name}: ${got.rows} rows (sha256 ${got.sha256.slice(0, 12)}…) after loading, ${t.rows} (${t.sha256.slice(0, 12)}…) in the backup`);
    }
    if (mismatches.length) throw new Error(`the restored tables differ from the backup (nothing was changed):\n  ${mismatches.join('\n  ')}`);

    // 6. The relays publish every outbox row again in order at the next start, with their ids as msgIDs.
    let outboxRows = 0;
    for (const schema of SCHEMAS) {
      if (nowByName.has(`${schema}.outbox`)) outboxRows += (await client.query(`UPDATE ${qualified(schema, 'outbox')} SET published_at = NULL WHERE published_at IS NOT NULL`)).rowCount ?? 0;
    }
    await runner.commitTransaction();
    const later = Object.fromEntries(SCHEMAS.map((s) => [s, plans[s].later]));
    return { outboxRows, tables: header.tables.length, rows, later, ms: Date.now() - started };
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    if (/** @type {{ code?: string }} */ (error)?.code === '55P03') {
      throw new Error('another session still uses the schemas (lock timeout after 10 s): stop the services (./laurel run --infra-only keeps only NATS and Postgres) and close other connections; nothing was changed', { cause: error });
    }
    throw error;
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

/** Whether table `before` must be loaded before `after`: `after` has a non-deferrable foreign key to it. */
function mustPrecede(/** @type {{ from: string, to: string, deferrable: boolean }[]} */ keys, /** @type {string} */ before, /** @type {string} */ after) {
  return keys.some((k) => !k.deferrable && k.from === after && k.to === before && k.from !== k.to);
}

/**
 * A dump of an earlier Laurel (pg_dump custom format): pg_restore, which must be at least as new as the
 * server (PATH first, then Debian's /usr/lib/postgresql/<major>/bin), then the outbox rows queued again.
 * @param {{ url: string, file: string }} options
 */
export async function restorePgDump({ url, file }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const major = Math.floor(Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
    const candidates = ['pg_restore'];
    try {
      for (const v of fs.readdirSync('/usr/lib/postgresql')) candidates.push(path.join('/usr/lib/postgresql', v, 'bin', 'pg_restore'));
    } catch {
      // not Debian's layout
    }
    const bin = candidates.find((b) => {
      const m = /\) (\d+)/.exec(spawnSync(b, ['--version'], { encoding: 'utf8' }).stdout ?? '');
      return m && Number(m[1]) >= major;
    });
    if (!bin) throw new Error(`${file} is a pg_dump file of an earlier Laurel: restoring it needs pg_restore ${major} or newer (install postgresql-client-${major})`);
    const u = new URL(url);
    const password = decodeURIComponent(u.password);
    u.password = ''; // libpq reads it from PGPASSWORD, not from argv (ps shows argv)
    const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
    const r = spawnSync(bin, ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-password', '-d', u.toString(), file], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pg_restore failed: ${(r.stderr || r.stdout).trim()}`);
    let outboxRows = 0;
    for (const schema of SCHEMAS) outboxRows += (await client.query(`UPDATE ${qualified(schema, 'outbox')} SET published_at = NULL WHERE published_at IS NOT NULL`)).rowCount ?? 0;
    return { outboxRows };
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
    const rewound = [];
    for (const { stream, consumer } of REPLAYED_CONSUMERS) {
      try {
        await jsm.consumers.delete(stream, consumer);
        rewound.push(`${stream}/${consumer}`);
      } catch (error) {
        if (!/not found/i.test(String(error))) throw error;
      }
    }
    return { deleted, rewound };
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

/** The services' migrations from the build (dist/), as the services run them. */
async function builtMigrations() {
  const { buildIfStale, SERVICES } = await import('./run.mjs');
  await buildIfStale(false, SERVICES);
  /** @type {MigrationsBySchema} */
  const out = {};
  for (const schema of SCHEMAS) {
    const mod = await import(pathToFileURL(path.join(ROOT, 'dist', 'apps', schema, 'src', 'migrations', 'index.js')).href);
    out[schema] = mod.migrations;
  }
  return out;
}

const size = (/** @type {number} */ bytes) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export async function backup(/** @type {string[]} */ args) {
  const outAt = args.indexOf('--out');
  const file = outAt >= 0 ? args[outAt + 1] : path.join(STATE_DIR, 'backups', `laurel-${new Date().toISOString().replace(/[:.]/g, '-')}.backup.gz`);
  const url = process.env.DATABASE_URL || runInfo()?.adminDatabaseUrl;
  if (!url || !file) {
    fail(`laurel backup: no database: set DATABASE_URL or keep ./laurel run running\n${BACKUP_USAGE}`);
    return 2;
  }
  try {
    const r = await dumpSchemas({ url, file, progress: progressToStderr });
    say(`backup of ${SCHEMAS.join(', ')} written to ${file}: ${r.tables} tables, ${r.rows} rows, ${size(r.bytes)} in ${(r.ms / 1000).toFixed(1)} s`);
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
  if (!args.includes('--yes')) say(`restoring ${file}: the four schemas are replaced and JetStream is rebuilt from them`);
  try {
    let outboxRows;
    let summary = '';
    if (isPgDump(file)) {
      ({ outboxRows } = await restorePgDump({ url, file }));
    } else {
      parseHeader(await firstLine(file)); // a clear refusal before building anything
      const r = await restoreSchemas({ url, file, migrations: await builtMigrations(), progress: progressToStderr });
      outboxRows = r.outboxRows;
      const later = Object.values(r.later).flat();
      summary = ` (${r.tables} tables, ${r.rows} rows, checked against the backup, ${(r.ms / 1000).toFixed(1)} s${later.length ? `; ${later.length} newer migrations run at the next start: ${later.join(', ')}` : ''})`;
    }
    const { deleted, rewound } = await resetJetStream({ natsUrl, user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD });
    say(
      `restored ${SCHEMAS.join(', ')} from ${file}${summary}; ${outboxRows} outbox rows queued; deleted ${deleted.join(', ') || 'no streams'}` +
        `${rewound.length ? `; the vote log is counted again from its start (${rewound.join(', ')})` : ''}: start the services to rebuild JetStream`,
    );
    return 0;
  } catch (error) {
    fail(`laurel restore: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** The header line of a backup file (gunzipped), without reading further. */
async function firstLine(/** @type {string} */ file) {
  try {
    const stream = openBackup(file);
    for await (const line of lines(stream)) {
      stream.destroy();
      return line;
    }
  } catch (error) {
    throw damaged(error);
  }
  return Buffer.alloc(0);
}
