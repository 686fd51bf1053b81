import { validateCeremonyFile } from './ceremony-file.js';

const file = (anchors: unknown) => ({
  ceremony: { slug: 'anchors', name: 'Anchors' },
  categories: [{ slug: 'a', name: 'A', criteria: [{ key: 'kvalitet', label: 'Kvalitet', anchors }] }],
});

describe('rubric anchors in the ceremony file', () => {
  it('accepts anchor texts for any subset of the levels 1–10', () => {
    const result = validateCeremonyFile(file({ '1': 'Saknas', '5': 'Godkänt', '10': 'Föredömligt för hela landet' }));
    expect(result.ok).toBe(true);
  });

  it('refuses a level outside 1–10, an empty text and a text over 300 characters, by JSON path', () => {
    const result = validateCeremonyFile(file({ '0': 'x', '11': 'y', '3': '', '4': 'z'.repeat(301) }));
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/categories/0/criteria/0/anchors/3', '/categories/0/criteria/0/anchors/4']));
    expect(paths.some((p) => p === '/categories/0/criteria/0/anchors' || p.endsWith('/anchors/0') || p.endsWith('/anchors/11'))).toBe(true);
  });

  it('names the criterion and the level of an anchor outside 1–10, at the level\'s own path', () => {
    const result = validateCeremonyFile(file({ '5': 'Godkänt', '11': 'Bortom skalan', 'hög': 'x' }));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      { path: '/categories/0/criteria/0/anchors/11', message: 'criterion "kvalitet" has an anchor for level "11": anchor levels are the scores 1 to 10' },
      { path: '/categories/0/criteria/0/anchors/hög', message: 'criterion "kvalitet" has an anchor for level "hög": anchor levels are the scores 1 to 10' },
    ]);
  });
});
