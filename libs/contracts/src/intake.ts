/**
 * Entrant intake (issue 15, item 1): a category's public submission form as the ceremony file declares
 * it (`categories[].intake`), its deadline in the ceremony's time zone, and the per-field rules a
 * submission is checked by. Pure and browser-safe: nominations checks submissions with these functions,
 * and the intake page checks the same rules before it sends (the server's answer is the one that counts).
 */
import type { FieldProblem } from './errors.js';

export const INTAKE_FIELD_KINDS = ['text', 'longText', 'url', 'organisation', 'email'] as const;
export type IntakeFieldKind = (typeof INTAKE_FIELD_KINDS)[number];

/** The longest value each kind may be declared to take (an entry's column holds it). */
export const INTAKE_MAX_LENGTH: Readonly<Record<IntakeFieldKind, number>> = { text: 500, longText: 4000, url: 2000, organisation: 300, email: 254 };

export interface IntakeLabel {
  sv: string;
  en: string;
}

export interface IntakeFieldDeclaration {
  /**
   * The field's name in a submission. These keys become the entry's columns when the admin accepts it:
   * the organisation field → organisation, the e-mail field → contactEmail, and the keys `title`,
   * `description`, `contactName`, `kind` → those columns; every other field (links, extra texts) is
   * added to the entry's description as a "label: value" line.
   */
  key: string;
  kind: IntakeFieldKind;
  label: IntakeLabel;
  /** A short hint shown under the field. */
  help?: IntakeLabel;
  required?: boolean;
  /** Characters; default and ceiling INTAKE_MAX_LENGTH of its kind. */
  maxLength?: number;
}

export interface IntakeDeclaration {
  /** Local date and time (`2017-08-31T23:59`) in the ceremony's `timezone`; submissions and edits close then. */
  deadline: string;
  fields: IntakeFieldDeclaration[];
}

/** The keys that fill an entry's own columns (see IntakeFieldDeclaration.key). */
export const INTAKE_ENTRY_KEYS = ['title', 'description', 'contactName', 'kind'] as const;

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const KEY = /^[a-z][a-zA-Z0-9]{0,39}$/;

export function maxLengthOf(field: Pick<IntakeFieldDeclaration, 'kind' | 'maxLength'>): number {
  return Math.min(field.maxLength ?? INTAKE_MAX_LENGTH[field.kind], INTAKE_MAX_LENGTH[field.kind]);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A local date-time (`2017-08-31T23:59`) as if it were UTC (ms); null when it is no real date and time. */
export function localDateTime(local: string): number | null {
  const m = LOCAL_DATE_TIME.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const wanted = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wanted);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return wanted;
}

/** The wall clock of an instant in a zone, as if it were UTC (ms). */
function wallClock(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(
    new Date(instant),
  );
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}

/**
 * The instant a local date-time means in a time zone. null when it is not a date-time at all, or when
 * the zone skips it (the hour clocks jump forward). When it happens twice (clocks go back), the later
 * instant: a deadline then closes at the last moment it could mean.
 */
export function zonedInstant(local: string, zone: string): Date | null {
  const wanted = localDateTime(local);
  if (wanted === null || !isTimeZone(zone)) return null;
  // Offsets within a day of the wall time: try each one the zone has around it.
  const candidates = new Set<number>();
  for (const probe of [wanted - 86_400_000, wanted, wanted + 86_400_000]) candidates.add(wanted - (wallClock(probe, zone) - probe));
  const matching = [...candidates].filter((t) => wallClock(t, zone) === wanted).sort((a, b) => a - b);
  return matching.length ? new Date(matching[matching.length - 1]) : null;
}

/**
 * Checks a category's intake declaration beyond its JSON Schema, with JSON paths under `path`
 * (`/categories/3/intake`): the deadline in the ceremony's time zone, unique keys, lengths within their
 * kind, what an entry needs (an organisation or a title; a kind when the category limits kinds).
 */
export function intakeDeclarationProblems(intake: IntakeDeclaration, path: string, timezone: string | undefined, eligibleKinds: readonly string[] = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const local = localDateTime(intake.deadline);
  if (local === null) problems.push({ path: `${path}/deadline`, message: 'is not a date and time (YYYY-MM-DDTHH:MM, local time)' });
  if (!timezone) problems.push({ path: '/ceremony/timezone', message: 'is required when a category takes submissions (an intake deadline is a local time)' });
  else if (!isTimeZone(timezone)) problems.push({ path: '/ceremony/timezone', message: `"${timezone}" is not a time zone (e.g. Europe/Stockholm)` });
  else if (local !== null && !zonedInstant(intake.deadline, timezone)) problems.push({ path: `${path}/deadline`, message: `does not happen in ${timezone} (the clocks skip it)` });
  const seen = new Map<string, number>();
  const once: Partial<Record<IntakeFieldKind, number>> = {};
  intake.fields.forEach((field, i) => {
    const at = `${path}/fields/${i}`;
    if (!KEY.test(field.key)) problems.push({ path: `${at}/key`, message: 'must start with a lower-case letter and hold only letters and digits (at most 40)' });
    const first = seen.get(field.key);
    if (first !== undefined) problems.push({ path: `${at}/key`, message: `duplicates ${path}/fields/${first}/key "${field.key}"` });
    else seen.set(field.key, i);
    if (field.kind === 'organisation' || field.kind === 'email') {
      const earlier = once[field.kind];
      if (earlier !== undefined) problems.push({ path: `${at}/kind`, message: `a form has one ${field.kind} field (${path}/fields/${earlier} is one)` });
      else once[field.kind] = i;
    }
    if (field.maxLength !== undefined && field.maxLength > INTAKE_MAX_LENGTH[field.kind])
      problems.push({ path: `${at}/maxLength`, message: `a ${field.kind} field holds at most ${INTAKE_MAX_LENGTH[field.kind]} characters` });
    const entryKey = (INTAKE_ENTRY_KEYS as readonly string[]).includes(field.key);
    if (entryKey && field.key !== 'description' && field.kind !== 'text') problems.push({ path: `${at}/kind`, message: `the ${field.key} field must be of kind text` });
    if (field.key === 'description' && field.kind !== 'text' && field.kind !== 'longText') problems.push({ path: `${at}/kind`, message: 'the description field must be of kind text or longText' });
  });
  const byKey = (key: string) => intake.fields.find((f) => f.key === key);
  const organisation = intake.fields.find((f) => f.kind === 'organisation');
  if (!organisation?.required && !byKey('title')?.required) problems.push({ path: `${path}/fields`, message: 'needs a required organisation field or a required field keyed "title" (an entry needs one of them)' });
  if (eligibleKinds.length && !byKey('kind')?.required)
    problems.push({ path: `${path}/fields`, message: `needs a required field keyed "kind": the category takes only ${eligibleKinds.join(', ')}` });
  // What goes to the entry's description (the description and every other field as a line) must fit it.
  const described = intake.fields.filter(describedField);
  const room = described.reduce((sum, f) => sum + maxLengthOf(f) + (f.key === 'description' ? 2 : f.label.sv.length + 3), 0);
  if (room > INTAKE_MAX_LENGTH.longText)
    problems.push({ path: `${path}/fields`, message: `the description and the extra fields may add up to ${room} characters, more than an entry's description holds (${INTAKE_MAX_LENGTH.longText}): lower their maxLength` });
  return problems;
}

/** A field that lands in the entry's description: the description itself and every field with no column of its own. */
function describedField(field: IntakeFieldDeclaration): boolean {
  if (field.kind === 'organisation' || field.kind === 'email') return false;
  return field.key === 'description' || !(INTAKE_ENTRY_KEYS as readonly string[]).includes(field.key);
}

/** Why a field's value is refused: a stable code (the page words it in sv/en) and an English message. */
export type IntakeProblemCode = 'required' | 'tooLong' | 'markup' | 'singleLine' | 'control' | 'url' | 'email' | 'notText' | 'unknown' | 'trap' | 'closed';

export interface IntakeProblem extends FieldProblem {
  code: IntakeProblemCode;
  /** For tooLong: the field's maximum. */
  limit?: number;
}

/** Markup: a tag, a comment or a processing instruction opening (`<b`, `</`, `<!--`, `<?`). Plain `<` in "a < b" passes. */
const MARKUP = /<\s*[a-zA-Z/!?]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

function urlProblem(value: string): boolean {
  try {
    const url = new URL(value);
    return !(url.protocol === 'https:' || url.protocol === 'http:') || !url.hostname.includes('.') || /\s/.test(value);
  } catch {
    return true;
  }
}

/**
 * Checks a submission's answers against its form: every field's problems, located as `answers.<key>`.
 * Values are trimmed; an empty optional field is left out. Markup is refused (not escaped and kept): a
 * submission is shown as text everywhere, and a refusal tells the entrant now rather than a juror later.
 */
export function checkIntakeAnswers(
  fields: readonly IntakeFieldDeclaration[],
  answers: Readonly<Record<string, unknown>>,
): { ok: true; answers: Record<string, string> } | { ok: false; problems: IntakeProblem[] } {
  const problems: IntakeProblem[] = [];
  const clean: Record<string, string> = {};
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(answers)) if (!known.has(key)) problems.push({ path: `answers.${key}`, code: 'unknown', message: 'is not a field of this form' });
  for (const field of fields) {
    const path = `answers.${field.key}`;
    // Own properties only: a field keyed like an Object method (`toString`) must not read the prototype's.
    const raw = Object.prototype.hasOwnProperty.call(answers, field.key) ? answers[field.key] : undefined;
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      problems.push({ path, code: 'notText', message: 'must be text' });
      continue;
    }
    const value = (raw ?? '').replace(/\r\n?/g, '\n').trim();
    if (!value) {
      if (field.required) problems.push({ path, code: 'required', message: 'is required' });
      continue;
    }
    const limit = maxLengthOf(field);
    const length = [...value].length;
    if (length > limit) problems.push({ path, code: 'tooLong', limit, message: `is ${length} characters, at most ${limit} are allowed` });
    else if (CONTROL.test(value)) problems.push({ path, code: 'control', message: 'contains a control character' });
    else if (field.kind !== 'longText' && /[\n\t]/.test(value)) problems.push({ path, code: 'singleLine', message: 'must be one line' });
    else if (MARKUP.test(value)) problems.push({ path, code: 'markup', message: 'must be plain text: markup such as <b> or <a href> is not accepted' });
    else if (field.kind === 'url' && urlProblem(value)) problems.push({ path, code: 'url', message: 'must be a web address starting with https:// or http://' });
    else if (field.kind === 'email' && !EMAIL.test(value)) problems.push({ path, code: 'email', message: 'must be an e-mail address' });
    else clean[field.key] = value;
  }
  return problems.length ? { ok: false, problems } : { ok: true, answers: clean };
}

/** The message of a refused submission: how many fields, and the first one named. */
export function intakeRefusalMessage(problems: readonly IntakeProblem[]): string {
  const [first] = problems;
  return problems.length === 1 && first ? `${first.path.replace(/^answers\./, '')} ${first.message}` : `${problems.length} fields need attention`;
}

/** A receipt code as typed (lower case, dashes, spaces, O for 0, I or L for 1) in its canonical form. */
export function normaliseReceipt(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}
