/**
 * Sealed verdict commitment (DESIGN.md integrity rule 1):
 * `commitment = sha256hex(JCS({ categoryId, winnerId, motivation, salt }))`.
 * Only the commitment is published at sealing; the reveal carries the four fields so anyone can recompute it.
 */
import { computeCommitment, generateSalt, SALT_BYTES, verifyCommitment, type SealContents } from '#contracts';

export { computeCommitment, generateSalt, SALT_BYTES, verifyCommitment, type SealContents };

export const MOTIVATION_MIN_LENGTH = 20;
export const MOTIVATION_MAX_LENGTH = 2000;

export type MotivationProblemReason =
  | 'not a string'
  | 'too short'
  | 'too long'
  | 'control character'
  | 'html tag'
  | 'invalid unicode';

export interface MotivationProblem {
  path: 'motivation';
  reason: MotivationProblemReason;
}

/**
 * The form a motivation is stored, sealed and revealed in: trimmed, `\n` line ends, Unicode NFC.
 * NFC matters: "å" typed on a Mac may arrive decomposed, and the commitment hashes exact code points.
 */
export function normalizeMotivation(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

/** Problems of the motivation as it will be sealed (after normalizeMotivation); empty when acceptable. */
export function validateMotivation(text: unknown): MotivationProblem[] {
  const problem = (reason: MotivationProblemReason): MotivationProblem => ({ path: 'motivation', reason });
  if (typeof text !== 'string') return [problem('not a string')];
  // Lone surrogates cannot be canonicalized (RFC 8785), so they could never be sealed.
  if (/\p{Cs}/u.test(text)) return [problem('invalid unicode')];

  const normalized = normalizeMotivation(text);
  const problems: MotivationProblem[] = [];
  const length = [...normalized].length; // code points, so an emoji counts as one character
  if (length < MOTIVATION_MIN_LENGTH) problems.push(problem('too short'));
  if (length > MOTIVATION_MAX_LENGTH) problems.push(problem('too long'));
  if (/(?!\n)\p{Cc}/u.test(normalized)) problems.push(problem('control character'));
  // A tag starts with a letter, `/`, `!` or `?` right after `<`; "betyg < 5 > 3" is plain text.
  if (/<[a-zA-Z/!?][^>]*>/.test(normalized)) problems.push(problem('html tag'));
  return problems;
}

/** The motivation does not meet the plain-text rules; `problems` go to the 400 details. */
export class MotivationError extends Error {
  constructor(readonly problems: MotivationProblem[]) {
    super(`invalid motivation: ${problems.map((p) => p.reason).join(', ')}`);
    this.name = 'MotivationError';
  }
}

export interface SealedVerdict extends SealContents {
  commitment: string;
}

/**
 * Seals a verdict: normalizes and validates the motivation, then commits to it with a fresh salt.
 * Store and later reveal the returned fields exactly; `salt` is a parameter only so tests are deterministic.
 */
export function sealVerdict(verdict: Omit<SealContents, 'salt'>, salt: string = generateSalt()): SealedVerdict {
  const problems = validateMotivation(verdict.motivation);
  if (problems.length > 0) throw new MotivationError(problems);
  const contents: SealContents = {
    categoryId: verdict.categoryId,
    winnerId: verdict.winnerId,
    motivation: normalizeMotivation(verdict.motivation),
    salt,
  };
  return { ...contents, commitment: computeCommitment(contents) };
}
