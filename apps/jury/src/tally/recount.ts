/**
 * The independent recount behind `./laurel audit tally`: from the organiser's ballot export of a revealed
 * category, recompute every receipt, the ballot root, recusals, quorum, the weighted means and ranking
 * (with the chair's tie-break) using the jury's own scoring rules, and compare each with what the jury
 * stored and what was published (the reveal / results). Pure: no I/O.
 */
import { ballotRoot, computeReceipt, verifyCommitment, type BallotExport, type RankingRow, type RevealedEvent } from '#contracts';
import { computeRanking, quorumStatus, recusedJurors, ScoringError, type PanelInput, type RankingResult } from '../verdicts/scoring.js';

export interface RecountCheck {
  what: string;
  ok: boolean;
  /** What the recount found, and what it was compared with (for the report). */
  found: string;
  claimed: string;
}

export interface Recount {
  categoryId: string;
  checks: RecountCheck[];
  ok: boolean;
}

/** What the reveal published about a category (a row of GET /results). */
export type PublishedResult = Pick<RevealedEvent, 'categoryId' | 'winnerId' | 'motivation' | 'salt' | 'commitment'> & Partial<Pick<RevealedEvent, 'ballotRoot' | 'ballotCount'>>;

const rowText = (r: Pick<RankingRow, 'nomineeId' | 'rank' | 'score' | 'jurorCount'>) => `${r.nomineeId} #${r.rank ?? '?'} ${r.score ?? '–'} (${r.jurorCount})`;

export function recount(exported: BallotExport, published: PublishedResult): Recount {
  const checks: RecountCheck[] = [];
  const check = (what: string, found: unknown, claimed: unknown) => {
    const f = typeof found === 'string' ? found : JSON.stringify(found);
    const c = typeof claimed === 'string' ? claimed : JSON.stringify(claimed);
    checks.push({ what, ok: f === c, found: f, claimed: c });
  };
  const { verdict } = exported;

  // Receipts and the ballot root: every exported ballot hashes to its receipt, and the receipts to the roots.
  const receipts = exported.ballots.map((b) => {
    let receipt = '(not computable)';
    try {
      receipt = computeReceipt({ categoryId: exported.categoryId, jurorId: b.jurorId, scores: b.scores, salt: b.salt });
    } catch {
      // a malformed salt or ballot: reported as a mismatch below
    }
    return { jurorId: b.jurorId, receipt, exported: b.receipt };
  });
  const badReceipts = receipts.filter((r) => r.receipt !== r.exported).map((r) => r.jurorId);
  check('every ballot hashes to its receipt', badReceipts, []);
  const root = badReceipts.length ? null : ballotRoot(receipts.map((r) => ({ jurorId: r.jurorId, receipt: r.receipt })));
  check('ballot root (recomputed vs sealed)', root?.root ?? '(not computable)', verdict.ballotRoot);
  // A combined category (jury and audience, issue 16) publishes the vote's root and the combined result: the jury's
  // part is checked against its own seal here, and the combination by `./laurel audit votes`.
  const combined = exported.vote?.mode === 'combined';
  if (combined) {
    check('ballot count (recomputed vs sealed)', root?.count ?? exported.ballots.length, verdict.ballotCount);
  } else {
    check('ballot root (recomputed vs published)', root?.root ?? '(not computable)', published.ballotRoot ?? '(not published)');
    check('ballot count (recomputed vs sealed, published)', [root?.count ?? exported.ballots.length, root?.count ?? exported.ballots.length], [verdict.ballotCount, published.ballotCount ?? null]);
  }

  // Recusals, quorum and the ranking, by the jury's scoring rules.
  const recused = recusedJurors(
    exported.jurors.map((j) => j.id),
    exported.nomineeIds,
    exported.conflicts,
  );
  const panel: PanelInput = {
    criteria: exported.criteria,
    nomineeIds: exported.nomineeIds,
    jurors: exported.jurors.map((j) => ({ id: j.id, recused: recused.has(j.id) })),
    conflicts: exported.conflicts,
    lockedBallots: exported.ballots.map((b) => ({ jurorId: b.jurorId, scores: b.scores })),
    ...(exported.quorum !== null ? { quorum: exported.quorum } : {}),
  };
  let quorum: ReturnType<typeof quorumStatus> | null = null;
  let ranking: RankingResult | null = null;
  let problem: string | null = null;
  try {
    quorum = quorumStatus(panel);
    ranking = computeRanking(panel, verdict.tieBreakWinnerId ? { tieBreakWinnerId: verdict.tieBreakWinnerId } : {});
  } catch (error) {
    problem = error instanceof ScoringError ? `${error.code}: ${error.message}` : String(error);
  }
  checks.push({
    what: `quorum (${recused.size} recused: ${[...recused].join(', ') || 'none'})`,
    ok: quorum?.met === true,
    found: quorum ? `${quorum.locked} of ${quorum.required} locked` : (problem ?? '?'),
    claimed: 'met',
  });
  if (ranking?.tied) {
    checks.push({
      what: `tie at the top (${ranking.tied.join(', ')}) broken by the chair`,
      ok: ranking.winnerId !== null && verdict.tieBreakWinnerId === ranking.winnerId,
      found: ranking.winnerId ?? '(unresolved)',
      claimed: verdict.tieBreakWinnerId ?? '(no tie-break recorded)',
    });
  } else if (ranking) {
    check('no tie-break recorded without a tie', verdict.tieBreakWinnerId ?? null, null);
  }
  check('ranking (recomputed vs sealed)', (ranking?.ranking ?? []).map(rowText), verdict.ranking.map(rowText));
  check('winner (recomputed vs sealed)', ranking?.winnerId ?? problem ?? '(none)', verdict.winnerId);
  if (!combined) {
    check('winner (recomputed vs revealed)', ranking?.winnerId ?? problem ?? '(none)', published.winnerId);
    // The reveal itself: the published contents hash to the commitment sealed with these ballots.
    check('commitment (sealed vs revealed)', verdict.commitment, published.commitment);
  }
  check('revealed contents match the commitment', verifyCommitment(published, published.commitment), true);
  return { categoryId: exported.categoryId, checks, ok: checks.every((c) => c.ok) };
}
