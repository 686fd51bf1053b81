// @ts-check
// The file `laurel backup` writes and `laurel restore` reads, and the pure decisions around it (no database,
// no NATS): tested by scripts/lib/backup-format.spec.ts.
//
// A gzip stream of lines:
//   1. one JSON header: { format: "laurel-backup", version: 1, createdAt, server, schemas: [{ name, owner,
//      migrations: [{ timestamp, name }], sequences: [{ name, lastValue, isCalled }] }], tables: [{ schema,
//      name, columns: [{ name, type }], orderBy, rows, bytes, sha256 }] }
//   2. per table of the header, in its order: the table's rows as PostgreSQL's COPY text format writes them
//      (one line per row, every column as text, with the session settings in COPY_SETTINGS), then a line `\.`.
//      COPY text escapes backslashes, so no row is ever the line `\.` (pg_dump's plain format relies on the same).
// `sha256` and `bytes` are over a table's row lines with their newlines, exactly as COPY wrote them; `rows`
// is their count. `zcat <file> | head -1` shows the header.
import { createHash } from 'node:crypto';

export const BACKUP_FORMAT = 'laurel-backup';
export const BACKUP_VERSION = 1;
export const SECTION_END = '\\.';

/**
 * What each COPY of a backup and of its verification runs under, so a value's text is the same whatever the
 * server's or the role's defaults (pg_dump sets the same): ISO dates in UTC, all float digits, hex bytea.
 */
export const COPY_SETTINGS = {
  client_encoding: 'UTF8',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  TimeZone: 'UTC',
  extra_float_digits: '3',
  bytea_output: 'hex',
  standard_conforming_strings: 'on',
};

/** @typedef {{ timestamp: string, name: string }} MigrationRow */
/** @typedef {{ name: string, lastValue: string, isCalled: boolean }} SequenceState */
/** @typedef {{ name: string, owner: string, migrations: MigrationRow[], sequences: SequenceState[] }} SchemaEntry */
/** @typedef {{ name: string, type: string }} Column */
/** @typedef {{ schema: string, name: string, columns: Column[], orderBy: string[] | null, rows: number, bytes: number, sha256: string }} TableEntry */
/** @typedef {{ format: string, version: number, createdAt: string, server: string, schemas: SchemaEntry[], tables: TableEntry[] }} BackupHeader */

/** Counts rows and hashes a table's COPY output as it streams (chunks need not end at a row). */
export class SectionDigest {
  constructor() {
    this.hash = createHash('sha256');
    this.rows = 0;
    this.bytes = 0;
  }

  /** @param {Buffer} chunk */
  update(chunk) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.rows++;
  }

  /** @returns {{ rows: number, bytes: number, sha256: string }} */
  done() {
    return { rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/**
 * The lines of a byte stream, without their newlines (a last line without one is yielded too).
 * @param {AsyncIterable<Buffer | string>} stream
 * @returns {AsyncGenerator<Buffer>}
 */
export async function* lines(stream) {
  /** @type {Buffer[]} */
  let pending = [];
  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (pending.length) {
        pending.push(piece);
        yield Buffer.concat(pending);
        pending = [];
      } else {
        yield piece;
      }
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length) yield Buffer.concat(pending);
}

/**
 * Reads a backup stream (already gunzipped): checks the header, then hands each table's rows to `onTable`
 * as an async iterable of row lines (newline included, as COPY FROM takes them), in the header's order.
 * Throws on a truncated file or rows after the last table. Verify with `verifyBackup` first: this only reads.
 * @param {AsyncIterable<Buffer>} stream
 * @param {(header: BackupHeader) => void | Promise<void>} onHeader
 * @param {(table: TableEntry, rows: AsyncIterable<Buffer>) => Promise<void>} onTable
 */
export async function readBackup(stream, onHeader, onTable) {
  const it = lines(stream)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new Error('the backup file is empty');
  const header = parseHeader(first.value);
  await onHeader(header);
  for (const table of header.tables) {
    let ended = false;
    const rows = {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const { value, done } = await it.next();
          if (done) throw new Error(`the backup file ends inside table ${table.schema}.${table.name} (truncated?)`);
          if (value.length === 2 && value[0] === 0x5c && value[1] === 0x2e) {
            ended = true;
            return;
          }
          yield Buffer.concat([value, NEWLINE]);
        }
      },
    };
    await onTable(table, rows);
    // onTable may stop early; the next table starts after this one's end.
    if (!ended) for await (const _ of rows) void _;
  }
  const extra = await it.next();
  if (!extra.done) throw new Error('the backup file has data after its last table');
  return header;
}

const NEWLINE = Buffer.from('\n');

/**
 * Parses and checks the header line.
 * @param {Buffer | string} line
 * @returns {BackupHeader}
 */
export function parseHeader(line) {
  const text = line.toString('utf8');
  if (text.startsWith('PGDMP')) throw new Error('this is a pg_dump custom-format file, not a laurel backup');
  let header;
  try {
    header = JSON.parse(text);
  } catch {
    throw new Error('not a laurel backup (its first line is not the JSON header)');
  }
  if (header?.format !== BACKUP_FORMAT) throw new Error('not a laurel backup (no "format": "laurel-backup" in its header)');
  if (header.version !== BACKUP_VERSION) throw new Error(`laurel backup format version ${header.version} is not known to this Laurel (it reads version ${BACKUP_VERSION}): restore it with the release that wrote it`);
  if (!Array.isArray(header.schemas) || !Array.isArray(header.tables)) throw new Error('the backup header lacks its schemas or tables');
  for (const t of header.tables) {
    if (typeof t.schema !== 'string' || typeof t.name !== 'string' || !Array.isArray(t.columns) || typeof t.rows !== 'number' || typeof t.sha256 !== 'string') {
      throw new Error(`the backup header has a malformed table entry: ${JSON.stringify(t).slice(0, 200)}`);
    }
  }
  return header;
}

/**
 * Reads a whole backup and checks every table's row count, size and sha256 against its header.
 * @param {AsyncIterable<Buffer>} stream gunzipped
 * @returns {Promise<BackupHeader>}
 */
export async function verifyBackup(stream) {
  /** @type {string[]} */
  const problems = [];
  const header = await readBackup(
    stream,
    () => undefined,
    async (table, rows) => {
      const digest = new SectionDigest();
      for await (const row of rows) digest.update(row);
      const got = digest.done();
      if (got.rows !== table.rows || got.sha256 !== table.sha256 || got.bytes !== table.bytes) {
        problems.push(`${table.schema}.${table.name}: ${got.rows} rows, sha256 ${got.sha256.slice(0, 12)}… in the file; the header says ${table.rows} rows, ${table.sha256.slice(0, 12)}…`);
      }
    },
  );
  if (problems.length) throw new Error(`the backup file is damaged or was changed:\n  ${problems.join('\n  ')}`);
  return header;
}

/** TypeORM's timestamp of a migration: the last 13 digits of its name. */
export function migrationTimestamp(/** @type {string} */ name) {
  const m = /(\d{13})$/.exec(name);
  if (!m) throw new Error(`migration ${name} has no 13-digit timestamp at the end of its name`);
  return Number(m[1]);
}

/**
 * Which of the code's migrations recreate the schema the backup was taken from: exactly the ones its
 * migrations table lists, in timestamp order (as TypeORM ran them). The code's newer ones are left to the
 * services' next start, as for any database that lacks them (they migrate the restored rows as they would
 * have migrated the original's). A backup that lists a migration the code does not have came from a newer
 * Laurel (or another branch): refused, as its rows may not fit this code's schema.
 * @param {string} schema
 * @param {MigrationRow[]} recorded
 * @param {string[]} code names of the code's migrations
 * @returns {{ run: string[], later: string[] }}
 */
export function migrationPlan(schema, recorded, code) {
  const known = new Set(code);
  const unknown = recorded.map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length) {
    throw new Error(
      `the backup's ${schema} schema ran migrations this Laurel does not have (${unknown.join(', ')}): it was taken with a newer release or another branch; restore it with that release`,
    );
  }
  const ran = new Set(recorded.map((r) => r.name));
  const byTime = [...code].sort((a, b) => migrationTimestamp(a) - migrationTimestamp(b));
  return { run: byTime.filter((n) => ran.has(n)), later: byTime.filter((n) => !ran.has(n)) };
}

/**
 * Tables in an order that loads every row after the rows it references: each table after the tables its
 * foreign keys point to. Self-references and deferrable keys (checked at commit) do not order; a cycle of
 * other keys cannot be loaded table by table and is refused. Ties keep the input order.
 * @param {string[]} tables qualified names
 * @param {{ from: string, to: string, deferrable?: boolean }[]} keys
 * @returns {string[]}
 */
export function loadOrder(tables, keys) {
  const set = new Set(tables);
  /** @type {Map<string, Set<string>>} */
  const needs = new Map(tables.map((t) => [t, new Set()]));
  for (const k of keys) {
    if (k.deferrable || k.from === k.to || !set.has(k.from) || !set.has(k.to)) continue;
    needs.get(k.from)?.add(k.to);
  }
  /** @type {string[]} */
  const order = [];
  const done = new Set();
  while (order.length < tables.length) {
    const next = tables.find((t) => !done.has(t) && [...(needs.get(t) ?? [])].every((d) => done.has(d)));
    if (!next) {
      const left = tables.filter((t) => !done.has(t));
      throw new Error(`the foreign keys between ${left.join(', ')} form a cycle that is not deferrable: their rows cannot be loaded one table after another`);
    }
    order.push(next);
    done.add(next);
  }
  return order;
}

/**
 * Differences between the columns a table had at backup and the ones the migrations created now.
 * @param {Column[]} recorded
 * @param {Column[]} now
 * @returns {string[]}
 */
export function columnDifferences(recorded, now) {
  const have = new Map(now.map((c) => [c.name, c.type]));
  const had = new Map(recorded.map((c) => [c.name, c.type]));
  /** @type {string[]} */
  const out = [];
  for (const c of recorded) {
    if (!have.has(c.name)) out.push(`column ${c.name} (${c.type}) is missing`);
    else if (have.get(c.name) !== c.type) out.push(`column ${c.name} is ${have.get(c.name)}, was ${c.type}`);
  }
  for (const c of now) if (!had.has(c.name)) out.push(`column ${c.name} (${c.type}) is new`);
  return out;
}
