import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EntryFields } from '#contracts';

export type EntryField = keyof EntryFields;

/** CSV header → entry field. Headers are compared lower-cased with spaces and dashes as `_`; Swedish headers work too. */
const COLUMN_ALIASES: Record<EntryField, string[]> = {
  externalId: ['external_id', 'externalid', 'id', 'entry_id', 'bidrag_id', 'bidragsid', 'reference', 'referens'],
  organisation: ['organisation', 'organization', 'org', 'organisation_name', 'organisationsnamn', 'organisation_namn', 'organisationens_namn'],
  kind: ['kind', 'organisation_kind', 'organisation_type', 'type', 'typ', 'organisationstyp', 'organisationsform'],
  title: ['title', 'titel', 'entry_title', 'bidrag', 'bidragets_titel', 'projekt', 'project'],
  description: ['description', 'beskrivning', 'summary', 'sammanfattning'],
  contactName: ['contact_name', 'contactname', 'contact', 'kontaktperson', 'kontakt', 'namn'],
  contactEmail: ['contact_email', 'contactemail', 'email', 'e_mail', 'e_post', 'epost', 'mail'],
  contactPhone: ['contact_phone', 'contactphone', 'phone', 'telefon', 'tel', 'mobil'],
};

const ALIAS_TO_FIELD = new Map<string, EntryField>(
  (Object.entries(COLUMN_ALIASES) as [EntryField, string[]][]).flatMap(([field, aliases]) => aliases.map((a) => [a, field] as const)),
);

export interface ColumnMap {
  /** Field for each column index; undefined = ignored column. */
  fields: (EntryField | undefined)[];
  ignored: string[];
}

function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Maps a CSV header row to entry fields; problems are file-level (the whole file is refused). */
export function mapColumns(columns: string[]): { ok: true; map: ColumnMap } | { ok: false; problems: { path: string; message: string }[] } {
  const fields: (EntryField | undefined)[] = [];
  const ignored: string[] = [];
  const seen = new Map<EntryField, number>();
  const problems: { path: string; message: string }[] = [];
  columns.forEach((column, i) => {
    const field = ALIAS_TO_FIELD.get(headerKey(column));
    if (!field) {
      if (column.trim()) ignored.push(column.trim());
      fields.push(undefined);
      return;
    }
    const first = seen.get(field);
    if (first !== undefined) problems.push({ path: `columns/${i}`, message: `"${column}" names the same field as column ${first + 1} ("${columns[first]}")` });
    seen.set(field, i);
    fields.push(field);
  });
  if (!seen.has('organisation') && !seen.has('title')) problems.push({ path: 'columns', message: 'the header needs an organisation or a title column' });
  return problems.length ? { ok: false, problems } : { ok: true, map: { fields, ignored } };
}

/** The column name a field came from, for row reports (what the organiser sees in their sheet). */
export function columnOf(columns: string[], map: ColumnMap, field: string): string {
  const i = map.fields.indexOf(field as EntryField);
  return i === -1 ? field : columns[i].trim();
}

export function rowToFields(values: string[], map: ColumnMap): Record<string, string> {
  const out: Record<string, string> = {};
  map.fields.forEach((field, i) => {
    const value = values[i]?.trim();
    if (field && value) out[field] = value;
  });
  return out;
}

function flatten(errors: ValidationError[]): { field: string; reason: string }[] {
  // class-validator starts each message with the property name; the report names the column instead.
  return errors.flatMap((e) => Object.values(e.constraints ?? {}).map((reason) => ({ field: e.property, reason: reason.startsWith(`${e.property} `) ? reason.slice(e.property.length + 1) : reason })));
}

/** Checks one entry's fields: types and lengths (the contract's class), then "an organisation or a title". */
export function checkEntryFields(raw: Record<string, unknown>): { ok: true; fields: EntryFields } | { ok: false; problems: { field: string; reason: string }[] } {
  const instance = plainToInstance(EntryFields, raw);
  const problems = flatten(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }));
  if (!instance.organisation && !instance.title) problems.push({ field: 'organisation', reason: 'needs an organisation or a title' });
  for (const [field, value] of Object.entries(raw)) if (typeof value === 'string' && value.includes('\u0000')) problems.push({ field, reason: 'contains a NUL character (U+0000)' });
  return problems.length ? { ok: false, problems } : { ok: true, fields: instance };
}

/** Lower case, Unicode-normalised, punctuation and runs of spaces folded: "Åre  kommun." ≡ "åre kommun". */
export function normalise(text: string | null | undefined): string {
  return (text ?? '')
    .normalize('NFKC')
    .toLocaleLowerCase('sv-SE')
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
}

/** The natural key of an entry within its category: normalised organisation + title. */
export function naturalKey(fields: Pick<EntryFields, 'organisation' | 'title'>): string {
  return `${normalise(fields.organisation)}|${normalise(fields.title)}`;
}

/**
 * A category's eligibility rule: when it lists `eligibleKinds`, an entry's kind must be one of them;
 * when it lists none, anything goes. Returns the reason an entry is refused, or null.
 */
export function ineligibility(category: { name: string; eligibleKinds: string[] }, kind: string | null | undefined): string | null {
  if (!category.eligibleKinds.length) return null;
  const allowed = category.eligibleKinds.join(', ');
  if (!kind) return `a kind is required for ${category.name}: only ${allowed}`;
  const wanted = normalise(kind);
  if (category.eligibleKinds.some((k) => normalise(k) === wanted)) return null;
  return `kind "${kind}" is not eligible for ${category.name}: only ${allowed}`;
}

/** The kind as the category spells it ("Kommun" → "kommun"), so entries of one kind read alike; else as given. */
export function canonicalKind(category: { eligibleKinds: string[] }, kind: string | undefined): string | null {
  if (!kind) return null;
  return category.eligibleKinds.find((k) => normalise(k) === normalise(kind)) ?? kind;
}

/** A URL-safe slug for a nominee chosen from an entry ("Örnsköldsviks kommun" → "ornskoldsviks-kommun"). */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 70)
    .replace(/-+$/, '');
  return slug || 'nominee';
}
