import { checkEntryFields, ineligibility, mapColumns, naturalKey, rowToFields, slugify } from './entry-rules.js';

describe('entry rules', () => {
  const kvalitetskommun = { name: 'Sveriges KvalitetsKommun 2017', eligibleKinds: ['kommun'] };

  it('refuses a kind the category does not list, with the reason', () => {
    expect(ineligibility(kvalitetskommun, 'myndighet')).toBe('kind "myndighet" is not eligible for Sveriges KvalitetsKommun 2017: only kommun');
    expect(ineligibility(kvalitetskommun, undefined)).toBe('a kind is required for Sveriges KvalitetsKommun 2017: only kommun');
    expect(ineligibility(kvalitetskommun, ' Kommun ')).toBeNull();
    expect(ineligibility({ name: 'Öppen', eligibleKinds: ['kommun', 'region'] }, 'landsting')).toBe('kind "landsting" is not eligible for Öppen: only kommun, region');
  });

  it('lets anything in when the category lists no kinds', () => {
    expect(ineligibility({ name: 'GötaPriset 2017', eligibleKinds: [] }, 'foretag')).toBeNull();
    expect(ineligibility({ name: 'GötaPriset 2017', eligibleKinds: [] }, undefined)).toBeNull();
  });

  it('keys an entry by organisation and title, ignoring case, spacing and punctuation', () => {
    expect(naturalKey({ organisation: 'Åre  kommun.', title: 'Integrationsarbete – när hjärtat får vara med' })).toBe(
      naturalKey({ organisation: 'ÅRE KOMMUN', title: 'integrationsarbete när hjärtat får vara med!' }),
    );
    expect(naturalKey({ organisation: 'Åre kommun', title: 'A' })).not.toBe(naturalKey({ organisation: 'Åre kommun', title: 'B' }));
  });

  it('maps English and Swedish headers, ignores unknown columns, refuses two columns for one field', () => {
    const mapped = mapColumns(['\uFEFFOrganisation', 'Typ', 'Titel', 'E-post', 'Inskickad']);
    expect(mapped).toEqual({ ok: true, map: { fields: ['organisation', 'kind', 'title', 'contactEmail', undefined], ignored: ['Inskickad'] } });
    expect(mapColumns(['organisation', 'organization'])).toEqual({ ok: false, problems: [{ path: 'columns/1', message: '"organization" names the same field as column 1 ("organisation")' }] });
    if (mapped.ok) expect(rowToFields([' Åre kommun ', 'kommun', '', 'a@b.se', 'x'], mapped.map)).toEqual({ organisation: 'Åre kommun', kind: 'kommun', contactEmail: 'a@b.se' });
  });

  it('reports field problems without the property-name prefix', () => {
    expect(checkEntryFields({ contactEmail: 'nope' })).toEqual({
      ok: false,
      problems: [
        { field: 'contactEmail', reason: 'must be an email' },
        { field: 'organisation', reason: 'needs an organisation or a title' },
      ],
    });
    expect(checkEntryFields({ title: 'Bra\u0000titel' })).toEqual({ ok: false, problems: [{ field: 'title', reason: 'contains a NUL character (U+0000)' }] });
  });

  it('slugs nominee names for URLs', () => {
    expect(slugify('Örnsköldsviks kommun')).toBe('ornskoldsviks-kommun');
    expect(slugify('PATHFx – ett unikt adaptivt kliniskt beslutsstöd')).toBe('pathfx-ett-unikt-adaptivt-kliniskt-beslutsstod');
    expect(slugify('!!!')).toBe('nominee');
  });
});
