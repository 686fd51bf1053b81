import { checkIntakeAnswers, intakeDeclarationProblems, normaliseReceipt, zonedInstant, type IntakeDeclaration, type IntakeFieldDeclaration } from './intake.js';
import { validateCeremonyFile } from './ceremony-file.js';

const label = (text: string) => ({ sv: text, en: text });
const FIELDS: IntakeFieldDeclaration[] = [
  { key: 'organisation', kind: 'organisation', label: label('Organisation'), required: true },
  { key: 'title', kind: 'text', label: label('Titel'), required: true, maxLength: 20 },
  { key: 'description', kind: 'longText', label: label('Beskrivning'), maxLength: 200 },
  { key: 'website', kind: 'url', label: label('Webbplats') },
  { key: 'contactEmail', kind: 'email', label: label('E-post'), required: true },
];
const INTAKE: IntakeDeclaration = { deadline: '2017-08-31T23:59', fields: FIELDS };

describe('intake: the deadline in the ceremony’s time zone', () => {
  it('reads a local time in summer (UTC+2) and winter (UTC+1)', () => {
    expect(zonedInstant('2017-08-31T23:59', 'Europe/Stockholm')?.toISOString()).toBe('2017-08-31T21:59:00.000Z');
    expect(zonedInstant('2017-01-15T12:00', 'Europe/Stockholm')?.toISOString()).toBe('2017-01-15T11:00:00.000Z');
    expect(zonedInstant('2017-08-31T23:59:30', 'UTC')?.toISOString()).toBe('2017-08-31T23:59:30.000Z');
  });

  it('refuses a time the clocks skip, and takes the later of a time that happens twice', () => {
    expect(zonedInstant('2017-03-26T02:30', 'Europe/Stockholm')).toBeNull();
    // 2017-10-29 02:30 happens at 00:30Z (CEST) and at 01:30Z (CET): the deadline is the later.
    expect(zonedInstant('2017-10-29T02:30', 'Europe/Stockholm')?.toISOString()).toBe('2017-10-29T01:30:00.000Z');
    expect(zonedInstant('2017-02-30T12:00', 'Europe/Stockholm')).toBeNull();
    expect(zonedInstant('2017-08-31T23:59', 'Mars/Olympus')).toBeNull();
  });
});

describe('intake: the form declaration', () => {
  it('accepts a sound form', () => {
    expect(intakeDeclarationProblems(INTAKE, '/categories/0/intake', 'Europe/Stockholm')).toEqual([]);
  });

  it('names every problem by its path', () => {
    const bad: IntakeDeclaration = {
      deadline: '2017-03-26T02:30',
      fields: [
        { key: 'organisation', kind: 'organisation', label: label('Org') },
        { key: 'organisation', kind: 'organisation', label: label('Org 2') },
        { key: 'title', kind: 'longText', label: label('Titel'), maxLength: 5000 },
      ],
    };
    expect(intakeDeclarationProblems(bad, '/categories/1/intake', 'Europe/Stockholm', ['kommun'])).toEqual([
      { path: '/categories/1/intake/deadline', message: 'does not happen in Europe/Stockholm (the clocks skip it)' },
      { path: '/categories/1/intake/fields/1/key', message: 'duplicates /categories/1/intake/fields/0/key "organisation"' },
      { path: '/categories/1/intake/fields/1/kind', message: 'a form has one organisation field (/categories/1/intake/fields/0 is one)' },
      { path: '/categories/1/intake/fields/2/maxLength', message: 'a longText field holds at most 4000 characters' },
      { path: '/categories/1/intake/fields/2/kind', message: 'the title field must be of kind text' },
      { path: '/categories/1/intake/fields', message: 'needs a required organisation field or a required field keyed "title" (an entry needs one of them)' },
      { path: '/categories/1/intake/fields', message: 'needs a required field keyed "kind": the category takes only kommun' },
    ]);
    expect(intakeDeclarationProblems(INTAKE, '/categories/0/intake', undefined)).toEqual([
      { path: '/ceremony/timezone', message: 'is required when a category takes submissions (an intake deadline is a local time)' },
    ]);
  });

  it('is checked with the ceremony file, schema first', () => {
    const file = { ceremony: { slug: 'g', name: 'G', timezone: 'Europe/Stockholm' }, categories: [{ slug: 'a', name: 'A', intake: { deadline: '31/8 2017', fields: [{ key: 'x', kind: 'pdf', label: label('X') }] } }] };
    const checked = validateCeremonyFile(file);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.map((p) => p.path)).toEqual(['/categories/0/intake/deadline', '/categories/0/intake/fields/0/kind']);
    const good = validateCeremonyFile({ ...file, categories: [{ slug: 'a', name: 'A', intake: INTAKE }] });
    expect(good.ok).toBe(true);
    const noZone = validateCeremonyFile({ ceremony: { slug: 'g', name: 'G' }, categories: ['a', 'b'].map((slug) => ({ slug, name: slug, intake: INTAKE })) });
    expect(noZone).toEqual({ ok: false, problems: [{ path: '/ceremony/timezone', message: 'is required when a category takes submissions (an intake deadline is a local time)' }] });
  });
});

describe('intake: a submission’s answers', () => {
  const ok = { organisation: ' Åre kommun ', title: 'Integration', contactEmail: 'anna@are.se', website: 'https://are.se/integration' };

  it('trims and keeps what is answered', () => {
    expect(checkIntakeAnswers(FIELDS, { ...ok, description: '' })).toEqual({ ok: true, answers: { organisation: 'Åre kommun', title: 'Integration', contactEmail: 'anna@are.se', website: 'https://are.se/integration' } });
  });

  it('refuses each bad field with a code and a reason', () => {
    const result = checkIntakeAnswers(FIELDS, {
      organisation: '',
      title: 'x'.repeat(21),
      description: 'Bra <script>alert(1)</script>',
      website: 'javascript:alert(1)',
      contactEmail: 'anna(at)are.se',
      colour: 'guld',
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'answers.colour', code: 'unknown', message: 'is not a field of this form' },
        { path: 'answers.organisation', code: 'required', message: 'is required' },
        { path: 'answers.title', code: 'tooLong', limit: 20, message: 'is 21 characters, at most 20 are allowed' },
        { path: 'answers.description', code: 'markup', message: 'must be plain text: markup such as <b> or <a href> is not accepted' },
        { path: 'answers.website', code: 'url', message: 'must be a web address starting with https:// or http://' },
        { path: 'answers.contactEmail', code: 'email', message: 'must be an e-mail address' },
      ],
    });
  });

  it('lets a plain "<" through, keeps line breaks to long texts, refuses other types', () => {
    expect(checkIntakeAnswers(FIELDS, { ...ok, description: 'kostnad < 5 000 kr\nrad två' }).ok).toBe(true);
    expect(checkIntakeAnswers(FIELDS, { ...ok, title: 'två\nrader' })).toMatchObject({ ok: false, problems: [{ path: 'answers.title', code: 'singleLine' }] });
    expect(checkIntakeAnswers(FIELDS, { ...ok, title: 12 })).toMatchObject({ ok: false, problems: [{ path: 'answers.title', code: 'notText' }] });
    expect(checkIntakeAnswers(FIELDS, { ...ok, title: '<!-- x -->' })).toMatchObject({ ok: false, problems: [{ code: 'markup' }] });
  });

  it('reads only the answers given, not what every object inherits', () => {
    const fields: IntakeFieldDeclaration[] = [...FIELDS, { key: 'toString', kind: 'text', label: label('X') }, { key: 'constructor', kind: 'text', label: label('Y'), required: true }];
    expect(checkIntakeAnswers(fields, ok)).toMatchObject({ ok: false, problems: [{ path: 'answers.constructor', code: 'required' }] });
  });

  it('reads a receipt code as people type it', () => {
    expect(normaliseReceipt('abcd-efgh o1l ')).toBe('ABCDEFGH011');
  });
});
