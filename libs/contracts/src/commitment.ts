/**
 * Sealed verdict commitment (DESIGN.md integrity rule 1), part of the public contract:
 * `commitment = sha256hex(JCS({ categoryId, winnerId, motivation, salt }))` (JCS = RFC 8785).
 * Jury computes it at sealing; announcements checks a sealed envelope against it; browsers check a reveal.
 *
 * Browser-safe (no node: imports): the pages use this same module. SHA-256 comes from @noble/hashes
 * rather than Web Crypto because `crypto.subtle` exists only in secure contexts, and a venue LAN page
 * served over plain http must still verify a reveal; it is synchronous, too.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';

export const SALT_BYTES = 32;

const HEX_64 = /^[0-9a-f]{64}$/;

export interface SealContents {
  categoryId: string;
  winnerId: string;
  motivation: string;
  salt: string;
}

/** SHA-256 of a UTF-8 string, lowercase hex. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** 32 random bytes, lowercase hex (64 characters). getRandomValues is there in Node and in every browser context. */
export function generateSalt(): string {
  return bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES)));
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
  return sha256Hex(canonical);
}

/** Constant-time equality of two equal-length lowercase hex strings. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
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
  return sameHex(actual, commitment);
}
