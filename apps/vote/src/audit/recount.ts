import { audienceWinner, combinedMotivation, combineVerdict, computeCommitment, computeVoteReceipt, voteRoot, type BallotExport, type CombinedPoints, type RevealedEvent, type VoteExport } from '#contracts';

export interface VoteCheck {
  what: string;
  ok: boolean;
  found?: string;
  claimed?: string;
}

/** What the reveal published; with the nominees and the ceremony's language, a combined motivation is checked too. */
export type PublishedVote = Pick<RevealedEvent, 'categoryId' | 'winnerId' | 'motivation' | 'salt' | 'commitment'> & Partial<Pick<RevealedEvent, 'winner'>> & { locale?: string };

/**
 * Recounts an audience vote from its log (the organiser's export) and compares it with what was sealed and what
 * the reveal published: receipts, the window, counts per nominee, the vote root, the winner and the commitment.
 * Pure: `./laurel audit votes` and the tests run it on what the API returns.
 */
export function recountVotes(log: VoteExport, published: PublishedVote): { ok: boolean; checks: VoteCheck[] } {
  const checks: VoteCheck[] = [];
  const check = (what: string, found: unknown, claimed: unknown) => checks.push({ what, ok: JSON.stringify(found) === JSON.stringify(claimed), found: JSON.stringify(found), claimed: JSON.stringify(claimed) });

  const badReceipts = log.votes.filter((v) => {
    try {
      return computeVoteReceipt({ categoryId: log.categoryId, nomineeId: v.nomineeId, salt: v.salt }) !== v.receipt;
    } catch {
      return true;
    }
  }).length;
  check('every vote hashes to its receipt', badReceipts, 0);
  const accepted = log.votes.filter((v) => v.accepted);
  const open = Date.parse(log.openedAt);
  const close = Date.parse(log.closedAt);
  check('every accepted vote was cast inside the window', accepted.filter((v) => Date.parse(v.castAt) < open || Date.parse(v.castAt) >= close).length, 0);
  check('no accepted vote for a nominee outside the ballot', accepted.filter((v) => !log.nomineeIds.includes(v.nomineeId)).length, 0);
  check('no receipt twice', accepted.length - new Set(accepted.map((v) => v.receipt)).size, 0);

  const counts: Record<string, number> = Object.fromEntries(log.nomineeIds.map((n) => [n, 0]));
  for (const v of accepted) counts[v.nomineeId] = (counts[v.nomineeId] ?? 0) + 1;
  check('counts per nominee', counts, Object.fromEntries(log.nomineeIds.map((n) => [n, log.sealed.counts[n] ?? 0])));
  let tree: { root: string; count: number } | null;
  try {
    tree = voteRoot(accepted.map((v) => v.receipt));
  } catch {
    tree = null; // a receipt twice: already reported above
  }
  check('vote root over the accepted receipts', tree?.root ?? null, log.sealed.voteRoot);
  check('accepted votes', accepted.length, log.sealed.voteCount);
  if (log.combined) {
    // Jury and audience: the combination recomputed from the recounted votes and the jury's sealed part.
    const { weights, jury } = log.combined;
    let combined: ReturnType<typeof combineVerdict> | null = null;
    let problem: string | null = null;
    try {
      combined = combineVerdict(log.nomineeIds.map((id) => ({ id })), jury, counts, weights);
    } catch (error) {
      problem = (error as Error).message;
    }
    // As text in a fixed order: the export's points come from jsonb, which reorders object keys.
    const rows = (points: CombinedPoints[]) => points.map((p) => `${p.nomineeId}: jury #${p.juryPlace} ${p.juryPoints} p, audience #${p.audiencePlace} ${p.audiencePoints} p (${p.audienceVotes} votes), total ${p.total}`);
    check(`points per nominee (jury ${weights.jury} : audience ${weights.audience}, n − place per side)`, combined ? rows(combined.points) : problem, rows(log.combined.points));
    check('the winner (most points; a tie to more audience points, then the nominee listed first)', combined?.winnerId ?? problem, log.sealed.winnerId);
    // The motivation is the points that decided it, stated by the same rule (needs the winner's name and the ceremony's language).
    if (combined && published.winner && published.locale && combined.winnerId === published.winnerId) {
      check('the revealed motivation states the recomputed points', published.motivation, combinedMotivation(published.winner, combined, weights, published.locale));
    }
  } else {
    const winner = log.nomineeIds.length ? audienceWinner(log.nomineeIds.map((id) => ({ id })), counts) : null;
    check('the winner (most votes; a tie to the nominee listed first)', winner, log.sealed.winnerId);
  }
  check('the revealed winner', published.winnerId, log.sealed.winnerId);
  check('the revealed commitment is the sealed one', published.commitment, log.sealed.commitment);
  check(
    'the revealed result hashes to the commitment',
    computeCommitment({ categoryId: published.categoryId, winnerId: published.winnerId, motivation: published.motivation, salt: published.salt }),
    published.commitment,
  );
  return { ok: checks.every((c) => c.ok), checks };
}

/**
 * A combined category: the jury's part the vote service combined is the one the jury sealed (its ballot export after
 * the reveal, which `./laurel audit tally` recounts from the ballots): winner, ranking, commitment and ballot root.
 */
export function checkJuryPart(log: VoteExport, ballots: BallotExport): VoteCheck[] {
  const checks: VoteCheck[] = [];
  const check = (what: string, found: unknown, claimed: unknown) => checks.push({ what, ok: JSON.stringify(found) === JSON.stringify(claimed), found: JSON.stringify(found), claimed: JSON.stringify(claimed) });
  const jury = log.combined?.jury;
  if (!jury) return [{ what: 'the vote log carries the jury part of a combined category', ok: false, found: 'none', claimed: 'combined' }];
  const rank = (rows: { nomineeId: string; rank?: number }[]) => rows.map((r) => `${r.nomineeId} #${r.rank ?? '?'}`);
  check("the jury's winner (vote log vs the jury's seal)", jury.winnerId, ballots.verdict.winnerId);
  check("the jury's ranking (vote log vs the jury's seal)", rank(jury.ranking), rank(ballots.verdict.ranking));
  check("the jury's commitment (vote log vs the jury's seal)", jury.commitment, ballots.verdict.commitment);
  check("the jury's ballot root and count (vote log vs the jury's seal)", [jury.ballotRoot, jury.ballotCount], [ballots.verdict.ballotRoot, ballots.verdict.ballotCount]);
  return checks;
}
