/**
 * `./laurel audit votes <ceremony> [--url <gateway>] [--token <admin token>] [--category <slug|id>]`: recounts every
 * revealed audience vote of a ceremony from its vote log (the organiser's export) and compares the result with what
 * the vote service sealed and the reveal published (apps/vote/src/audit/recount.ts). A combined category (jury and
 * audience) also recomputes the combination, and checks the jury part it used against the jury's ballot export.
 * Exit 0 when everything agrees, 1 on any mismatch, 2 when it could not check (usage, HTTP, nothing revealed).
 */
import { pathToFileURL } from 'node:url';
import type { BallotExport, CeremonyView, RevealedEvent, VoteExport, VoteWindowView } from '#contracts';
import { checkJuryPart, recountVotes, type VoteCheck } from '../../apps/vote/src/audit/recount.js';
import { auditTarget, type TallyIo } from './audit-cli.js';

const USAGE = 'usage: ./laurel audit votes <ceremony> [--url http://127.0.0.1:3000] [--token <admin token>] [--category <slug or id>]';

export async function runVoteAudit(args: string[], io: TallyIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = auditTarget(args, io, env, USAGE);
  if (!target) return 2;
  const { ceremony, gateway, only, get } = target;
  let results: Omit<RevealedEvent, 'showAt'>[];
  let votes: VoteWindowView[];
  try {
    results = (await get<Omit<RevealedEvent, 'showAt'>[]>('/results', false)).filter((r) => !r.rehearsal);
    votes = await get<VoteWindowView[]>('/votes', false);
  } catch (error) {
    io.err(`cannot read the published results and votes from ${gateway}: ${(error as Error).message}`);
    return 2;
  }
  const voted = new Set(votes.map((v) => v.categoryId));
  const chosen = results.filter((r) => voted.has(r.categoryId) && (!only || r.categoryId === only || r.category.slug === only));
  if (chosen.length === 0) {
    io.err(only ? `category ${only} has no revealed audience vote (the vote log is exported only after the reveal)` : `no audience vote of ${ceremony} is revealed yet: nothing to recount`);
    return 2;
  }
  let locale: string | null = null;
  const localeOf = async () => (locale ??= (await get<CeremonyView>('', false)).ceremony.locale);
  let mismatches = 0;
  for (const published of chosen) {
    let log: VoteExport;
    try {
      log = await get<VoteExport>(`/categories/${published.categoryId}/votes/export`, true);
    } catch (error) {
      io.err(`${published.category.name}: cannot export the vote log: ${(error as Error).message}`);
      return 2;
    }
    const result = recountVotes(log, { ...published, ...(log.combined ? { locale: await localeOf() } : {}) });
    if (log.combined) {
      // Jury and audience combined: the jury part it used must be the one the jury sealed (its ballot export).
      let juryChecks: VoteCheck[];
      try {
        juryChecks = checkJuryPart(log, await get<BallotExport>(`/categories/${published.categoryId}/ballots`, true));
      } catch (error) {
        io.err(`${published.category.name}: cannot export the jury's ballots: ${(error as Error).message}`);
        return 2;
      }
      result.checks.push(...juryChecks);
      result.ok &&= juryChecks.every((c) => c.ok);
    }
    io.out(`${result.ok ? '✓' : '✗'} ${published.category.name} (${log.votes.length} votes in the log, root ${log.sealed.voteRoot.slice(0, 16)}…)`);
    for (const c of result.checks) io.out(`    ${c.ok ? 'ok      ' : 'MISMATCH'} ${c.what}${c.ok ? '' : `: recounted ${c.found}, claimed ${c.claimed}`}`);
    if (!result.ok) mismatches++;
  }
  io.out(mismatches ? `votes: ${mismatches} of ${chosen.length} audience votes do NOT match what was sealed and revealed` : `votes: all ${chosen.length} revealed audience votes recount to what was sealed and revealed`);
  return mismatches ? 1 : 0;
}

// Run as a program (node dist/tools/audit/votes.js …), not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runVoteAudit(process.argv.slice(2), { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) });
}
