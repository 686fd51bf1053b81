import { audienceWinner, computeCommitment, computeVoteReceipt, voteRoot, type RevealedEvent, type VoteExport } from '#contracts';

export interface VoteCheck {
  what: string;
  ok: boolean;
  found?: string;
  claimed?: string;
}

/**
 * Recounts an audience vote from its log (the organiser's export) and compares it with what was sealed and what
 * the reveal published: receipts, the window, counts per nominee, the vote root, the winner and the commitment.
 * Pure: `./laurel audit votes` and the tests run it on what the API returns.
 */
export function recountVotes(log: VoteExport, published: Pick<RevealedEvent, 'categoryId' | 'winnerId' | 'motivation' | 'salt' | 'commitment'>): { ok: boolean; checks: VoteCheck[] } {
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
  const winner = log.nomineeIds.length ? audienceWinner(log.nomineeIds.map((id) => ({ id })), counts) : null;
  check('the winner (most votes; a tie to the nominee listed first)', winner, log.sealed.winnerId);
  check('the revealed winner', published.winnerId, log.sealed.winnerId);
  check('the revealed commitment is the sealed one', published.commitment, log.sealed.commitment);
  check(
    'the revealed result hashes to the commitment',
    computeCommitment({ categoryId: published.categoryId, winnerId: published.winnerId, motivation: published.motivation, salt: published.salt }),
    published.commitment,
  );
  return { ok: checks.every((c) => c.ok), checks };
}
