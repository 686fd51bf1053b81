/**
 * `./laurel audit tally <ceremony> [--url <gateway>] [--token <admin token>] [--category <slug|id>]`:
 * recounts every revealed category of a ceremony from the organiser's ballot export and compares the
 * result with what the jury sealed and the reveal published (apps/jury/src/tally/recount.ts).
 * Exit 0 when everything agrees, 1 on any mismatch, 2 when it could not check (usage, HTTP, nothing revealed).
 */
import { pathToFileURL } from 'node:url';
import type { BallotExport, RevealedEvent } from '#contracts';
import { recount } from '../../apps/jury/src/tally/recount.js';
import { auditTarget, type TallyIo } from './audit-cli.js';

const USAGE = 'usage: ./laurel audit tally <ceremony> [--url http://127.0.0.1:3000] [--token <admin token>] [--category <slug or id>]';

export async function runTally(args: string[], io: TallyIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = auditTarget(args, io, env, USAGE);
  if (!target) return 2;
  const { ceremony, gateway, only, get } = target;

  let results: Omit<RevealedEvent, 'showAt'>[];
  try {
    // What the reveal published, read as anyone reads it (no token).
    results = (await get<Omit<RevealedEvent, 'showAt'>[]>('/results', false)).filter((r) => !r.rehearsal);
  } catch (error) {
    io.err(`cannot read the published results from ${gateway}: ${(error as Error).message}`);
    return 2;
  }
  const chosen = only ? results.filter((r) => r.categoryId === only || r.category.slug === only) : results;
  if (chosen.length === 0) {
    io.err(only ? `category ${only} is not revealed (the ballots are exported only after the reveal)` : `nothing of ${ceremony} is revealed yet: nothing to recount`);
    return 2;
  }
  let mismatches = 0;
  for (const published of chosen) {
    let exported: BallotExport;
    try {
      exported = await get<BallotExport>(`/categories/${published.categoryId}/ballots`, true);
    } catch (error) {
      io.err(`${published.category.name}: cannot export the ballots: ${(error as Error).message}`);
      return 2;
    }
    const result = recount(exported, published);
    io.out(`${result.ok ? '✓' : '✗'} ${published.category.name} (${exported.ballots.length} ballots, root ${exported.verdict.ballotRoot.slice(0, 16)}…)`);
    for (const c of result.checks) io.out(`    ${c.ok ? 'ok      ' : 'MISMATCH'} ${c.what}${c.ok ? '' : `: recounted ${c.found}, claimed ${c.claimed}`}`);
    if (!result.ok) mismatches++;
  }
  io.out(mismatches ? `tally: ${mismatches} of ${chosen.length} categories do NOT match what was sealed and revealed` : `tally: all ${chosen.length} revealed categories recount to what was sealed and revealed`);
  return mismatches ? 1 : 0;
}

// Run as a program (node dist/tools/audit/tally.js …), not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runTally(process.argv.slice(2), { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) });
}
