/**
 * Audience votes (issue 16): receipts, the vote root and the sealed tally, part of the public contract.
 *
 *   receipt = sha256hex( JCS({ categoryId, nomineeId, salt }) )
 *
 * `salt` is 32 random bytes (lowercase hex) drawn by the vote service when it takes the vote: without it a
 * receipt (a handful of nominees) would give the choice away. No ticket is in the receipt, so the vote root and
 * its proofs say nothing about who voted.
 *
 * The vote root is the RFC 6962 Merkle tree hash (./merkle.ts) over one leaf per accepted vote of the category,
 * leaves ordered by receipt (lowercase hex, ascending), leaf bytes = the 32 bytes of the receipt.
 * Browser-safe: the phone ballot checks its inclusion proof with this module.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256Hex } from './commitment.js';
import { fromHex64, isHex64, merkleInclusionPath, merkleLeafHash, merkleRoot } from './merkle.js';
import { nomineeName, type NomineeView } from './ceremony.js';

/** The voter's receipt: keep it to check, after the reveal, that the vote is in the sealed tally. */
export interface VoteReceipt {
  ceremonyId: string;
  categoryId: string;
  nomineeId: string;
  salt: string;
  /** sha256hex(JCS({ categoryId, nomineeId, salt })): computeVoteReceipt below. */
  receipt: string;
  castAt: string;
}

export interface VoteReceiptContents {
  categoryId: string;
  nomineeId: string;
  salt: string;
}

export function computeVoteReceipt(contents: VoteReceiptContents): string {
  return sha256Hex(voteReceiptText(contents));
}

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The text a receipt hashes: JCS({ categoryId, nomineeId, salt }). Three string members, so JCS is the keys in
 * that (sorted) order and each value as JSON.stringify writes a string (RFC 8785 §3.2.2.2); written out here, not
 * through a general canonicalizer, because the vote service hashes one per vote (the unit test holds it to
 * `canonicalize`'s output). A server may hash it with its own SHA-256.
 */
export function voteReceiptText(contents: VoteReceiptContents): string {
  const { categoryId, nomineeId, salt } = contents;
  if (typeof categoryId !== 'string' || !categoryId || typeof nomineeId !== 'string' || !nomineeId) throw new TypeError('vote receipt needs categoryId and nomineeId');
  if (!isHex64(salt)) throw new TypeError('vote receipt salt must be 32 bytes as lowercase hex');
  // JCS has no text for a lone surrogate (RFC 8785 §3.2.2.2: not valid Unicode): refused, as canonicalize does.
  if (LONE_SURROGATE.test(categoryId) || LONE_SURROGATE.test(nomineeId)) throw new TypeError('vote receipt ids must be valid Unicode (a lone surrogate)');
  return `{"categoryId":${JSON.stringify(categoryId)},"nomineeId":${JSON.stringify(nomineeId)},"salt":"${salt}"}`;
}

function ordered(receipts: readonly string[]): string[] {
  const sorted = [...receipts].sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw new TypeError(`receipt ${sorted[i]} is in the tree twice`);
  return sorted;
}

export function voteRoot(receipts: readonly string[]): { root: string; count: number } {
  const leaves = ordered(receipts);
  return { root: bytesToHex(merkleRoot(leaves.map((r) => merkleLeafHash(fromHex64(r))))), count: leaves.length };
}

export interface VoteInclusionProof {
  receipt: string;
  leafIndex: number;
  treeSize: number;
  path: string[];
  root: string;
}

export function voteProof(receipts: readonly string[], receipt: string): VoteInclusionProof | null {
  const leaves = ordered(receipts);
  const index = leaves.indexOf(receipt);
  if (index < 0) return null;
  const hashes = leaves.map((r) => merkleLeafHash(fromHex64(r)));
  return { receipt, leafIndex: index, treeSize: leaves.length, path: merkleInclusionPath(hashes, index).map(bytesToHex), root: bytesToHex(merkleRoot(hashes)) };
}

/** Counts per nominee, every nominee of the category present (0 included). */
export type VoteCounts = Record<string, number>;

/**
 * The audience's winner: most votes; a tie goes to the nominee listed first in the category (the ceremony
 * file's order), a rule fixed before the show and stated here so anyone recounting reaches the same winner.
 */
export function audienceWinner(nominees: readonly Pick<NomineeView, 'id'>[], counts: VoteCounts): string {
  if (nominees.length === 0) throw new TypeError('a category without nominees has no winner');
  let best = nominees[0].id;
  for (const n of nominees) if ((counts[n.id] ?? 0) > (counts[best] ?? 0)) best = n.id;
  return best;
}

/** The sealed "motivation" of an audience award: what the audience decided, in the ceremony's language. */
export function audienceMotivation(winner: Pick<NomineeView, 'organisation' | 'title'>, counts: VoteCounts, winnerId: string, locale = 'sv-SE'): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const votes = counts[winnerId] ?? 0;
  const name = nomineeName(winner);
  return locale.startsWith('sv')
    ? `Publikens röst: ${name} fick ${votes} av ${total} röster.`
    : `The audience's vote: ${name} received ${votes} of ${total} votes.`;
}
