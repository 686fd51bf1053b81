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
import { runVerifyAudit } from './verify-audit-cli.js';

process.exitCode = await runVerifyAudit(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
