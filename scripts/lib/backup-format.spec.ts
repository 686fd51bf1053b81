import { Readable } from 'node:stream';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  SectionDigest,
  columnDifferences,
  lines,
  loadOrder,
  migrationPlan,
  parseHeader,
  readBackup,
  verifyBackup,
  type BackupHeader,
  type TableEntry,
} from './backup-format.mjs';

/** A backup file's (gunzipped) bytes for these tables' COPY rows, the header made from them. */
function backupOf(tables: { name: string; rows: string[] }[], tamper?: (header: BackupHeader) => void): Buffer {
  const entries: TableEntry[] = tables.map((t) => {
    const digest = new SectionDigest();
    digest.update(Buffer.from(t.rows.map((r) => `${r}\n`).join('')));
    return { schema: 'jury', name: t.name, columns: [{ name: 'id', type: 'uuid' }], orderBy: ['id'], ...digest.done() };
  });
  const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: '2026-12-06T08:00:00.000Z', server: '18.1', schemas: [], tables: entries };
  tamper?.(header);
  return Buffer.from(`${JSON.stringify(header)}\n${tables.map((t) => `${t.rows.map((r) => `${r}\n`).join('')}\\.\n`).join('')}`);
}

/** The bytes in chunks of `size`, as a stream would hand them (rows cut anywhere). */
const chunked = (bytes: Buffer, size = 7) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

describe('backup file format', () => {
  // Rows as COPY text writes them: a backslash is \\, a newline \n, NULL \N, bytea \\x…, tabs between columns.
  const rows = ['a\t{"k": "v\\\\n"}\t\\N', 'b\t\\\\x00ff\t2026-12-06 08:00:00+00', 'c\\\\.\tx\t1.5'];

  it('splits lines across chunk boundaries, a last line without its newline too', async () => {
    const got: string[] = [];
    for await (const line of lines(chunked(Buffer.from('one\ntwo\n\nthree'), 2))) got.push(line.toString());
    expect(got).toEqual(['one', 'two', '', 'three']);
  });

  it('reads back each table exactly as written, whatever the chunking', async () => {
    const file = backupOf([
      { name: 'ballots', rows },
      { name: 'empty', rows: [] },
      { name: 'verdicts', rows: ['\\.x', 'y'] },
    ]);
    for (const size of [1, 5, 64, 1 << 20]) {
      const seen: Record<string, string> = {};
      await readBackup(chunked(file, size), () => undefined, async (t, body) => {
        let text = '';
        for await (const row of body) text += row.toString();
        seen[t.name] = text;
      });
      expect(seen).toEqual({ ballots: rows.map((r) => `${r}\n`).join(''), empty: '', verdicts: '\\.x\ny\n' });
    }
  });

  it('verifies counts and sha256 per table, and names the table that was changed', async () => {
    const good = backupOf([{ name: 'ballots', rows }, { name: 'audit_log', rows: ['1', '2'] }]);
    await expect(verifyBackup(chunked(good))).resolves.toMatchObject({ tables: [{ name: 'ballots', rows: 3 }, { name: 'audit_log', rows: 2 }] });
    const changed = Buffer.from(good.toString().replace('\n2\n', '\n3\n'));
    await expect(verifyBackup(chunked(changed))).rejects.toThrow(/damaged or was changed:\n {2}jury\.audit_log: 2 rows/);
    const dropped = Buffer.from(good.toString().replace('\n2\n', '\n'));
    await expect(verifyBackup(chunked(dropped))).rejects.toThrow(/jury\.audit_log: 1 rows/);
  });

  it('refuses a truncated file, trailing data, a foreign file, an unknown version', async () => {
    const good = backupOf([{ name: 'ballots', rows }]);
    await expect(verifyBackup(chunked(good.subarray(0, good.length - 4)))).rejects.toThrow(/ends inside table jury\.ballots/);
    await expect(verifyBackup(chunked(Buffer.concat([good, Buffer.from('x\n')])))).rejects.toThrow(/data after its last table/);
    expect(() => parseHeader('PGDMP\u0001\u000e')).toThrow(/pg_dump custom-format/);
    expect(() => parseHeader('{"format":"other"}')).toThrow(/not a laurel backup/);
    expect(() => parseHeader('hello')).toThrow(/not a laurel backup/);
    const future = backupOf([{ name: 'ballots', rows }], (h) => (h.version = BACKUP_VERSION + 1)).toString().split('\n')[0];
    expect(() => parseHeader(future)).toThrow(/format version 2 is not known/);
  });
});

describe('migration plan', () => {
  const code = ['Initial1795856442526', 'OutboxStreamSeq1795900000002', 'RecordsAndReceipts1795900000000'];
  const rows = (...names: string[]) => names.map((name) => ({ timestamp: name.slice(-13), name }));

  it('runs exactly the migrations the backup had run, in timestamp order; the newer ones are left to the next start', () => {
    expect(migrationPlan('jury', rows('Initial1795856442526', 'RecordsAndReceipts1795900000000'), code)).toEqual({
      run: ['Initial1795856442526', 'RecordsAndReceipts1795900000000'],
      later: ['OutboxStreamSeq1795900000002'],
    });
    expect(migrationPlan('jury', rows(...code), code).later).toEqual([]);
  });

  it('refuses a backup that ran a migration the code does not have', () => {
    expect(() => migrationPlan('jury', rows('Initial1795856442526', 'Future1799999999999'), code)).toThrow(
      /jury schema ran migrations this Laurel does not have \(Future1799999999999\): it was taken with a newer release/,
    );
  });
});

describe('load order', () => {
  it('puts every table after the ones its foreign keys point to, keeping the input order otherwise', () => {
    const tables = ['jury.ballots', 'jury.jurors', 'jury.categories', 'jury.ceremonies', 'jury.audit_log'];
    const keys = [
      { from: 'jury.ballots', to: 'jury.jurors' },
      { from: 'jury.jurors', to: 'jury.categories' },
      { from: 'jury.categories', to: 'jury.ceremonies' },
      { from: 'jury.ballots', to: 'jury.categories' },
    ];
    const order = loadOrder(tables, keys);
    expect(order).toEqual(['jury.ceremonies', 'jury.categories', 'jury.jurors', 'jury.ballots', 'jury.audit_log']);
  });

  it('ignores self-references, deferrable keys and tables outside the set; refuses a hard cycle', () => {
    expect(loadOrder(['a', 'b'], [{ from: 'a', to: 'a' }, { from: 'a', to: 'b', deferrable: true }, { from: 'b', to: 'x' }])).toEqual(['a', 'b']);
    expect(() => loadOrder(['a', 'b', 'c'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }])).toThrow(/a, b form a cycle/);
  });
});

describe('column differences', () => {
  it('names missing, new and retyped columns', () => {
    const was = [{ name: 'id', type: 'uuid' }, { name: 'scores', type: 'jsonb' }, { name: 'locked_at', type: 'timestamp with time zone' }];
    expect(columnDifferences(was, was)).toEqual([]);
    expect(columnDifferences(was, [{ name: 'id', type: 'uuid' }, { name: 'scores', type: 'json' }, { name: 'salt', type: 'character(64)' }])).toEqual([
      'column scores is json, was jsonb',
      'column locked_at (timestamp with time zone) is missing',
      'column salt (character(64)) is new',
    ]);
  });
});
