import { affiliationConflicts, sameOrganisation } from './affiliation.js';

describe('affiliation conflicts', () => {
  it('matches an organisation case-insensitively, ignoring spacing and Unicode form', () => {
    expect(sameOrganisation('Helsingborgs stad', 'HELSINGBORGS  STAD ')).toBe(true);
    expect(sameOrganisation('Örnsköldsviks kommun', 'o\u0308rnsko\u0308ldsviks kommun')).toBe(true);
    expect(sameOrganisation('Saco', 'Saco-S')).toBe(false);
    expect(sameOrganisation('', '')).toBe(false);
  });

  it('flags each juror–nominee pair whose affiliation is the organisation', () => {
    const conflicts = affiliationConflicts(
      [
        { id: 'j1', affiliation: 'Västerås stad' },
        { id: 'j2', affiliation: null },
        { id: 'j3', affiliation: 'Saco' },
      ],
      [
        { id: 'n1', organisation: 'västerås stad' },
        { id: 'n2', organisation: null },
        { id: 'n3', organisation: 'Tyresö kommun' },
      ],
    );
    expect(conflicts).toEqual([{ jurorId: 'j1', nomineeId: 'n1', reason: 'affiliation "Västerås stad" is the nominee\'s organisation' }]);
  });
});
