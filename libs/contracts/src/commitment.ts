/**
 * Sealed verdict commitment (DESIGN.md integrity rule 1), part of the public contract:
 * `commitment = sha256hex(JCS({ categoryId, winnerId, motivation, salt }))` (JCS = RFC 8785).
 * Jury computes it at sealing; announcements checks a sealed envelope against it; anyone can check a reveal.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';

export const SALT_BYTES = 32;

const HEX_64 = /^[0-9a-f]{64}$/;

export interface SealContents {
  categoryId: string;
  winnerId: string;
  motivation: string;
  salt: string;
}

/** 32 random bytes, lowercase hex (64 characters). */
export function generateSalt(): string {
  return randomBytes(SALT_BYTES).toString('hex');
}

/** Hashes exactly the four sealed fields; any other property on `contents` is ignored. */
export function computeCommitment(contents: SealContents): string {
  const { categoryId, winnerId, motivation, salt } = contents;
  for (const [name, value] of Object.entries({ categoryId, winnerId, motivation, salt })) {
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`seal ${name} must be a non-empty string`);
  }
  if (!HEX_64.test(salt)) throw new TypeError('seal salt must be 32 bytes as lowercase hex');
  const canonical = canonicalize({ categoryId, winnerId, motivation, salt });
  if (canonical === undefined) throw new TypeError('seal contents are not canonicalizable');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** True when `contents` hash to `commitment`. Compared in constant time; malformed input is simply false. */
export function verifyCommitment(contents: SealContents, commitment: string): boolean {
  if (typeof commitment !== 'string' || !HEX_64.test(commitment)) return false;
  let actual: string;
  try {
    actual = computeCommitment(contents);
  } catch {
    return false; // malformed contents cannot match any commitment we issued
  }
  return timingSafeEqual(Buffer.from(actual, 'hex'), Buffer.from(commitment, 'hex'));
}

