import type { BallotScores, Criterion } from '../ballots/ballot-rules.js';
import { ScoringError, computeRanking, quorumStatus, roundForDisplay, type LockedBallot, type PanelInput } from './scoring.js';

const criteria: Criterion[] = [
  { key: 'impact', weight: 2 },
  { key: 'innovation', weight: 1 },
];
const nomineeIds = ['are', 'boras', 'kungsbacka'];
const jurors = [{ id: 'j1' }, { id: 'j2' }, { id: 'j3' }];

/** Each juror scores a nominee with [impact, innovation]. */
function ballot(jurorId: string, byNominee: Record<string, number[]>, keys = ['impact', 'innovation']): LockedBallot {
  const scores: BallotScores = {};
  for (const [nomineeId, values] of Object.entries(byNominee)) {
    scores[nomineeId] = Object.fromEntries(values.map((v, i) => [keys[i], v]));
  }
  return { jurorId, scores };
}

function panel(overrides: Partial<PanelInput> = {}): PanelInput {
  return {
    criteria,
    nomineeIds,
    jurors,
    conflicts: [],
    lockedBallots: [
      ballot('j1', { are: [9, 6], boras: [7, 7], kungsbacka: [5, 10] }),
      ballot('j2', { are: [8, 8], boras: [8, 5], kungsbacka: [6, 6] }),
      ballot('j3', { are: [10, 4], boras: [6, 9], kungsbacka: [4, 4] }),
    ],
    ...overrides,
  };
}

function scoringError(fn: () => unknown): ScoringError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScoringError) return error;
    throw error;
  }
  throw new Error('expected a ScoringError');
}

describe('quorumStatus', () => {
  it('requires every non-recused juror by default', () => {
    expect(quorumStatus(panel())).toEqual({ required: 3, locked: 3, met: true });
    expect(quorumStatus(panel({ lockedBallots: panel().lockedBallots.slice(0, 2) }))).toEqual({ required: 3, locked: 2, met: false });
  });

  it('leaves recused jurors out of both sides', () => {
    const recused = panel({ jurors: [{ id: 'j1' }, { id: 'j2' }, { id: 'j3', recused: true }] });
    expect(quorumStatus(recused)).toEqual({ required: 2, locked: 2, met: true });
  });

  it('uses an explicit quorum', () => {
    const two = panel({ quorum: 2, lockedBallots: panel().lockedBallots.slice(0, 2) });
    expect(quorumStatus(two)).toEqual({ required: 2, locked: 2, met: true });
    expect(quorumStatus({ ...two, quorum: 4 })).toEqual({ required: 4, locked: 2, met: false });
  });

  it('never counts a juror twice nor a ballot from outside the panel', () => {
    const lockedBallots = [...panel().lockedBallots.slice(0, 2), panel().lockedBallots[0], ballot('stranger', {})];
    expect(quorumStatus(panel({ lockedBallots }))).toEqual({ required: 3, locked: 2, met: false });
  });

  it('is never met by a panel with nobody active', () => {
    expect(quorumStatus(panel({ jurors: [], lockedBallots: [] }))).toEqual({ required: 1, locked: 0, met: false });
    expect(quorumStatus(panel({ jurors: [{ id: 'j1', recused: true }], lockedBallots: [] }))).toEqual({ required: 1, locked: 0, met: false });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses quorum %p', (quorum) => {
    expect(scoringError(() => quorumStatus(panel({ quorum }))).code).toBe('invalid panel');
  });
});

describe('computeRanking', () => {
  it('ranks by the mean over jurors of each juror’s weighted mean', () => {
    // are: (2·9+6)/3=8, (2·8+8)/3=8, (2·10+4)/3=8 → 8
    // boras: 7, 7, 7 → 7;  kungsbacka: 20/3, 6, 4 → 50/9 ≈ 5.5556
    expect(computeRanking(panel())).toEqual({
      winnerId: 'are',
      ranking: [
        { nomineeId: 'are', rank: 1, score: 8, jurorCount: 3 },
        { nomineeId: 'boras', rank: 2, score: 7, jurorCount: 3 },
        { nomineeId: 'kungsbacka', rank: 3, score: 5.5556, jurorCount: 3 },
      ],
      unscorable: [],
    });
  });

  it('scores a category without criteria on overall', () => {
    const lockedBallots = [
      ballot('j1', { are: [3], boras: [9], kungsbacka: [5] }, ['overall']),
      ballot('j2', { are: [4], boras: [8], kungsbacka: [5] }, ['overall']),
      ballot('j3', { are: [5], boras: [10], kungsbacka: [5] }, ['overall']),
    ];
    const result = computeRanking(panel({ criteria: [], lockedBallots }));
    expect(result.winnerId).toBe('boras');
    expect(result.ranking.map((r) => [r.nomineeId, r.score])).toEqual([
      ['boras', 9],
      ['kungsbacka', 5],
      ['are', 4],
    ]);
  });

  it('takes the mean only over jurors who may score each nominee', () => {
    // j3 (who gave are 10/4 → 8) is conflicted with boras; boras is then 7 from j1 and j2.
    const lockedBallots = [
      ballot('j1', { are: [6, 6], boras: [7, 7], kungsbacka: [5, 5] }),
      ballot('j2', { are: [6, 6], boras: [7, 7], kungsbacka: [5, 5] }),
      ballot('j3', { are: [10, 10], kungsbacka: [5, 5] }),
    ];
    const result = computeRanking(panel({ lockedBallots, conflicts: [{ jurorId: 'j3', nomineeId: 'boras' }] }));
    expect(result.ranking).toEqual([
      { nomineeId: 'are', rank: 1, score: 7.3333, jurorCount: 3 },
      { nomineeId: 'boras', rank: 2, score: 7, jurorCount: 2 },
      { nomineeId: 'kungsbacka', rank: 3, score: 5, jurorCount: 3 },
    ]);
  });

  it('ignores a stray score for a conflicted nominee on a locked ballot', () => {
    const conflicts = [{ jurorId: 'j1', nomineeId: 'kungsbacka' }];
    const lockedBallots = panel().lockedBallots.map((b) => (b.jurorId === 'j1' ? ballot('j1', { are: [9, 6], boras: [7, 7], kungsbacka: [10, 10] }) : b));
    const kungsbacka = computeRanking(panel({ conflicts, lockedBallots })).ranking.find((r) => r.nomineeId === 'kungsbacka');
    expect(kungsbacka).toEqual({ nomineeId: 'kungsbacka', rank: 3, score: 5, jurorCount: 2 });
  });

  it('leaves out recused jurors and unlocked ballots', () => {
    const result = computeRanking(
      panel({
        jurors: [{ id: 'j1' }, { id: 'j2', recused: true }, { id: 'j3' }, { id: 'j4' }],
        quorum: 2,
      }),
    );
    expect(result.ranking.map((r) => r.jurorCount)).toEqual([2, 2, 2]);
    expect(result.ranking.find((r) => r.nomineeId === 'kungsbacka')?.score).toBe(roundForDisplay((20 / 3 + 4) / 2));
  });

  it('reports nominees nobody may score separately and ranks them last', () => {
    const conflicts = jurors.map((j) => ({ jurorId: j.id, nomineeId: 'are' }));
    const lockedBallots = panel().lockedBallots.map((b) => ({ ...b, scores: { boras: b.scores.boras, kungsbacka: b.scores.kungsbacka } }));
    const result = computeRanking(panel({ nomineeIds: ['are', 'boras', 'kungsbacka'], conflicts, lockedBallots }));
    expect(result.winnerId).toBe('boras');
    expect(result.unscorable).toEqual(['are']);
    expect(result.ranking.at(-1)).toEqual({ nomineeId: 'are', rank: 3, score: null, jurorCount: 0 });
  });

  it('refuses to rank before quorum, with the counts', () => {
    const error = scoringError(() => computeRanking(panel({ lockedBallots: panel().lockedBallots.slice(0, 1) })));
    expect(error.code).toBe('quorum not met');
    expect(error.details).toEqual({ required: 3, locked: 1, met: false });
  });

  it('refuses when no nominee can be scored', () => {
    const conflicts = jurors.flatMap((j) => nomineeIds.map((nomineeId) => ({ jurorId: j.id, nomineeId })));
    const lockedBallots = jurors.map((j) => ({ jurorId: j.id, scores: {} }));
    const error = scoringError(() => computeRanking(panel({ conflicts, lockedBallots })));
    expect(error.code).toBe('no scorable nominee');
    expect(error.details).toEqual({ unscorable: nomineeIds });
    expect(scoringError(() => computeRanking(panel({ nomineeIds: [], lockedBallots }))).code).toBe('no scorable nominee');
  });

  describe('ties', () => {
    const tiedBallots = [
      ballot('j1', { are: [8, 8], boras: [9, 6], kungsbacka: [1, 1] }),
      ballot('j2', { are: [8, 8], boras: [7, 10], kungsbacka: [1, 1] }),
      ballot('j3', { are: [8, 8], boras: [8, 8], kungsbacka: [1, 1] }),
    ];

    it('reports a tie at the top without a winner', () => {
      const result = computeRanking(panel({ lockedBallots: tiedBallots }));
      expect(result.winnerId).toBeNull();
      expect(result.tied).toEqual(['are', 'boras']);
      expect(result.ranking.map((r) => [r.nomineeId, r.rank])).toEqual([
        ['are', 1],
        ['boras', 1],
        ['kungsbacka', 3],
      ]);
    });

    it('resolves with the chair’s tie break among the tied, placing it first', () => {
      const result = computeRanking(panel({ lockedBallots: tiedBallots }), { tieBreakWinnerId: 'boras' });
      expect(result.winnerId).toBe('boras');
      expect(result.tied).toEqual(['are', 'boras']);
      expect(result.ranking.map((r) => [r.nomineeId, r.rank])).toEqual([
        ['boras', 1],
        ['are', 1],
        ['kungsbacka', 3],
      ]);
    });

    it('refuses a tie break outside the tied nominees', () => {
      for (const tieBreakWinnerId of ['kungsbacka', 'ghost']) {
        const error = scoringError(() => computeRanking(panel({ lockedBallots: tiedBallots }), { tieBreakWinnerId }));
        expect(error.code).toBe('tie break not among tied');
        expect(error.details).toEqual({ tieBreakWinnerId, tied: ['are', 'boras'] });
      }
    });

    it('accepts a tie break naming the clear winner, refuses one naming another', () => {
      expect(computeRanking(panel(), { tieBreakWinnerId: 'are' }).winnerId).toBe('are');
      expect(computeRanking(panel(), { tieBreakWinnerId: 'are' }).tied).toBeUndefined();
      expect(scoringError(() => computeRanking(panel(), { tieBreakWinnerId: 'boras' })).code).toBe('tie break not among tied');
    });

    it('shares ranks for ties below the top', () => {
      const lockedBallots = [
        ballot('j1', { are: [10, 10], boras: [5, 5], kungsbacka: [5, 5] }),
        ballot('j2', { are: [10, 10], boras: [6, 3], kungsbacka: [4, 7] }),
        ballot('j3', { are: [10, 10], boras: [5, 5], kungsbacka: [5, 5] }),
      ];
      const result = computeRanking(panel({ lockedBallots }));
      expect(result.winnerId).toBe('are');
      expect(result.tied).toBeUndefined();
      expect(result.ranking.map((r) => r.rank)).toEqual([1, 2, 2]);
    });

    it('treats scores within 1e-9 as tied although the floats differ', () => {
      // Mathematically equal (the same three juror means, summed in another order), yet not === in floating point.
      const weights = [0.1, 0.2, 0.3];
      const keys = ['c1', 'c2', 'c3'];
      const jurorMean = (s: number[]) => s.reduce((sum, v, i) => sum + weights[i] * v, 0) / weights.reduce((a, b) => a + b, 0);
      const [x, y, z] = [
        [5, 3, 8],
        [3, 8, 6],
        [5, 3, 7],
      ];
      expect((jurorMean(x) + jurorMean(y) + jurorMean(z)) / 3).not.toBe((jurorMean(z) + jurorMean(x) + jurorMean(y)) / 3);

      const tolerancePanel = (): Partial<PanelInput> => ({
        criteria: keys.map((key, i) => ({ key, weight: weights[i] })),
        nomineeIds: ['are', 'boras'],
        lockedBallots: [
          ballot('j1', { are: x, boras: z }, keys),
          ballot('j2', { are: y, boras: x }, keys),
          ballot('j3', { are: z, boras: y }, keys),
        ],
      });
      const result = computeRanking(panel(tolerancePanel()));
      expect(result.tied).toEqual(['are', 'boras']);
      expect(result.ranking.map((r) => r.score)).toEqual([5.7778, 5.7778]);

      // The float-larger nominee listed second: the given order still decides the order within the tie.
      const swapped = computeRanking(panel({ ...tolerancePanel(), nomineeIds: ['boras', 'are'] }));
      expect(swapped.tied).toEqual(['boras', 'are']);
      expect(swapped.ranking.map((r) => r.nomineeId)).toEqual(['boras', 'are']);
    });

    it('keeps a real difference smaller than the display precision', () => {
      // One point more on a criterion of weight 1 out of 90 001 total: about 1.1e-5 apart, far above the tolerance.
      const many = Array.from({ length: 10 }, (_, i) => `c${i}`);
      const criteriaMany = many.map((key, i) => ({ key, weight: i === 0 ? 1 : 10_000 }));
      const base = many.map(() => 5);
      const result = computeRanking(
        panel({
          criteria: criteriaMany,
          nomineeIds: ['are', 'boras'],
          jurors: [{ id: 'j1' }],
          lockedBallots: [ballot('j1', { are: base, boras: [6, ...base.slice(1)] }, many)],
        }),
      );
      expect(result.winnerId).toBe('boras');
      expect(result.tied).toBeUndefined();
      expect(result.ranking.map((r) => r.score)).toEqual([5, 5]); // looks equal on screen, is not
    });
  });

  it('does not depend on the order ballots are stored in', () => {
    const reversed = panel({ lockedBallots: [...panel().lockedBallots].reverse() });
    expect(computeRanking(reversed)).toEqual(computeRanking(panel()));
  });

  it('does not mutate its input', () => {
    const input = panel();
    const snapshot = structuredClone(input);
    computeRanking(input, {});
    expect(input).toEqual(snapshot);
  });

  describe('refuses an inconsistent panel', () => {
    it.each<[string, Partial<PanelInput>]>([
      ['an incomplete locked ballot', { lockedBallots: [...panel().lockedBallots.slice(0, 2), ballot('j3', { are: [5, 5], boras: [5, 5], kungsbacka: [5] })] }],
      ['an out-of-range score on a locked ballot', { lockedBallots: [...panel().lockedBallots.slice(0, 2), ballot('j3', { are: [5, 5], boras: [5, 5], kungsbacka: [5, 11] })] }],
      ['a ballot from outside the panel', { lockedBallots: [...panel().lockedBallots, ballot('stranger', {})] }],
      ['two ballots from one juror', { lockedBallots: [...panel().lockedBallots, panel().lockedBallots[0]] }],
      ['a zero weight', { criteria: [{ key: 'impact', weight: 0 }, { key: 'innovation', weight: 1 }] }],
      ['a negative weight', { criteria: [{ key: 'impact', weight: -1 }, { key: 'innovation', weight: 1 }] }],
      ['a duplicated criterion', { criteria: [...criteria, { key: 'impact', weight: 1 }] }],
      ['a duplicated nominee', { nomineeIds: [...nomineeIds, 'are'] }],
      ['a duplicated juror', { jurors: [...jurors, { id: 'j1' }] }],
    ])('%s', (_, overrides) => {
      expect(scoringError(() => computeRanking(panel(overrides))).code).toBe('invalid panel');
    });
  });
});

describe('roundForDisplay', () => {
  it('rounds to 4 decimals', () => {
    expect(roundForDisplay(50 / 9)).toBe(5.5556);
    expect(roundForDisplay(22 / 3)).toBe(7.3333);
    expect(roundForDisplay(8)).toBe(8);
  });
});
