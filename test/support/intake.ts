import type { IntakeDeclaration, IntakeReceipt, IntakeReviewResult, IntakeSubmissionPage } from '#contracts';
import type { TestSystem } from './system.js';

/**
 * Entrant intake for tests and benches: a form to put in a ceremony file, and `submitEntries`, which
 * sends N submissions through the public API (as entrants would) and, by default, accepts them all as
 * the admin, so a test that needs "60 submissions → entries" gets entry ids it can shortlist or screen.
 */

const label = (sv: string, en: string) => ({ sv, en });

/** A category's form: organisation, kind, title, description, website, contact; `deadline` is local time in the ceremony's zone. */
export function intakeDeclaration(deadline = '2099-12-31T23:59'): IntakeDeclaration {
  return {
    deadline,
    fields: [
      { key: 'organisation', kind: 'organisation', label: label('Organisation', 'Organisation'), required: true },
      { key: 'kind', kind: 'text', label: label('Typ av organisation', 'Kind of organisation'), help: label('t.ex. kommun, region, företag', 'e.g. kommun, region, foretag'), required: true, maxLength: 60 },
      { key: 'title', kind: 'text', label: label('Bidragets titel', 'Title of the entry'), required: true, maxLength: 120 },
      { key: 'description', kind: 'longText', label: label('Beskrivning', 'Description'), maxLength: 2000 },
      { key: 'website', kind: 'url', label: label('Länk till mer information', 'Link to more information'), maxLength: 500 },
      { key: 'contactName', kind: 'text', label: label('Kontaktperson', 'Contact person'), maxLength: 200 },
      { key: 'contactEmail', kind: 'email', label: label('E-post', 'E-mail'), required: true },
    ],
  };
}

/** The answers of the i-th generated submission (fits intakeDeclaration()). */
export function generatedAnswers(i: number, kind = 'kommun'): Record<string, string> {
  const n = String(i).padStart(4, '0');
  return {
    organisation: `Organisation ${n}`,
    kind,
    title: `Bidrag ${n}: bättre service`,
    description: `Beskrivning av bidrag ${n}.\nFlera rader, med komma.`,
    website: `https://example.se/bidrag/${n}`,
    contactName: `Kontakt ${n}`,
    contactEmail: `kontakt${n}@example.se`,
  };
}

export interface SubmitEntriesOptions {
  ceremony: string;
  category: string;
  count: number;
  /** Numbering of the generated answers (default 1): two batches into one category need different starts. */
  start?: number;
  /** The organisation kind of every submission (default kommun). */
  kind?: string;
  /** Accept every submission into the category's entries as the admin (default true). */
  accept?: boolean;
  /** Submissions in flight at once (default 8). */
  concurrency?: number;
  /** The answers of the i-th submission, when the category's form is not intakeDeclaration()'s (default generatedAnswers(i, kind)); titles must differ. */
  answers?: (i: number) => Record<string, string>;
  /** Extra request headers of the public calls, e.g. an X-Forwarded-For per submission when the gateway trusts the test's proxy. */
  headers?: (i: number) => Record<string, string>;
}

export interface SubmittedEntries {
  receipts: IntakeReceipt[];
  /** The entries they became, in submission order (empty with accept: false). */
  entryIds: string[];
}

/** Submits `count` generated submissions through the public intake API; throws on any refusal. */
export async function submitEntries(system: TestSystem, options: SubmitEntriesOptions): Promise<SubmittedEntries> {
  const { ceremony, category, count, start = 1, kind = 'kommun', accept = true, concurrency = 8 } = options;
  const base = `/api/v1/ceremonies/${encodeURIComponent(ceremony)}/categories/${encodeURIComponent(category)}/intake/submissions`;
  const receipts: IntakeReceipt[] = new Array<IntakeReceipt>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${system.gatewayUrl}${base}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers?.(start + i) },
        body: JSON.stringify({ answers: options.answers?.(start + i) ?? generatedAnswers(start + i, kind) }),
      });
      const body = (await res.json()) as IntakeReceipt;
      if (res.status !== 201) throw new Error(`submission ${start + i} answered ${res.status}: ${JSON.stringify(body)}`);
      receipts[i] = body;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (!accept) return { receipts, entryIds: [] };

  // The admin's review: every submission of this batch (by its title), accepted in submission order.
  const titles = new Map(receipts.map((r, i) => [r.answers.title, i]));
  const ids = new Array<string>(count);
  for (let offset = 0; ; offset += 500) {
    const page = await system.http<IntakeSubmissionPage>('GET', `${base}?status=submitted&limit=500&offset=${offset}`, { token: system.adminToken });
    if (page.status !== 200) throw new Error(`listing submissions answered ${page.status}: ${page.text}`);
    for (const s of page.body.submissions) {
      const i = titles.get(s.answers.title);
      if (i !== undefined) ids[i] = s.id;
    }
    if (offset + page.body.submissions.length >= page.body.total) break;
  }
  const entryIds: string[] = [];
  for (const [i, id] of ids.entries()) {
    if (!id) throw new Error(`submission ${start + i} is not in the review list`);
    const accepted = await system.http<IntakeReviewResult>('POST', `${base}/${id}/accept`, { token: system.adminToken });
    if (accepted.status !== 200 || !accepted.body.entry) throw new Error(`accepting submission ${start + i} answered ${accepted.status}: ${accepted.text}`);
    entryIds.push(accepted.body.entry.id);
  }
  return { receipts, entryIds };
}
