/**
 * Ballot receipts and the panel's ballot root (docs/architecture.md, "Formats"), part of the public contract.
 *
 *   receipt = sha256hex( JCS({ categoryId, jurorId, scores, salt }) )
 *
 * `scores` is the locked ballot exactly as stored (`{ <nomineeId>: { <criterionKey>: 1..10 } }`), `salt`
 * 32 random bytes (lowercase hex) drawn at the lock. The salt is not optional decoration: scores are
 * low-entropy (6 nominees × one `overall` score is 10^6 ballots), so without it a receipt, or a sibling
 * hash in someone else's inclusion proof, would give the ballot away to a brute-force search.
 *
 * The ballot root is the RFC 6962 Merkle tree hash (./merkle.ts) over one leaf per locked ballot of the
 * panel at the seal, leaves ordered by jurorId (lowercase UUID text, ascending), leaf bytes = the 32
 * bytes of the receipt.
 */
import canonicalize from 'canonicalize';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256Hex } from './commitment.js';
import { fromHex64, isHex64, merkleInclusionPath, merkleLeafHash, merkleRoot, verifyMerkleInclusion } from './merkle.js';

export interface ReceiptContents {
  categoryId: string;
  jurorId: string;
  scores: Record<string, Record<string, number>>;
  salt: string;
}

/** One locked ballot as a leaf of the ballot tree. */
export interface ReceiptLeaf {
  jurorId: string;
  receipt: string;
}

/** An inclusion proof of one receipt in a ballot root, as the proof endpoint returns it. */
export interface ReceiptProof {
  receipt: string;
  /** 0-based position of the leaf (the juror's place in jurorId order). */
  leafIndex: number;
  treeSize: number;
  /** RFC 6962 audit path, lowercase hex, leaf level first. */
  path: string[];
  root: string;
}

/** Hashes exactly the four fields; any other property is ignored. */
export function computeReceipt(contents: ReceiptContents): string {
  const { categoryId, jurorId, scores, salt } = contents;
  if (typeof categoryId !== 'string' || !categoryId || typeof jurorId !== 'string' || !jurorId) throw new TypeError('receipt needs categoryId and jurorId');
  if (!isHex64(salt)) throw new TypeError('receipt salt must be 32 bytes as lowercase hex');
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) throw new TypeError('receipt scores must be an object');
  const canonical = canonicalize({ categoryId, jurorId, scores, salt });
  if (canonical === undefined) throw new TypeError('receipt contents are not canonicalizable');
  return sha256Hex(canonical);
}

/** Leaves in tree order: by jurorId, ascending (plain string order of the lowercase UUIDs). */
export function orderLeaves(leaves: readonly ReceiptLeaf[]): ReceiptLeaf[] {
  const sorted = leaves.map((l) => ({ jurorId: l.jurorId.toLowerCase(), receipt: l.receipt })).sort((a, b) => (a.jurorId < b.jurorId ? -1 : a.jurorId > b.jurorId ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) if (sorted[i].jurorId === sorted[i - 1].jurorId) throw new TypeError(`juror ${sorted[i].jurorId} has two leaves`);
  return sorted;
}

export function ballotRoot(leaves: readonly ReceiptLeaf[]): { root: string; count: number } {
  const ordered = orderLeaves(leaves);
  return { root: bytesToHex(merkleRoot(ordered.map((l) => merkleLeafHash(fromHex64(l.receipt))))), count: ordered.length };
}

/** The proof for one juror's leaf; null when the juror has no leaf in the tree. */
export function receiptProof(leaves: readonly ReceiptLeaf[], jurorId: string): ReceiptProof | null {
  const ordered = orderLeaves(leaves);
  const index = ordered.findIndex((l) => l.jurorId === jurorId.toLowerCase());
  if (index < 0) return null;
  const hashes = ordered.map((l) => merkleLeafHash(fromHex64(l.receipt)));
  return {
    receipt: ordered[index].receipt,
    leafIndex: index,
    treeSize: ordered.length,
    path: merkleInclusionPath(hashes, index).map(bytesToHex),
    root: bytesToHex(merkleRoot(hashes)),
  };
}

/**
 * True when `receipt` is the leaf at `leafIndex` of the published tree `{ root, count }` (the sealed one,
 * not the proof's own copy). The count matters: an audit path alone does not bind the tree size.
 */
export function verifyReceiptProof(receipt: string, proof: Pick<ReceiptProof, 'leafIndex' | 'treeSize' | 'path'>, published: { root: string; count: number }): boolean {
  const { root, count } = published;
  if (!isHex64(receipt) || !isHex64(root) || proof.treeSize !== count || !Array.isArray(proof.path) || !proof.path.every(isHex64)) return false;
  return verifyMerkleInclusion({
    leafHash: merkleLeafHash(fromHex64(receipt)),
    index: proof.leafIndex,
    treeSize: proof.treeSize,
    path: proof.path.map(fromHex64),
    root: fromHex64(root),
  });
}
