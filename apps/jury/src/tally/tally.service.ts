import { Injectable } from '@nestjs/common';
import { LaurelError, receiptProof, type Actor, type BallotExport, type BallotExportQuery, type BallotProof, type BallotProofQuery } from '#contracts';
import { assertJuryRole, callingJuror, type PanelState } from '../panels/panel-state.js';
import { PanelsService } from '../panels/panels.service.js';

/**
 * What lets anyone check the tally after the reveal: a juror's inclusion proof and the organiser's export
 * of the ballots. Both are refused until announcements has revealed the category, and say nothing then
 * but that: before the reveal a proof or a score would be a spoiler.
 */
@Injectable()
export class TallyService {
  constructor(private readonly panels: PanelsService) {}

  async proof(query: BallotProofQuery, actor: Actor): Promise<BallotProof> {
    const state = await this.panels.panel(this.panels.dataSource.manager, actor, query.ceremony, query.category, { lock: false });
    const juror = callingJuror(state, actor);
    const { verdict, revealedAt } = revealed(state, 'proofs are served');
    const ballot = state.ballots.find((b) => b.jurorId === juror.id);
    if (!ballot?.lockedAt || !ballot.receipt || !ballot.salt) throw LaurelError.notFound('your ballot was not locked when the verdict was sealed, so it is not in the ballot root');
    // The tree as stored now: a panel changed after the seal shows up as a root that differs from the sealed one.
    const panel = new Set(state.jurors.map((j) => j.id));
    const leaves = state.ballots.filter((b) => b.lockedAt && b.receipt && panel.has(b.jurorId)).map((b) => ({ jurorId: b.jurorId, receipt: b.receipt! }));
    const proof = receiptProof(leaves, juror.id)!;
    return {
      ...proof,
      categoryId: state.category.id,
      jurorId: juror.id,
      scores: ballot.scores,
      receiptSalt: ballot.salt,
      sealedRoot: verdict.ballotRoot,
      sealedCount: verdict.ballotCount,
      revealedAt,
    };
  }

  async export(query: BallotExportQuery, actor: Actor): Promise<BallotExport> {
    assertJuryRole(actor);
    if (actor.role !== 'admin') throw LaurelError.forbidden('only the organiser exports the ballots');
    const state = await this.panels.panel(this.panels.dataSource.manager, actor, query.ceremony, query.category, { lock: false });
    const { verdict, revealedAt } = revealed(state, 'the ballots are exported');
    const panel = new Set(state.jurors.map((j) => j.id));
    return {
      ceremonyId: state.ceremony.id,
      categoryId: state.category.id,
      categorySlug: state.category.slug,
      revealedAt,
      criteria: state.category.criteria.map((c) => ({ key: c.key, weight: c.weight })),
      nomineeIds: state.category.nominees.map((n) => n.id),
      quorum: state.category.quorum,
      jurors: state.jurors.map((j) => ({ id: j.id, chair: j.chair })),
      conflicts: state.conflicts.map((c) => ({ jurorId: c.jurorId, nomineeId: c.nomineeId })),
      ballots: state.ballots
        .filter((b) => b.lockedAt && panel.has(b.jurorId))
        .sort((a, b) => (a.jurorId < b.jurorId ? -1 : 1))
        .map((b) => ({ jurorId: b.jurorId, scores: b.scores, salt: b.salt ?? '', receipt: b.receipt ?? '', lockedAt: b.lockedAt!.toISOString() })),
      ...(state.category.vote ? { vote: state.category.vote } : {}),
      verdict: {
        winnerId: verdict.winnerId,
        tieBreakWinnerId: verdict.tieBreakWinnerId,
        ranking: verdict.ranking,
        commitment: verdict.commitment,
        sealedAt: verdict.sealedAt.toISOString(),
        ballotRoot: verdict.ballotRoot,
        ballotCount: verdict.ballotCount,
      },
    };
  }
}

/** The sealed verdict of a revealed category, or the one refusal (409) that tells nothing else. */
function revealed(state: PanelState, what: string) {
  const verdict = state.verdict;
  if (!state.category.revealedAt || !verdict?.sealedAt || !verdict.commitment) throw LaurelError.conflict(`${what} only after the category is revealed`);
  if (!verdict.ballotRoot || verdict.ballotCount === null) throw LaurelError.conflict('this verdict was sealed before ballot roots existed: there is no root to check against');
  return {
    verdict: { ...verdict, sealedAt: verdict.sealedAt, commitment: verdict.commitment, ballotRoot: verdict.ballotRoot, ballotCount: verdict.ballotCount },
    revealedAt: state.category.revealedAt.toISOString(),
  };
}
