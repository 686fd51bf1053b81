import { createHash, randomBytes } from 'node:crypto';
import { INTAKE_ENTRY_KEYS, normaliseReceipt, zonedInstant, type CeremonyFileCategory, type IntakeDeclaration, type IntakeFieldDeclaration } from '#contracts';

/** Crockford base32: no I, L, O, U, so a code read aloud or retyped from paper survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new receipt code: 26 symbols, 5 random bits each (130 bits). */
export function newReceipt(): string {
  return [...randomBytes(26)].map((b) => ALPHABET[b & 31]).join('');
}

/** What is stored of a receipt code (never the code). */
export function receiptHash(code: string): string {
  return createHash('sha256').update(normaliseReceipt(code)).digest('hex');
}

/** A category's intake as the imported ceremony file declares it, or null when it takes no submissions. */
export function intakeOf(sourceFile: Record<string, unknown>, categorySlug: string): IntakeDeclaration | null {
  const categories = (sourceFile.categories ?? []) as CeremonyFileCategory[];
  return categories.find((c) => c.slug === categorySlug)?.intake ?? null;
}

/** The deadline's instant (the file was validated at import, so the local time exists in the zone). */
export function deadlineOf(intake: IntakeDeclaration, timezone: string): Date {
  const at = zonedInstant(intake.deadline, timezone);
  if (!at) throw new Error(`intake deadline ${intake.deadline} does not exist in ${timezone}`);
  return at;
}

/**
 * A submission's answers as entry fields (see IntakeFieldDeclaration.key): the organisation and e-mail
 * fields and the keys title, description, contactName, kind fill their columns; every other answered
 * field becomes a "label: value" line after the description, so links reach the jury with the entry.
 */
export function entryFieldsOf(fields: readonly IntakeFieldDeclaration[], answers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const extra: string[] = [];
  for (const field of fields) {
    const value = answers[field.key];
    if (!value) continue;
    if (field.kind === 'organisation') out.organisation = value;
    else if (field.kind === 'email') out.contactEmail = value;
    else if ((INTAKE_ENTRY_KEYS as readonly string[]).includes(field.key)) out[field.key] = value;
    else extra.push(`${field.label.sv}: ${value}`);
  }
  const description = [out.description, extra.join('\n')].filter(Boolean).join('\n\n');
  if (description) out.description = description;
  return out;
}
