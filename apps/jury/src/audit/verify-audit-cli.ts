import { DataSource } from 'typeorm';
import { formatAnchor, parseAnchor } from '#contracts';
import { juryDataSource } from '../data-source.js';
import { JuryCeremony } from '../panels/panel.entities.js';
import { AuditLog } from './audit-log.service.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = 'usage: DATABASE_URL=postgres://… node dist/apps/jury/src/audit/verify-audit.js <ceremony id or slug> [--anchor <64 hex>@<count>]';

/**
 * The verify-audit program (verify-audit.ts, `./laurel audit verify`) as a function, so the tamper test runs
 * the very code an organiser runs. Exit code: 0 intact, 1 broken (or "head mismatch" against the anchor), 2 usage.
 */
export async function runVerifyAudit(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const url = env.DATABASE_URL;
  const at = args.indexOf('--anchor');
  const anchorText = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--anchor='))?.slice('--anchor='.length);
  const ref = args.find((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
  const anchor = anchorText === undefined ? undefined : parseAnchor(anchorText);
  if (at >= 0 && anchorText === undefined) {
    io.err(`--anchor needs <64 hex>@<count>\n${USAGE}`);
    return 2;
  }
  if (anchor === null) {
    io.err(`--anchor ${anchorText} is not <64 hex>@<count>\n${USAGE}`);
    return 2;
  }
  if (!url || !ref) {
    io.err(USAGE);
    return 2;
  }
  const dataSource = await new DataSource(juryDataSource(url)).initialize();
  try {
    const ceremony = await dataSource.manager.findOne(JuryCeremony, { where: /^[0-9a-f-]{36}$/i.test(ref) ? [{ id: ref }, { slug: ref }] : { slug: ref } });
    if (!ceremony) {
      io.err(`no ceremony ${ref} in the jury schema`);
      return 2;
    }
    const result = await new AuditLog(dataSource).verify(ceremony.id, anchor);
    if (result.ok) {
      io.out(`jury audit of ${ceremony.slug}: ${result.count} entries, chain intact${anchor ? ` and passes through the anchor ${formatAnchor(anchor)}` : ''}; head ${formatAnchor(result.head!)}`);
      return 0;
    }
    const why = result.reason === 'head mismatch' && anchor ? `: the chain was rewritten or cut after ${formatAnchor(anchor)} was published (or after its stored head)` : '';
    io.out(`jury audit of ${ceremony.slug}: BROKEN at entry ${result.brokenAt} (${result.reason}); ${result.count} entries stored${why}`);
    return 1;
  } finally {
    await dataSource.destroy();
  }
}
