/**
 * Verifies a ceremony's jury audit chain straight from the database, without the running services:
 *
 *   DATABASE_URL=postgres://… node dist/apps/jury/src/audit/verify-audit.js <ceremony id or slug> [--anchor <hash>@<count>]
 *
 * With --anchor (a head published outside the database: a sealed event, a reveal, the results), the
 * chain must still pass through it; a chain rewritten and re-hashed after the anchor is reported as
 * "head mismatch". `./laurel audit verify` runs this with the launcher's database.
 * Exit 0 when the chain verifies, 1 when it is broken (naming the first broken entry), 2 on bad usage.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { formatAnchor, parseAnchor } from '#contracts';
import { juryDataSource } from '../data-source.js';
import { JuryCeremony } from '../panels/panel.entities.js';
import { AuditLog } from './audit-log.service.js';

const USAGE = 'usage: DATABASE_URL=postgres://… node dist/apps/jury/src/audit/verify-audit.js <ceremony id or slug> [--anchor <64 hex>@<count>]\n';
const url = process.env.DATABASE_URL;
const args = process.argv.slice(2);
const at = args.indexOf('--anchor');
const anchorText = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--anchor='))?.slice('--anchor='.length);
const ref = args.find((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
const anchor = anchorText === undefined ? undefined : parseAnchor(anchorText);
if (!url || !ref || anchor === null || (at >= 0 && anchorText === undefined)) {
  process.stderr.write(anchor === null ? `--anchor ${anchorText} is not <64 hex>@<count>\n${USAGE}` : USAGE);
  process.exit(2);
}
const dataSource = await new DataSource(juryDataSource(url)).initialize();
try {
  const ceremony = await dataSource.manager.findOne(JuryCeremony, { where: /^[0-9a-f-]{36}$/i.test(ref) ? [{ id: ref }, { slug: ref }] : { slug: ref } });
  if (!ceremony) {
    process.stderr.write(`no ceremony ${ref} in the jury schema\n`);
    process.exitCode = 2;
  } else {
    const result = await new AuditLog(dataSource).verify(ceremony.id, anchor);
    const against = anchor ? ` and passes through the anchor ${formatAnchor(anchor)}` : '';
    process.stdout.write(
      result.ok
        ? `jury audit of ${ceremony.slug}: ${result.count} entries, chain intact${against}; head ${formatAnchor(result.head!)}\n`
        : `jury audit of ${ceremony.slug}: BROKEN at entry ${result.brokenAt} (${result.reason}); ${result.count} entries stored${
            result.reason === 'head mismatch' && anchor ? `: the chain was rewritten or cut after ${formatAnchor(anchor)} was published (or after its stored head)` : ''
          }\n`,
    );
    process.exitCode = result.ok ? 0 : 1;
  }
} finally {
  await dataSource.destroy();
}
