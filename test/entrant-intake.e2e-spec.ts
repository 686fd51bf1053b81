import { createHash } from 'node:crypto';
import pg from 'pg';
import type { EntryPage, ImportCeremonyResult, IntakeFormView, IntakeReceipt, IntakeReviewResult, IntakeSubmissionPage, IntakeSubmissionView, ShortlistView } from '#contracts';
import { eventually } from './support/eventually.js';
import { generatedAnswers, intakeDeclaration, submitEntries } from './support/intake.js';
import { startSystem, type TestSystem } from './support/system.js';

/**
 * Entrant intake (issue 15 item 1) over a real nats-server and Postgres: the public form, submissions
 * checked field by field (oversized, markup, format, required, unknown), the honeypot, the deadline in
 * the ceremony's zone, the per-address rate limit, one's own submission by receipt code (and nobody
 * else's), the admin's review under today's eligibility rules, and accepted submissions as entries a
 * shortlist is chosen from.
 */

const ZONE = 'Europe/Stockholm';
const INTAKE_BUDGET = 12;

/** Wall-clock time in Stockholm `ms` from now, as a ceremony file writes a deadline. */
function stockholmIn(ms: number): string {
  const parts = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(
    new Date(Date.now() + ms),
  );
  const p = (type: string) => parts.find((x) => x.type === type)!.value;
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}:${p('second')}`;
}

function ceremonyFile(soonDeadline: string) {
  return {
    ceremony: { slug: 'intake-gala', name: 'Intake gala (test)', locale: 'sv-SE', timezone: ZONE },
    categories: [
      { slug: 'gotapriset', name: 'GötaPriset 2017', eligibleKinds: ['kommun', 'region', 'foretag'], nomineeBounds: { min: 1, max: 6 }, intake: intakeDeclaration('2099-12-31T23:59') },
      { slug: 'sveriges-kvalitetskommun', name: 'Sveriges KvalitetsKommun 2017', eligibleKinds: ['kommun'], intake: intakeDeclaration('2099-12-31T23:59') },
      { slug: 'stangd', name: 'Stängd kategori', intake: intakeDeclaration('2017-08-31T23:59') },
      { slug: 'snart', name: 'Snart stängd', intake: intakeDeclaration(soonDeadline) },
      { slug: 'utan-formular', name: 'Utan formulär' },
      { slug: 'screening', name: 'Sextio bidrag', eligibleKinds: ['kommun'], nomineeBounds: { min: 3, max: 6 }, intake: intakeDeclaration() },
    ],
  };
}

interface ErrorBody {
  statusCode: number;
  message: string;
  details?: { path: string; code?: string; message: string; limit?: number }[];
}

describe('entrant intake: public form, receipt, review', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  /** Sent to `snart` right after the import, well before its deadline 25 s later. */
  let early: { status: number; body: IntakeReceipt & ErrorBody };
  let address = 0;
  const base = '/api/v1/ceremonies/intake-gala/categories';
  const good = generatedAnswers(1);

  /** A public call from its own client address (the gateway trusts the test's loopback proxy), unless one is given. */
  const call = async <T>(method: string, path: string, options: { body?: unknown; receipt?: string; from?: string; token?: string } = {}) => {
    const headers: Record<string, string> = { 'x-forwarded-for': options.from ?? `10.1.${Math.floor(++address / 250)}.${(address % 250) + 1}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.receipt !== undefined) headers['laurel-receipt'] = options.receipt;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${system.gatewayUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, text };
  };
  const submit = (category: string, body: unknown, from?: string) => call<IntakeReceipt & ErrorBody>('POST', `${base}/${category}/intake/submissions`, { body, from });
  const count = async (category: string) => {
    const id = imported.categories.find((c) => c.slug === category)!.id;
    return Number((await sql<{ n: string }>(system, 'SELECT count(*) AS n FROM nominations.intake_submissions WHERE category_id = $1', [id]))[0].n);
  };

  beforeAll(async () => {
    system = await startSystem({ label: 'entrant_intake', trustProxy: 'loopback', rateLimits: { intake: INTAKE_BUDGET } });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremonyFile(stockholmIn(25_000)) });
    expect(res.status).toBe(201);
    imported = res.body;
    early = await submit('snart', { answers: good });
  });

  afterAll(async () => {
    await system?.dispose();
  });

  it('refuses a form declaration with its path: a deadline the clocks skip, a ceremony without a time zone', async () => {
    const file = ceremonyFile('2017-03-26T02:30');
    const bad = await system.http<ErrorBody>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: { ...file, ceremony: { ...file.ceremony, slug: 'intake-bad' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: '/categories/3/intake/deadline', message: 'does not happen in Europe/Stockholm (the clocks skip it)' }]);
    const noZone = await system.http<ErrorBody>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: { ...file, ceremony: { slug: 'intake-bad', name: 'X' }, categories: [file.categories[0]] } });
    expect(noZone.status).toBe(400);
    expect(noZone.body.details).toEqual([{ path: '/ceremony/timezone', message: 'is required when a category takes submissions (an intake deadline is a local time)' }]);
  });

  it('serves the form to anyone: fields, labels, the deadline in the ceremony’s zone, open or closed', async () => {
    const form = await call<IntakeFormView>('GET', `${base}/gotapriset/intake`);
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ ceremony: { slug: 'intake-gala', timezone: ZONE }, category: { slug: 'gotapriset', eligibleKinds: ['kommun', 'region', 'foretag'] }, deadline: '2099-12-31T23:59', deadlineAt: '2099-12-31T22:59:00.000Z', open: true });
    expect(form.body.fields.map((f) => [f.key, f.kind, f.required ?? false])).toEqual([
      ['organisation', 'organisation', true],
      ['kind', 'text', true],
      ['title', 'text', true],
      ['description', 'longText', false],
      ['website', 'url', false],
      ['contactName', 'text', false],
      ['contactEmail', 'email', true],
    ]);
    const closed = await call<IntakeFormView>('GET', `${base}/stangd/intake`);
    expect(closed.body).toMatchObject({ open: false, deadlineAt: '2017-08-31T21:59:00.000Z' });
    const none = await call<ErrorBody>('GET', `${base}/utan-formular/intake`);
    expect(none.status).toBe(404);
    expect(none.body.message).toBe('Utan formulär takes no submissions through a form');
  });

  it('takes a submission without a token and answers with a receipt code, stored only as its hash', async () => {
    const res = await submit('gotapriset', { answers: { ...good, title: `  ${good.title}  ` } });
    expect(res.status).toBe(201);
    expect(res.body.receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.body).toMatchObject({ status: 'submitted', editable: true, category: 'gotapriset', answers: { ...good } });
    expect(res.body.editPath).toBe(`/intake/intake-gala/gotapriset#receipt=${res.body.receipt}`);
    const rows = await sql<Record<string, unknown>>(system, 'SELECT * FROM nominations.intake_submissions WHERE receipt_hash = $1', [createHash('sha256').update(res.body.receipt).digest('hex')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'submitted', entry_id: null });
    expect(JSON.stringify(rows[0])).not.toContain(res.body.receipt);
  });

  it('refuses every bad field with its path, code and reason, and stores none of them', async () => {
    const before = await count('gotapriset');
    const cases: [Record<string, unknown>, ErrorBody['details']][] = [
      [{ ...good, title: 'x'.repeat(121) }, [{ path: 'answers.title', code: 'tooLong', limit: 120, message: 'is 121 characters, at most 120 are allowed' }]],
      [{ ...good, description: 'Se <a href="https://evil.example">här</a>' }, [{ path: 'answers.description', code: 'markup', message: 'must be plain text: markup such as <b> or <a href> is not accepted' }]],
      [{ ...good, organisation: '<img src=x onerror=alert(1)>' }, [{ path: 'answers.organisation', code: 'markup', message: 'must be plain text: markup such as <b> or <a href> is not accepted' }]],
      [{ ...good, website: 'javascript:alert(1)' }, [{ path: 'answers.website', code: 'url', message: 'must be a web address starting with https:// or http://' }]],
      [{ ...good, contactEmail: 'kontakt at example.se' }, [{ path: 'answers.contactEmail', code: 'email', message: 'must be an e-mail address' }]],
      [{ ...good, title: '   ' }, [{ path: 'answers.title', code: 'required', message: 'is required' }]],
      [{ ...good, title: 'två\nrader' }, [{ path: 'answers.title', code: 'singleLine', message: 'must be one line' }]],
      [{ ...good, colour: 'guld' }, [{ path: 'answers.colour', code: 'unknown', message: 'is not a field of this form' }]],
      [{ ...good, kind: 12 }, [{ path: 'answers.kind', code: 'notText', message: 'must be text' }]],
    ];
    for (const [answers, details] of cases) {
      const res = await submit('gotapriset', { answers });
      expect({ answers, status: res.status, details: res.body.details }).toEqual({ answers, status: 400, details });
      expect(res.body.message).toBe(`${details![0].path.replace('answers.', '')} ${details![0].message}`);
    }
    const many = await submit('gotapriset', { answers: { ...good, title: '', contactEmail: 'nej' } });
    expect(many.body.message).toBe('2 fields need attention');
    const huge = await submit('gotapriset', { answers: { ...good, description: 'x'.repeat(2001) } });
    expect(huge.body.details).toEqual([{ path: 'answers.description', code: 'tooLong', limit: 2000, message: 'is 2001 characters, at most 2000 are allowed' }]);
    expect((await submit('gotapriset', { answers: 'nej' })).status).toBe(400);
    expect(await count('gotapriset')).toBe(before);
  });

  it('refuses a filled-in honeypot and anything after the deadline (server time, the ceremony’s zone)', async () => {
    const before = await count('gotapriset');
    const trapped = await submit('gotapriset', { answers: good, trap: 'http://spam.example' });
    expect(trapped.status).toBe(400);
    expect(trapped.body.details).toEqual([{ path: 'trap', code: 'trap', message: 'must be left empty (it is hidden from people; automatic form fillers fill it in)' }]);
    expect(await count('gotapriset')).toBe(before);
    // An empty honeypot is what a person sends.
    expect((await submit('gotapriset', { answers: generatedAnswers(2), trap: '' })).status).toBe(201);

    const late = await submit('stangd', { answers: good });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ message: 'submissions to Stängd kategori closed at 2017-08-31 23:59 (Europe/Stockholm)', details: [{ path: 'deadline', code: 'closed' }] });
    expect(await count('stangd')).toBe(0);
  });

  it('rate-limits intake calls per client address (429), other addresses unaffected', async () => {
    const from = '10.9.9.9';
    const statuses: number[] = [];
    for (let i = 0; i < INTAKE_BUDGET + 1; i++) statuses.push((await submit('gotapriset', { answers: generatedAnswers(100 + i) }, from)).status);
    expect(statuses).toEqual([...Array<number>(INTAKE_BUDGET).fill(201), 429]);
    const refused = await call<ErrorBody>('GET', '/api/v1/intake/submission', { from, receipt: '0'.repeat(26) });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/^too many requests: slow down and try again in \d+ s$/);
    expect((await submit('gotapriset', { answers: generatedAnswers(200) })).status).toBe(201);
  });

  it('shows and edits one’s own submission by receipt code until the deadline; no code reads another’s', async () => {
    const mine = await submit('gotapriset', { answers: generatedAnswers(300) });
    const theirs = await submit('gotapriset', { answers: generatedAnswers(301) });
    const code = mine.body.receipt;

    const read = await call<IntakeSubmissionView>('GET', '/api/v1/intake/submission', { receipt: code });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ answers: generatedAnswers(300), status: 'submitted', editable: true, categoryName: 'GötaPriset 2017' });
    expect(read.body).not.toHaveProperty('id');
    // As people retype it: lower case, in groups.
    const typed = code.toLowerCase().replace(/(.{5})/g, '$1-');
    expect((await call<IntakeSubmissionView>('GET', '/api/v1/intake/submission', { receipt: typed })).body.answers.title).toBe(generatedAnswers(300).title);

    const edited = await call<IntakeSubmissionView>('PUT', '/api/v1/intake/submission', { receipt: code, body: { answers: { ...generatedAnswers(300), title: 'Ny titel' } } });
    expect(edited.status).toBe(200);
    expect(edited.body.answers.title).toBe('Ny titel');
    expect((await call<IntakeSubmissionView>('GET', '/api/v1/intake/submission', { receipt: theirs.body.receipt })).body.answers.title).toBe(generatedAnswers(301).title);
    const badEdit = await call<ErrorBody>('PUT', '/api/v1/intake/submission', { receipt: code, body: { answers: { ...generatedAnswers(300), title: '<b>Ny</b>' } } });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.details).toEqual([{ path: 'answers.title', code: 'markup', message: 'must be plain text: markup such as <b> or <a href> is not accepted' }]);
    expect((await call<IntakeSubmissionView>('GET', '/api/v1/intake/submission', { receipt: code })).body.answers.title).toBe('Ny titel');

    // Any other code, a made-up one, none: nothing of anyone's.
    const guessed = code.slice(0, 25) + (code.endsWith('0') ? '1' : '0');
    for (const receipt of [guessed, 'Z'.repeat(26)]) {
      const res = await call<ErrorBody>('GET', '/api/v1/intake/submission', { receipt });
      expect([res.status, res.body.message]).toEqual([404, 'no submission has this receipt code']);
      expect((await call<ErrorBody>('PUT', '/api/v1/intake/submission', { receipt, body: { answers: good } })).status).toBe(404);
    }
    expect((await call<ErrorBody>('GET', '/api/v1/intake/submission')).body.message).toBe('send the receipt code in the Laurel-Receipt header');
    expect((await call<ErrorBody>('GET', '/api/v1/intake/submission', { receipt: 'abc' })).status).toBe(400);
    // The review list is the admin's: the public, and any other role, are refused.
    expect((await call<ErrorBody>('GET', `${base}/gotapriset/intake/submissions`)).status).toBe(401);
  });

  it('closes at the deadline: no new submission, no edit, and the form says closed', async () => {
    expect(early.status).toBe(201);
    // The deadline is 25 s after the import (Stockholm wall time); wait for the server to pass it.
    const closed = await eventually(
      async () => {
        const res = await call<ErrorBody>('PUT', '/api/v1/intake/submission', { receipt: early.body.receipt, body: { answers: { ...good, title: 'Sent ändrad' } } });
        expect(res.status).toBe(409);
        return res;
      },
      { timeoutMs: 40_000, intervalMs: 1000 },
    );
    expect(closed.body.details).toMatchObject([{ path: 'deadline', code: 'closed' }]);
    expect((await submit('snart', { answers: generatedAnswers(3) })).status).toBe(409);
    const view = await call<IntakeSubmissionView>('GET', '/api/v1/intake/submission', { receipt: early.body.receipt });
    // Edits went through until the deadline; the last one before it is what stays.
    expect(view.body).toMatchObject({ editable: false, answers: { title: 'Sent ändrad' } });
    expect((await call<IntakeFormView>('GET', `${base}/snart/intake`)).body.open).toBe(false);
  }, 60_000);

  it('admin review: accepts under today’s eligibility rules into entries, rejects with a reason, once', async () => {
    const kq = `${base}/sveriges-kvalitetskommun/intake/submissions`;
    const kommun = await submit('sveriges-kvalitetskommun', { answers: generatedAnswers(400, 'Kommun') });
    const myndighet = await submit('sveriges-kvalitetskommun', { answers: generatedAnswers(401, 'myndighet') });
    const twice = await submit('sveriges-kvalitetskommun', { answers: { ...generatedAnswers(400), contactEmail: 'annan@example.se' } });
    expect([kommun.status, myndighet.status, twice.status]).toEqual([201, 201, 201]);

    const list = await system.http<IntakeSubmissionPage>('GET', `${kq}?status=submitted`, { token: system.adminToken });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    const [a, b, c] = list.body.submissions;
    expect([a.ineligibility, b.ineligibility, c.ineligibility]).toEqual([null, 'kind "myndighet" is not eligible for Sveriges KvalitetsKommun 2017: only kommun', null]);

    const accepted = await system.http<IntakeReviewResult>('POST', `${kq}/${a.id}/accept`, { token: system.adminToken });
    expect(accepted.status).toBe(200);
    expect(accepted.body.submission).toMatchObject({ status: 'accepted', entryId: accepted.body.entry!.id });
    expect(accepted.body.entry).toMatchObject({ organisation: 'Organisation 0400', kind: 'kommun', title: generatedAnswers(400).title, contactEmail: 'kontakt0400@example.se', contactName: 'Kontakt 0400', source: 'intake' });
    expect(accepted.body.entry!.description).toBe(`${generatedAnswers(400).description}\n\nLänk till mer information: https://example.se/bidrag/0400`);

    const ineligible = await system.http<ErrorBody>('POST', `${kq}/${b.id}/accept`, { token: system.adminToken });
    expect([ineligible.status, ineligible.body.message]).toEqual([400, 'kind "myndighet" is not eligible for Sveriges KvalitetsKommun 2017: only kommun']);
    // The same organisation and title again: today's duplicate rule, now that the first is an entry.
    const relisted = await system.http<IntakeSubmissionPage>('GET', `${kq}?status=submitted`, { token: system.adminToken });
    expect(relisted.body.submissions.find((s) => s.id === c.id)?.ineligibility).toBe(`already entered (entry ${accepted.body.entry!.id}: same organisation and title)`);
    const duplicate = await system.http<ErrorBody>('POST', `${kq}/${c.id}/accept`, { token: system.adminToken });
    expect(duplicate.status).toBe(409);

    const rejected = await system.http<IntakeReviewResult>('POST', `${kq}/${b.id}/reject`, { token: system.adminToken, body: { reason: 'myndigheter tävlar i en annan kategori' } });
    expect(rejected.status).toBe(200);
    expect(rejected.body.submission).toMatchObject({ status: 'rejected', reason: 'myndigheter tävlar i en annan kategori', entryId: null });
    expect((await system.http<ErrorBody>('POST', `${kq}/${b.id}/accept`, { token: system.adminToken })).status).toBe(409);
    expect((await system.http<ErrorBody>('POST', `${kq}/${a.id}/reject`, { token: system.adminToken, body: { reason: 'ångrat' } })).status).toBe(409);
    expect((await system.http<ErrorBody>('POST', `${base}/gotapriset/intake/submissions/${c.id}/accept`, { token: system.adminToken })).status).toBe(404);

    // Reviewed: the entrant sees the status and can no longer change it.
    const entrant = await call<IntakeSubmissionView>('GET', '/api/v1/intake/submission', { receipt: kommun.body.receipt });
    expect(entrant.body).toMatchObject({ status: 'accepted', editable: false });
    expect(entrant.body).not.toHaveProperty('reason');
    const late = await call<ErrorBody>('PUT', '/api/v1/intake/submission', { receipt: kommun.body.receipt, body: { answers: generatedAnswers(400) } });
    expect([late.status, late.body.message]).toEqual([409, 'this submission has been reviewed (accepted) and can no longer be changed']);
    const rejectedView = await call<IntakeSubmissionView>('GET', '/api/v1/intake/submission', { receipt: myndighet.body.receipt });
    expect(rejectedView.body).toMatchObject({ status: 'rejected', editable: false });
    expect(rejectedView.text).not.toContain('annan kategori');
  });

  it('60 submissions become 60 entries a shortlist is chosen from (test/support/intake.ts)', async () => {
    const { receipts, entryIds } = await submitEntries(system, { ceremony: 'intake-gala', category: 'screening', count: 60, start: 1000, headers: (i) => ({ 'x-forwarded-for': `10.2.0.${i % 250}` }) });
    expect(receipts).toHaveLength(60);
    expect(new Set(receipts.map((r) => r.receipt)).size).toBe(60);
    expect(entryIds).toHaveLength(60);
    const entries = await system.http<EntryPage>('GET', `${base}/screening/entries`, { token: system.adminToken });
    expect(entries.body.total).toBe(60);
    expect(entries.body.entries.every((e) => e.source === 'intake')).toBe(true);
    const shortlist = await system.http<ShortlistView>('PUT', `${base}/screening/shortlist`, { token: system.adminToken, body: { entryIds: entryIds.slice(0, 5) } });
    expect(shortlist.status).toBe(200);
    expect(shortlist.body.nominees.map((n) => n.entryId)).toEqual(entryIds.slice(0, 5));
    const left = await system.http<IntakeSubmissionPage>('GET', `${base}/screening/intake/submissions?status=submitted`, { token: system.adminToken });
    expect(left.body.total).toBe(0);
  });
});

async function sql<T>(system: TestSystem, text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: system.db.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
