import { formatAnchor, parseAnchor } from './audit-anchor.js';

describe('audit anchors', () => {
  const hash = 'a'.repeat(64);

  it('round-trips <hash>@<count>', () => {
    expect(parseAnchor(`${hash}@17`)).toEqual({ hash, count: 17 });
    expect(formatAnchor({ hash, count: 17 })).toBe(`${hash}@17`);
    expect(parseAnchor(` ${hash.toUpperCase()}@0 `)).toEqual({ hash, count: 0 });
  });

  it.each(['', hash, `${hash}@`, `${hash}@-1`, `${hash}@1.5`, `${hash.slice(1)}@3`, `${hash}g@3`, `${hash}@1234567890`, `3@${hash}`])('refuses %p', (text) => {
    expect(parseAnchor(text)).toBeNull();
  });
});
