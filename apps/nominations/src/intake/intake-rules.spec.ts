import type { IntakeFieldDeclaration } from '#contracts';
import { entryFieldsOf, newReceipt, receiptHash } from './intake-rules.js';

const label = (sv: string) => ({ sv, en: sv });

describe('intake rules', () => {
  it('gives 26-symbol Crockford receipt codes, never the same, hashed as typed', () => {
    const codes = new Set(Array.from({ length: 1000 }, newReceipt));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const [code] = codes;
    expect(receiptHash(code.toLowerCase())).toBe(receiptHash(code));
    expect(receiptHash(code)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('maps answers to entry columns, the rest as lines of the description', () => {
    const fields: IntakeFieldDeclaration[] = [
      { key: 'org', kind: 'organisation', label: label('Organisation') },
      { key: 'kind', kind: 'text', label: label('Typ') },
      { key: 'title', kind: 'text', label: label('Titel') },
      { key: 'description', kind: 'longText', label: label('Beskrivning') },
      { key: 'website', kind: 'url', label: label('Webbplats') },
      { key: 'film', kind: 'url', label: label('Film') },
      { key: 'mail', kind: 'email', label: label('E-post') },
    ];
    expect(entryFieldsOf(fields, { org: 'Åre kommun', kind: 'kommun', title: 'T', description: 'Om.', website: 'https://are.se', mail: 'a@are.se' })).toEqual({
      organisation: 'Åre kommun',
      kind: 'kommun',
      title: 'T',
      description: 'Om.\n\nWebbplats: https://are.se',
      contactEmail: 'a@are.se',
    });
    expect(entryFieldsOf(fields, { org: 'X', film: 'https://v.se/1' })).toEqual({ organisation: 'X', description: 'Film: https://v.se/1' });
  });
});
