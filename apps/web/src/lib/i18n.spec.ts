import { langFrom, messageKeys, translate } from './i18n.js';

describe('translate', () => {
  it('picks the plural form by n (Intl.PluralRules), in both languages', () => {
    expect(translate('en', 'jurorsN', { n: 1 })).toBe('1 juror');
    expect(translate('en', 'jurorsN', { n: 0 })).toBe('0 jurors');
    expect(translate('en', 'jurorsN', { n: 2 })).toBe('2 jurors');
    expect(translate('sv', 'jurorsN', { n: 1 })).toBe('1 jurymedlem');
    expect(translate('sv', 'jurorsN', { n: 7 })).toBe('7 jurymedlemmar');
    expect(translate('en', 'imported', { slug: 'km-2017', n: 1 })).toBe('Imported: km-2017 (1 category)');
    expect(translate('sv', 'imported', { slug: 'km-2017', n: 5 })).toBe('Importerad: km-2017 (5 kategorier)');
  });

  it('falls back to the `other` form when n is missing or not a number', () => {
    expect(translate('en', 'jurorsN')).toBe('{n} jurors');
    expect(translate('en', 'jurorsN', { n: 'many' })).toBe('many jurors');
  });

  it('fills every variable and leaves plain messages as they are', () => {
    expect(translate('en', 'jurorsLocked', { locked: 3, jurors: 5, required: 4 })).toBe('3 of 5 locked (4 required)');
    expect(translate('sv', 'appName')).toBe('Laurel');
  });
});

describe('the two dictionaries', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const keys = messageKeys();

  it('hold every key in both languages, with the same placeholders', () => {
    expect(keys.length).toBeGreaterThan(100);
    for (const key of keys) {
      // A page fills {n} and must not meet a {count} in English; checked for the plural forms too.
      for (const vars of [undefined, { n: 1 }, { n: 2 }]) {
        const sv = translate('sv', key, vars);
        const en = translate('en', key, vars);
        expect(en).not.toBe('');
        expect({ key, placeholders: placeholders(en) }).toEqual({ key, placeholders: placeholders(sv) });
      }
    }
  });
});

describe('langFrom', () => {
  it('is English only for ?lang=en', () => {
    expect(langFrom('?lang=en')).toBe('en');
    expect(langFrom('?lang=sv')).toBe('sv');
    expect(langFrom('?lang=de&x=1')).toBe('sv');
    expect(langFrom('')).toBe('sv');
  });
});
