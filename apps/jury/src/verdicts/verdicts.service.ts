import { Injectable } from '@nestjs/common';
import { DomainRefusal, LaurelError, type Actor, type RankingRow, type VerdictCommand, type VerdictResult } from '#contracts';
import { AuditLog } from '../audit/audit-log.service.js';
import { callingChair, isSealed, scoringInput, type PanelState } from '../panels/panel-state.js';
import { PanelsService } from '../panels/panels.service.js';
import { normalizeMotivation, validateMotivation } from '../seals/commitment.js';
import { computeRanking, ScoringError, type RankingResult } from './scoring.js';
import { Verdict } from './verdict.entity.js';

const MOTIVATION_MESSAGES: Record<string, string> = {
  'not a string': 'must be text',
  'too short': 'is too short (at least 20 characters)',
  'too long': 'is too long (at most 2000 characters)',
  'control character': 'must be plain text without control characters',
  'html tag': 'must be plain text, without HTML tags',
  'invalid unicode': 'contains invalid Unicode',
};

/** Ranks a panel's nominees from its locked ballots; scoring rule violations become the contract's errors. */
export function rankPanel(state: PanelState, tieBreakWinnerId?: string): RankingResult & { winnerId: string } {
  let result: RankingResult;
  try {
    result = computeRanking(scoringInput(state), tieBreakWinnerId !== undefined ? { tieBreakWinnerId } : {});
  } catch (error) {
    // A ScoringError is a DomainRefusal, answered as its kind says; two get the words and field the REST contract gives them.
    if (error instanceof ScoringError && error.code === 'quorum not met') throw new DomainRefusal(error.kind, error.code, `quorum not met: ${error.message}`, error.details);
    if (error instanceof ScoringError && error.code === 'tie break not among tied') {
      throw new DomainRefusal(error.kind, error.code, error.message, [{ path: 'tieBreakWinnerId', message: 'is not among the tied nominees' }]);
    }
    throw error;
  }
  if (result.winnerId === null) {
    throw new DomainRefusal('conflict', 'tie needs the chair', 'tie at the top: the chair must choose the winner with tieBreakWinnerId', { tied: result.tied ?? [] });
  }
  return { ...result, winnerId: result.winnerId };
}

export function rankingRows(result: RankingResult): RankingRow[] {
  return result.ranking.map((r) => ({ nomineeId: r.nomineeId, rank: r.rank, score: r.score, jurorCount: r.jurorCount }));
}

/** Verdicts: the chair computes the ranking and writes the motivation; only the jury sees it. */
@Injectable()
export class VerdictsService {
  constructor(
    private readonly panels: PanelsService,
    private readonly audit: AuditLog,
  ) {}

  async compute(command: VerdictCommand, actor: Actor): Promise<VerdictResult> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      const chair = callingChair(state, actor);
      if (isSealed(state)) throw LaurelError.conflict('the verdict of this category is sealed and never changes');
      const problems = validateMotivation(command.motivation);
      if (problems.length) {
        const details = problems.map((p) => ({ path: p.path, message: MOTIVATION_MESSAGES[p.reason] ?? p.reason }));
        throw LaurelError.badRequest(`invalid motivation: ${details.map((d) => d.message).join('; ')}`, details);
      }
      if (command.tieBreakWinnerId !== undefined && !state.category.nominees.some((n) => n.id === command.tieBreakWinnerId)) {
        throw LaurelError.badRequest('tieBreakWinnerId is not a nominee of this category', [{ path: 'tieBreakWinnerId', message: 'unknown nominee' }]);
      }
      const result = rankPanel(state, command.tieBreakWinnerId);
      // A tie break only counts when there is a tie; otherwise it is not recorded.
      const tieBreakWinnerId = result.tied && command.tieBreakWinnerId ? command.tieBreakWinnerId : null;
      const ranking = rankingRows(result);
      const motivation = normalizeMotivation(command.motivation);
      await manager.save(
        manager.create(Verdict, {
          categoryId: state.category.id,
          ceremonyId: state.ceremony.id,
          winnerId: result.winnerId,
          ranking,
          motivation,
          tieBreakWinnerId,
          computedBy: chair.id,
          computedAt: new Date(),
          salt: null,
          commitment: null,
          sealedAt: null,
        }),
      );
      await this.audit.append(manager, state.ceremony.id, actor, 'verdict.computed', `category:${state.category.id}`, {
        winnerId: result.winnerId,
        tied: result.tied ?? null,
        tieBreakWinnerId,
        ranking: ranking.map((r) => ({ nomineeId: r.nomineeId, rank: r.rank ?? null, score: r.score, jurorCount: r.jurorCount })),
        motivation,
      });
      return { winnerId: result.winnerId, ranking };
    });
  }
}
