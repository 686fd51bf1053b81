import {
  DEFAULT_CRITERION_KEY,
  effectiveCriteria,
  isBallotComplete,
  isBallotEmpty,
  sameScores,
  lockRefusal,
  missingScores,
  reopenRefusal,
  saveRefusal,
  validateScores,
  type Criterion,
} from './ballot-rules.js';

const nominees = ['are', 'boras', 'kungsbacka'];
const criteria: Criterion[] = [
  { key: 'impact', weight: 2 },
  { key: 'innovation', weight: 1 },
];

describe('effectiveCriteria', () => {
  it('gives one criterion overall, weight 1, when the category has none', () => {
    expect(effectiveCriteria([])).toEqual([{ key: DEFAULT_CRITERION_KEY, weight: 1 }]);
    expect(DEFAULT_CRITERION_KEY).toBe('overall');
  });

  it('keeps declared criteria', () => {
    expect(effectiveCriteria(criteria)).toBe(criteria);
  });
});

describe('validateScores', () => {
  it('accepts a complete, valid ballot', () => {
    const scores = { are: { impact: 10, innovation: 1 }, boras: { impact: 5, innovation: 7 }, kungsbacka: { impact: 3, innovation: 3 } };
    expect(validateScores(scores, nominees, criteria, [])).toEqual({ problems: [], conflicted: [] });
  });

  it('accepts a partial draft', () => {
    expect(validateScores({ are: { impact: 4 } }, nominees, criteria, [])).toEqual({ problems: [], conflicted: [] });
    expect(validateScores({}, nominees, criteria, [])).toEqual({ problems: [], conflicted: [] });
  });

  it('uses overall when the category has no criteria', () => {
    expect(validateScores({ are: { overall: 8 } }, nominees, [], [])).toEqual({ problems: [], conflicted: [] });
    expect(validateScores({ are: { impact: 8 } }, nominees, [], []).problems).toEqual([
      { path: 'scores.are.impact', reason: 'unknown criterion' },
    ]);
  });

  it('locates each problem by its path', () => {
    const scores = {
      are: { impact: 0, innovation: 11, style: 5 },
      boras: { impact: 7.5, innovation: '7' },
      ghost: { impact: 5 },
      kungsbacka: { impact: Number.NaN, innovation: 1 },
    };
    expect(validateScores(scores, nominees, criteria, []).problems).toEqual([
      { path: 'scores.are.impact', reason: 'out of range' },
      { path: 'scores.are.innovation', reason: 'out of range' },
      { path: 'scores.are.style', reason: 'unknown criterion' },
      { path: 'scores.boras.impact', reason: 'not an integer' },
      { path: 'scores.boras.innovation', reason: 'not an integer' },
      { path: 'scores.ghost', reason: 'unknown nominee' },
      { path: 'scores.kungsbacka.impact', reason: 'not an integer' },
    ]);
  });

  it('accepts the bounds 1 and 10', () => {
    expect(validateScores({ are: { impact: 1, innovation: 10 } }, nominees, criteria, []).problems).toEqual([]);
  });

  it('reports conflicted nominees separately, once per nominee', () => {
    const scores = { are: { impact: 5, innovation: 5 }, boras: { impact: 99 } };
    expect(validateScores(scores, nominees, criteria, new Set(['are']))).toEqual({
      problems: [{ path: 'scores.boras.impact', reason: 'out of range' }],
      conflicted: [{ path: 'scores.are', reason: 'conflicted' }],
    });
  });

  it('refuses scores that are not objects', () => {
    expect(validateScores(null, nominees, criteria, []).problems).toEqual([{ path: 'scores', reason: 'not an object' }]);
    expect(validateScores([], nominees, criteria, []).problems).toEqual([{ path: 'scores', reason: 'not an object' }]);
    expect(validateScores({ are: 7 }, nominees, criteria, []).problems).toEqual([{ path: 'scores.are', reason: 'not an object' }]);
    expect(validateScores({ are: [7] }, nominees, criteria, []).problems).toEqual([{ path: 'scores.are', reason: 'not an object' }]);
  });

  it('treats inherited property names as unknown, not as nominees', () => {
    const scores = JSON.parse('{"__proto__": {"impact": 5}, "constructor": {"impact": 5}}') as unknown;
    expect(validateScores(scores, nominees, criteria, []).problems).toEqual([
      { path: 'scores.__proto__', reason: 'unknown nominee' },
      { path: 'scores.constructor', reason: 'unknown nominee' },
    ]);
  });
});

describe('missingScores and isBallotComplete', () => {
  const full = { are: { impact: 1, innovation: 2 }, boras: { impact: 3, innovation: 4 }, kungsbacka: { impact: 5, innovation: 6 } };

  it('is complete when every nominee has every criterion', () => {
    expect(missingScores(full, nominees, criteria, [])).toEqual([]);
    expect(isBallotComplete(full, nominees, criteria, [])).toBe(true);
  });

  it('lists what is missing, in nominee then criterion order', () => {
    const partial = { are: { impact: 1 }, kungsbacka: { impact: 5, innovation: 6 } };
    expect(missingScores(partial, nominees, criteria, [])).toEqual([
      'scores.are.innovation',
      'scores.boras.impact',
      'scores.boras.innovation',
    ]);
    expect(isBallotComplete(partial, nominees, criteria, [])).toBe(false);
  });

  it('does not expect scores for conflicted nominees', () => {
    const { are: _skipped, ...withoutAre } = full;
    expect(isBallotComplete(withoutAre, nominees, criteria, ['are'])).toBe(true);
    expect(isBallotComplete(withoutAre, nominees, criteria, [])).toBe(false);
  });

  it('counts an invalid score as missing', () => {
    const bad = { ...full, boras: { impact: 11, innovation: 4 } };
    expect(missingScores(bad, nominees, criteria, [])).toEqual(['scores.boras.impact']);
  });

  it('uses overall when the category has no criteria', () => {
    expect(isBallotComplete({ are: { overall: 1 }, boras: { overall: 2 }, kungsbacka: { overall: 3 } }, nominees, [], [])).toBe(true);
    expect(missingScores({ are: { overall: 1 } }, nominees, [], [])).toEqual(['scores.boras.overall', 'scores.kungsbacka.overall']);
  });

  it('is trivially complete for a juror conflicted with every nominee', () => {
    expect(isBallotComplete({}, nominees, criteria, nominees)).toBe(true);
  });
});

describe('isBallotEmpty', () => {
  it('is empty without any score', () => {
    expect(isBallotEmpty({})).toBe(true);
    expect(isBallotEmpty({ are: {}, boras: {} })).toBe(true);
  });

  it('is not empty with one score', () => {
    expect(isBallotEmpty({ are: {}, boras: { impact: 3 } })).toBe(false);
  });
});

describe('ballot lifecycle (locked is locked)', () => {
  const draft = { status: 'draft', verdictSealed: false } as const;
  const locked = { status: 'locked', verdictSealed: false } as const;

  it('saves drafts only', () => {
    expect(saveRefusal(draft)).toBeNull();
    expect(saveRefusal(locked)).toBe('ballot locked');
    expect(saveRefusal({ ...draft, verdictSealed: true })).toBe('verdict sealed');
  });

  it('locks a complete draft only', () => {
    expect(lockRefusal({ ...draft, complete: true })).toBeNull();
    expect(lockRefusal({ ...draft, complete: false })).toBe('ballot incomplete');
    expect(lockRefusal({ ...locked, complete: true })).toBe('ballot locked');
    expect(lockRefusal({ ...draft, verdictSealed: true, complete: true })).toBe('verdict sealed');
  });

  it('lets only the chair reopen a locked ballot before sealing, with a reason', () => {
    const reopen = { ...locked, byChair: true, reason: 'Fel siffra för Åre kommun' };
    expect(reopenRefusal(reopen)).toBeNull();
    expect(reopenRefusal({ ...reopen, byChair: false })).toBe('not the chair');
    expect(reopenRefusal({ ...reopen, reason: '  \n ' })).toBe('reason required');
    expect(reopenRefusal({ ...reopen, status: 'draft' })).toBe('ballot not locked');
    expect(reopenRefusal({ ...reopen, verdictSealed: true })).toBe('verdict sealed');
  });
});

describe('sameScores', () => {
  const a = { n1: { impact: 7, craft: 5 }, n2: { impact: 9 } };

  it('is true for the same scores in any key order, and for no ballot against an empty one', () => {
    expect(sameScores(a, { n2: { impact: 9 }, n1: { craft: 5, impact: 7 } })).toBe(true);
    expect(sameScores(undefined, {})).toBe(true);
    expect(sameScores({}, { n1: {} })).toBe(true);
    expect(sameScores({ ...a, n3: {} }, a)).toBe(true);
  });

  it('is false for any changed, added or removed score', () => {
    expect(sameScores(a, { ...a, n1: { impact: 7, craft: 6 } })).toBe(false);
    expect(sameScores(a, { ...a, n1: { impact: 7 } })).toBe(false);
    expect(sameScores(a, { ...a, n3: { impact: 1 } })).toBe(false);
    expect(sameScores(a, { n1: a.n1 })).toBe(false);
    expect(sameScores(undefined, { n1: { impact: 1 } })).toBe(false);
  });
});
