/**
 * Merkle tree of RFC 6962 §2.1 (Certificate Transparency; unchanged in RFC 9162 §2.1.1), over SHA-256:
 *
 *   leaf hash  = SHA-256(0x00 || leaf bytes)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256("")
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two < n
 *
 * The 0x00/0x01 prefixes keep a leaf from ever being read as an inner node (second-preimage safety).
 * Inclusion proofs are the RFC's audit path PATH(m, D[n]), leaf level first, and are checked with the
 * algorithm of RFC 9162 §2.1.3.2. Written here rather than taken from a package: the npm Merkle
 * libraries are keccak-first or configurable hashing toolkits without the RFC's leaf/node prefixes.
 * Browser-safe (SHA-256 from @noble/hashes): the jury page checks proofs with this same module.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';

const HEX_64 = /^[0-9a-f]{64}$/;

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = nobleSha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x00), leaf);
}

export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x01), left, right);
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes (already `merkleLeafHash`ed), in their order. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return sha256();
  if (leafHashes.length === 1) return Uint8Array.from(leafHashes[0]);
  const k = splitPoint(leafHashes.length);
  return merkleNodeHash(merkleRoot(leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k)));
}

/** PATH(m, D[n]): the sibling hashes from the leaf's level up to the root's children. */
export function merkleInclusionPath(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  const n = leafHashes.length;
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`leaf index ${index} is outside a tree of ${n}`);
  if (n === 1) return [];
  const k = splitPoint(n);
  return index < k
    ? [...merkleInclusionPath(leafHashes.slice(0, k), index), merkleRoot(leafHashes.slice(k))]
    : [...merkleInclusionPath(leafHashes.slice(k), index - k), merkleRoot(leafHashes.slice(0, k))];
}

/**
 * RFC 9162 §2.1.3.2: true when `leafHash` at `index` of a tree of `treeSize` leaves, with audit path
 * `path`, hashes up to `root`. Anything malformed is simply false.
 */
export function verifyMerkleInclusion(p: { leafHash: Uint8Array; index: number; treeSize: number; path: readonly Uint8Array[]; root: Uint8Array }): boolean {
  const { index, treeSize, path } = p;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (p.leafHash.length !== 32 || p.root.length !== 32 || path.some((h) => h.length !== 32)) return false;
  // Bit arithmetic on numbers (not 32-bit ints): tree sizes here are small, but never truncate.
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = p.leafHash;
  for (const sibling of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(sibling, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = merkleNodeHash(r, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameBytes(r, p.root);
}

export function isHex64(value: unknown): value is string {
  return typeof value === 'string' && HEX_64.test(value);
}

export function fromHex64(value: string): Uint8Array {
  if (!isHex64(value)) throw new TypeError(`not 32 bytes as lowercase hex: ${String(value).slice(0, 80)}`);
  return hexToBytes(value);
}
