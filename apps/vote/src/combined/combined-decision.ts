import { combinedMotivation, combineVerdict, type CombinedWeights, type VoteCombination } from '#contracts';
import type { VoteCategory } from '../ceremonies/vote-ceremony.entity.js';
import type { JuryPart } from './jury-part.entity.js';

/** The combined verdict from the jury's sealed part and the audience's counts (libs/contracts/src/combined-verdict.ts). */
export function combinedDecision(
  category: Pick<VoteCategory, 'nominees'>,
  jury: Pick<JuryPart, 'winnerId' | 'ranking' | 'commitment' | 'sealedAt' | 'ballotRoot' | 'ballotCount'>,
  counts: Record<string, number>,
  weights: CombinedWeights,
  locale: string,
): { winnerId: string; motivation: string; combination: VoteCombination } {
  const result = combineVerdict(category.nominees, { winnerId: jury.winnerId, ranking: jury.ranking }, counts, weights);
  const winner = category.nominees.find((n) => n.id === result.winnerId)!;
  return {
    winnerId: result.winnerId,
    motivation: combinedMotivation(winner, result, weights, locale),
    combination: {
      weights: { jury: weights.jury, audience: weights.audience },
      jury: { winnerId: jury.winnerId, ranking: jury.ranking, commitment: jury.commitment, sealedAt: jury.sealedAt.toISOString(), ballotRoot: jury.ballotRoot, ballotCount: jury.ballotCount },
      points: result.points,
    },
  };
}
