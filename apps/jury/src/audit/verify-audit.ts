/**
 * Verifies a ceremony's jury audit chain straight from the database, without the running services:
 *
 *   DATABASE_URL=postgres://… node dist/apps/jury/src/audit/verify-audit.js <ceremony id or slug>
 *
 * Exit 0 when the chain verifies, 1 when it is broken (naming the first broken entry), 2 on bad usage.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { juryDataSource } from '../data-source.js';
import { JuryCeremony } from '../panels/panel.entities.js';
import { AuditLog } from './audit-log.service.js';

const url = process.env.DATABASE_URL;
const ref = process.argv[2];
if (!url || !ref) {
  process.stderr.write('usage: DATABASE_URL=postgres://… node dist/apps/jury/src/audit/verify-audit.js <ceremony id or slug>\n');
  process.exit(2);
}
const dataSource = await new DataSource(juryDataSource(url)).initialize();
try {
  const ceremony = await dataSource.manager.findOne(JuryCeremony, { where: /^[0-9a-f-]{36}$/i.test(ref) ? [{ id: ref }, { slug: ref }] : { slug: ref } });
  if (!ceremony) {
    process.stderr.write(`no ceremony ${ref} in the jury schema\n`);
    process.exitCode = 2;
  } else {
    const result = await new AuditLog(dataSource).verify(ceremony.id);
    process.stdout.write(
      result.ok
        ? `jury audit of ${ceremony.slug}: ${result.count} entries, chain intact\n`
        : `jury audit of ${ceremony.slug}: BROKEN at entry ${result.brokenAt} (${result.reason}); ${result.count} entries stored\n`,
    );
    process.exitCode = result.ok ? 0 : 1;
  }
} finally {
  await dataSource.destroy();
}
