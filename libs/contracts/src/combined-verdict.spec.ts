import { audiencePlaces, combinedMotivation, combineVerdict, juryPlaces } from './combined-verdict.js';

const ids = ['a', 'b', 'c', 'd'];
const nominees = ids.map((id) => ({ id }));
const ranking = (...ranks: number[]) => ranks.map((rank, i) => ({ nomineeId: ids[i], rank }));
const points = (r: ReturnType<typeof combineVerdict>) => Object.fromEntries(r.points.map((p) => [p.nomineeId, [p.juryPoints, p.audiencePoints, p.total]]));

describe('the combined verdict: ranking points per side, weighted, with fixed tie-breaks', () => {
  it('gives n − place points per side and weights them (50/50)', () => {
    // Jury: a, b, c, d. Audience: d 40, c 30, b 20, a 10.
    const r = combineVerdict(nominees, { winnerId: 'a', ranking: ranking(1, 2, 3, 4) }, { a: 10, b: 20, c: 30, d: 40 }, { jury: 50, audience: 50 });
    expect(points(r)).toEqual({ a: [3, 0, 150], b: [2, 1, 150], c: [1, 2, 150], d: [0, 3, 150] });
    // Four-way tie on the total: most audience points wins.
    expect(r.winnerId).toBe('d');
    expect(r.points.map((p) => p.nomineeId)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('the weights decide: a jury-heavy split gives it to the jury\'s favourite', () => {
    const r = combineVerdict(nominees, { winnerId: 'a', ranking: ranking(1, 2, 3, 4) }, { a: 10, b: 20, c: 30, d: 40 }, { jury: 70, audience: 30 });
    expect(r.winnerId).toBe('a');
    expect(r.points[0]).toEqual({ nomineeId: 'a', juryPlace: 1, juryPoints: 3, audienceVotes: 10, audiencePlace: 4, audiencePoints: 0, total: 210 });
  });

  it('tied nominees share a place and its points (competition places, 1 1 3)', () => {
    expect([...audiencePlaces(ids, { a: 5, b: 5, c: 1, d: 0 }).values()]).toEqual([1, 1, 3, 4]);
    expect([...audiencePlaces(ids, {}).values()]).toEqual([1, 1, 1, 1]);
    const r = combineVerdict(nominees, { winnerId: 'a', ranking: ranking(1, 2, 2, 4) }, { a: 0, b: 9, c: 9, d: 0 }, { jury: 50, audience: 50 });
    expect(points(r)).toEqual({ a: [3, 1, 200], b: [2, 3, 250], c: [2, 3, 250], d: [0, 1, 50] });
    // b and c tie on total and audience points: the one listed first in the ceremony file.
    expect(r.winnerId).toBe('b');
  });

  it("the jury's winner is placed alone first when the chair broke a tie at the top", () => {
    expect([...juryPlaces(ids, { winnerId: 'b', ranking: ranking(1, 1, 3, 4) }).values()]).toEqual([2, 1, 3, 4]);
    // A nominee the jury ranking does not name is last.
    expect([...juryPlaces(ids, { winnerId: 'a', ranking: ranking(1, 2) }).values()]).toEqual([1, 2, 3, 3]);
  });

  it('is deterministic whatever order the counts and ranking come in', () => {
    const jury = { winnerId: 'c', ranking: [...ranking(2, 3, 1, 4)].reverse() };
    const a = combineVerdict(nominees, jury, { d: 3, c: 1, b: 7, a: 2 }, { jury: 40, audience: 60 });
    const b = combineVerdict(nominees, { winnerId: 'c', ranking: ranking(2, 3, 1, 4) }, { a: 2, b: 7, c: 1, d: 3 }, { jury: 40, audience: 60 });
    expect(a).toEqual(b);
  });

  it('refuses what cannot be combined', () => {
    expect(() => combineVerdict([], { winnerId: 'a', ranking: [] }, {}, { jury: 50, audience: 50 })).toThrow(/no winner/);
    expect(() => combineVerdict(nominees, { winnerId: 'x', ranking: ranking(1, 2, 3, 4) }, {}, { jury: 50, audience: 50 })).toThrow(/not a nominee/);
    expect(() => combineVerdict(nominees, { winnerId: 'a', ranking: ranking(1, 2, 3, 4) }, {}, { jury: 0, audience: 50 })).toThrow(/weight jury/);
    expect(() => combineVerdict(nominees, { winnerId: 'a', ranking: ranking(1, 2, 3, 4) }, {}, { jury: 50, audience: 1.5 })).toThrow(/weight audience/);
  });

  it('says what decided it, in the ceremony\'s language', () => {
    const weights = { jury: 50, audience: 50 };
    const r = combineVerdict(nominees, { winnerId: 'a', ranking: ranking(1, 2, 3, 4) }, { a: 12, b: 5, c: 20, d: 0 }, weights);
    expect(r.winnerId).toBe('a');
    expect(combinedMotivation({ organisation: 'Borås Stad', title: null }, r, weights)).toBe('Juryn och publiken: Borås Stad fick 250 poäng (juryn 3 × 50, publiken 2 × 50; 12 röster).');
    expect(combinedMotivation({ organisation: null, title: 'Projekt X' }, r, weights, 'en-GB')).toBe('Jury and audience: Projekt X scored 250 points (jury 3 × 50, audience 2 × 50; 12 votes).');
  });
});
