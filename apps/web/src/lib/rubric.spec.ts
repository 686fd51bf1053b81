import { anchorHint, anchorLevels, anchorLine } from './rubric.js';

const anchors = { '1': 'Saknas', '5': 'Godkänt', '10': 'Föredömligt', '11': 'ignored', '3': '' };

describe('rubric anchors on the jury page', () => {
  it('keeps the levels 1–10 that have text, in order', () => {
    expect(anchorLevels(anchors).map((a) => a.level)).toEqual([1, 5, 10]);
    expect(anchorLevels(undefined)).toEqual([]);
  });

  it("shows a level's own anchor, else the anchored levels around it", () => {
    expect(anchorLine(anchorHint(anchors, 5))).toBe('5 — Godkänt');
    expect(anchorLine(anchorHint(anchors, 7))).toBe('5 — Godkänt · 10 — Föredömligt');
    expect(anchorLine(anchorHint({ '5': 'Godkänt' }, 2))).toBe('5 — Godkänt');
    expect(anchorHint(undefined, 5)).toBeNull();
    expect(anchorLine(null)).toBe('');
  });
});
