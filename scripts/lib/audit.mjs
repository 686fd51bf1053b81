// @ts-check
// `laurel audit verify|tally|votes …`: check a ceremony's records from outside the running services.
import fs from 'node:fs';
import path from 'node:path';
import { buildIfStale, runningLauncher, SERVICES } from './run.mjs';
import { serviceUrlVariable } from './db-roles.mjs';
import { ROOT, STATE_DIR, fail, runInherit } from './util.mjs';

export const AUDIT_USAGE = `  ./laurel audit verify <ceremony> [--anchor <hash>@<count>]
      check the jury audit chain of a ceremony in the database; with --anchor (an audit head published with a
      seal, a reveal or the results) the chain must still pass through it, else "head mismatch" (exit 1).
      Database: JURY_DATABASE_URL, else the running ./laurel run's, else DATABASE_URL
  ./laurel audit tally <ceremony> [--url <gateway>] [--token <admin token>] [--category <slug>]
      recount every revealed category from the admin-only ballot export (receipts, ballot root, recusals,
      quorum, weighted means, tie-break, winner) and compare with what was sealed and revealed; exit 1 on any
      mismatch. Gateway: --url, LAUREL_URL, the running ./laurel run's, else http://127.0.0.1:3000;
      token: --token, LAUREL_ADMIN_TOKEN, else .laurel/admin-token
  ./laurel audit votes <ceremony> [--url <gateway>] [--token <admin token>] [--category <slug>]
      recount every revealed audience vote from its vote log (receipts, the window, counts per nominee, the
      vote root, the winner, the commitment) and compare with what was sealed and revealed; exit 1 on any
      mismatch. Gateway and token as for tally`;

export async function audit(args) {
  const [what, ...rest] = args;
  if (what !== 'verify' && what !== 'tally' && what !== 'votes') {
    fail(`laurel audit: say verify, tally or votes\n${AUDIT_USAGE}`);
    return 2;
  }
  const running = runningLauncher();
  try {
    await buildIfStale(false, SERVICES);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (what === 'verify') {
    const url = process.env[serviceUrlVariable('jury')] || running?.databases?.jury || process.env.DATABASE_URL;
    if (!url) {
      fail('laurel audit verify: no database: set JURY_DATABASE_URL or DATABASE_URL, or keep `./laurel run` running');
      return 2;
    }
    const { code } = await runInherit(process.execPath, [path.join(ROOT, 'dist', 'apps', 'jury', 'src', 'audit', 'verify-audit.js'), ...rest], { env: { ...process.env, DATABASE_URL: url } });
    return code;
  }
  const env = { ...process.env };
  if (!env.LAUREL_URL && running?.gateway) env.LAUREL_URL = running.gateway;
  if (!env.LAUREL_ADMIN_TOKEN) {
    try {
      env.LAUREL_ADMIN_TOKEN = fs.readFileSync(path.join(STATE_DIR, 'admin-token'), 'utf8').trim();
    } catch {
      // --token then, or the tool says what is missing
    }
  }
  const tool = what === 'votes' ? 'votes.js' : 'tally.js';
  const { code } = await runInherit(process.execPath, [path.join(ROOT, 'dist', 'tools', 'audit', tool), ...rest], { env });
  return code;
}
