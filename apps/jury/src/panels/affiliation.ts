/**
 * Conflicts flagged from affiliations (integrity rule 5): a juror whose affiliation is a nominee's
 * organisation may not score it. Compared case-insensitively, ignoring spacing and Unicode form.
 */
export interface AffiliatedJuror {
  id: string;
  affiliation: string | null;
}

export interface OrganisedNominee {
  id: string;
  organisation: string | null;
}

export interface AffiliationConflict {
  jurorId: string;
  nomineeId: string;
  reason: string;
}

export function sameOrganisation(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('sv-SE');
  const x = norm(a);
  return x.length > 0 && x === norm(b);
}

export function affiliationConflicts(jurors: readonly AffiliatedJuror[], nominees: readonly OrganisedNominee[]): AffiliationConflict[] {
  const found: AffiliationConflict[] = [];
  for (const juror of jurors) {
    if (!juror.affiliation) continue;
    for (const nominee of nominees) {
      if (nominee.organisation && sameOrganisation(juror.affiliation, nominee.organisation)) {
        found.push({ jurorId: juror.id, nomineeId: nominee.id, reason: `affiliation "${juror.affiliation}" is the nominee's organisation` });
      }
    }
  }
  return found;
}
