import { validateCeremonyFile } from './ceremony-file.js';

const file = (vote: unknown, extra: Record<string, unknown> = {}) => ({
  ceremony: { slug: 'gala', name: 'Gala' },
  categories: [{ slug: 'publikpriset', name: 'Publikpriset', nominees: [{ slug: 'a', organisation: 'A' }, { slug: 'b', organisation: 'B' }], vote, ...extra }],
});
const problems = (input: unknown) => {
  const result = validateCeremonyFile(input);
  return result.ok ? [] : result.problems;
};

describe('the ceremony file: who decides a category (issue 16)', () => {
  it('accepts the jury (default), an audience vote, and jury and audience combined with declared weights', () => {
    expect(problems(file(undefined))).toEqual([]);
    expect(problems(file({ mode: 'jury' }))).toEqual([]);
    expect(problems(file({ mode: 'audience' }))).toEqual([]);
    expect(problems(file({ mode: 'combined', weights: { jury: 50, audience: 50 } }))).toEqual([]);
  });

  it('refuses a combined vote without weights, weights on any other mode, an unknown mode, bad weights, a jury on an audience vote', () => {
    expect(problems(file({ mode: 'combined' }))).toEqual([{ path: '/categories/0/vote/weights', message: 'is required for a combined jury and audience vote' }]);
    expect(problems(file({ mode: 'audience', weights: { jury: 1, audience: 1 } }))).toEqual([{ path: '/categories/0/vote/weights', message: 'only a combined vote has weights (mode is audience)' }]);
    expect(problems(file({ mode: 'televote' }))).toEqual([expect.objectContaining({ path: '/categories/0/vote/mode' })]);
    expect(problems(file({ mode: 'combined', weights: { jury: 0, audience: 50 } }))).toEqual([expect.objectContaining({ path: '/categories/0/vote/weights/jury' })]);
    expect(problems(file({ mode: 'combined', weights: { jury: 50 } }))).toEqual([{ path: '/categories/0/vote/weights/audience', message: 'is required' }]);
    expect(problems(file({ mode: 'audience' }, { jury: [{ name: 'Anna' }] }))).toEqual([{ path: '/categories/0/jury', message: 'an audience vote has no jury panel' }]);
  });
});
