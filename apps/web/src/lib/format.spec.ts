import { formatDate, formatPrize, formatSeconds, nomineeName, nomineeSub, shortText } from './format.js';

// Outside a browser the pages' language is Swedish (sv-SE), as on the night.
const NBSP = '\u00a0';

describe('formatPrize', () => {
  it('writes Swedish kronor without decimals', () => {
    expect(formatPrize({ amount: 150000, currency: 'SEK', items: [] })?.replace(/\s/g, ' ')).toBe('150 000 kr');
  });
  it('is null when there is no amount', () => {
    expect(formatPrize(null)).toBeNull();
    expect(formatPrize({ amount: null, currency: 'SEK', items: [] })).toBeNull();
  });
  it('falls back to amount and code for an unknown currency code', () => {
    expect(formatPrize({ amount: 10, currency: 'NOT-A-CODE', items: [] })).toBe('10 NOT-A-CODE');
  });
});

describe('formatDate', () => {
  it('writes a plain date without shifting it by a time zone', () => {
    expect(formatDate('2017-11-14')).toBe('14 november 2017');
  });
  it('passes through what it cannot read, and empty is null', () => {
    expect(formatDate('next tuesday')).toBe('next tuesday');
    expect(formatDate(null)).toBeNull();
  });
});

describe('nominee names', () => {
  it('names a nominee by its organisation, else by its title', () => {
    expect(nomineeName({ organisation: 'Region Skåne', title: 'Vårdlyftet' })).toBe('Region Skåne');
    expect(nomineeName({ organisation: null, title: 'Vårdlyftet' })).toBe('Vårdlyftet');
    expect(nomineeName(null)).toBe('');
  });
  it('puts the title under the name only when the organisation is the name', () => {
    expect(nomineeSub({ organisation: 'Region Skåne', title: 'Vårdlyftet' })).toBe('Vårdlyftet');
    expect(nomineeSub({ organisation: null, title: 'Vårdlyftet' })).toBeNull();
  });
});

describe('shortText', () => {
  it('keeps whole sentences up to the limit', () => {
    const text = 'Första meningen. Andra meningen är längre. Tredje.';
    expect(shortText(text, 20)).toBe('Första meningen.');
    expect(shortText(text, 200)).toBe(text);
  });
  it('cuts one endless sentence at a word and marks it', () => {
    const out = shortText(`${'ord '.repeat(100)}slut`, 50)!;
    expect(out.endsWith('…')).toBe(true);
    expect(out.length).toBeLessThanOrEqual(51);
    expect(out).not.toContain(NBSP);
  });
  it('is null for no text', () => {
    expect(shortText(undefined)).toBeNull();
  });
});

describe('formatSeconds (show clock)', () => {
  it('writes m:ss, h:mm:ss past an hour, and a sign for over/under', () => {
    expect(formatSeconds(0)).toBe('0:00');
    expect(formatSeconds(59.9)).toBe('0:59');
    expect(formatSeconds(300)).toBe('5:00');
    expect(formatSeconds(3725)).toBe('1:02:05');
    expect(formatSeconds(-45)).toBe('−0:45');
    expect(formatSeconds(83, true)).toBe('+1:23');
    expect(formatSeconds(-299.4, true)).toBe('−4:59');
  });
});
