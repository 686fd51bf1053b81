import { draftShortlist, rankEntries, weightedScore } from './ranking.js';

const overall = (jurorId: string, entryId: string, score: number) => ({ jurorId, entryId, scores: { overall: score } });

describe('screening ranking', () => {
  it('weights criteria; a category without criteria scores `overall`', () => {
    expect(weightedScore({ a: 8, b: 5 }, [{ key: 'a', weight: 2 }, { key: 'b', weight: 1 }])).toBe(7);
    expect(weightedScore({ overall: 6 }, [])).toBe(6);
  });

  it('normalizes each juror to z-scores, so a harsh juror does not sink the entries they happened to review', () => {
    // Harsh juror H scores 2–4, generous G scores 8–10. Raw means put everything G saw above everything H saw;
    // per juror, e1 and e4 are each juror's best.
    const ranking = rankEntries({
      entryIds: ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'],
      criteria: [],
      reviews: [overall('H', 'e1', 4), overall('H', 'e2', 3), overall('H', 'e3', 2), overall('G', 'e4', 10), overall('G', 'e5', 9), overall('G', 'e6', 8)],
    });
    const z = Math.sqrt(3 / 2); // (x − μ)/σ for the best of three evenly spaced scores
    expect(ranking.entries.map((e) => e.entryId)).toEqual(['e4', 'e1', 'e5', 'e2', 'e6', 'e3']);
    expect(ranking.entries[0]).toEqual({ entryId: 'e4', rank: 1, normalized: expect.closeTo(z, 9), raw: 10, reviews: 1 });
    expect(ranking.entries[1]).toEqual({ entryId: 'e1', rank: 2, normalized: expect.closeTo(z, 9), raw: 4, reviews: 1 });
    expect(ranking.jurors).toEqual([
      { jurorId: 'G', reviews: 3, mean: 9, sd: expect.closeTo(Math.sqrt(2 / 3), 9) },
      { jurorId: 'H', reviews: 3, mean: 3, sd: expect.closeTo(Math.sqrt(2 / 3), 9) },
    ]);
    expect(ranking.flatJurors).toEqual([]);
  });

  it('gives a juror with zero variance z = 0 on every review and names them, without dividing by zero', () => {
    const ranking = rankEntries({
      entryIds: ['a', 'b', 'c'],
      criteria: [],
      reviews: [overall('flat', 'a', 7), overall('flat', 'b', 7), overall('flat', 'c', 7), overall('other', 'a', 9), overall('other', 'b', 5), overall('single', 'c', 3)],
    });
    expect(ranking.flatJurors).toEqual(['flat', 'single']);
    for (const e of ranking.entries) expect(Number.isFinite(e.normalized)).toBe(true);
    expect(ranking.entries.map((e) => [e.entryId, e.normalized, e.raw])).toEqual([
      ['a', 0.5, 8],
      ['c', 0, 5],
      ['b', -0.5, 6],
    ]);
  });

  it('breaks ties on the normalized score by the raw mean, then by the round order; unscored entries last', () => {
    const ranking = rankEntries({
      entryIds: ['x', 'y', 'z', 'w'],
      criteria: [],
      reviews: [overall('A', 'x', 5), overall('A', 'y', 5), overall('B', 'z', 9), overall('B', 'x', 9)],
    });
    // Every z is 0 (each juror gave one value); raw decides: z (9) and x (7) above y (5); w has no review.
    expect(ranking.entries.map((e) => [e.entryId, e.rank, e.raw])).toEqual([
      ['z', 1, 9],
      ['x', 2, 7],
      ['y', 3, 5],
      ['w', 4, null],
    ]);
    expect(draftShortlist(ranking, 2)).toEqual(['z', 'x']);
    expect(draftShortlist(ranking, 10)).toEqual(['z', 'x', 'y']);
  });
});
