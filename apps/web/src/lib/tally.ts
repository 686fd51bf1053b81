/**
 * In-browser checks of the formats in docs/architecture.md ("Formats"), without libraries: a ballot
 * receipt, an RFC 6962 inclusion proof against the published ballot root, and audit anchors.
 * Same algorithms as libs/contracts/src/ballot-receipt.ts and merkle.ts (RFC 9162 §2.1.3.2).
 */
import { canonicalize, sha256 } from './jcs.js';

export interface Anchor {
  hash: string;
  count: number;
}

const HEX_64 = /^[0-9a-f]{64}$/;

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  // Web Crypto only exists in secure contexts (https, localhost); on a plain-http LAN use ours.
  if (globalThis.crypto?.subtle) return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return sha256(bytes);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** receipt = sha256hex(JCS({ categoryId, jurorId, scores, salt })) */
export async function computeReceipt(b: { categoryId: string; jurorId: string; scores: Record<string, Record<string, number>>; salt: string }): Promise<string> {
  const text = canonicalize({ categoryId: b.categoryId, jurorId: b.jurorId, scores: b.scores, salt: b.salt });
  return toHex(await digest(new TextEncoder().encode(text)));
}

/** True when `receipt` is leaf `leafIndex` of the published tree `{ root, count }` (RFC 9162 §2.1.3.2). */
export async function verifyReceiptProof(receipt: string, proof: { leafIndex: number; treeSize: number; path: string[] }, published: { root: string; count: number }): Promise<boolean> {
  const { leafIndex, treeSize, path } = proof;
  if (!HEX_64.test(receipt) || !HEX_64.test(published.root) || treeSize !== published.count || !Array.isArray(path) || !path.every((p) => HEX_64.test(p))) return false;
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = await digest(concat(Uint8Array.of(0), fromHex(receipt)));
  for (const hex of path) {
    if (sn === 0) return false;
    const p = fromHex(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = await digest(concat(Uint8Array.of(1), p, r));
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await digest(concat(Uint8Array.of(1), r, p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === published.root;
}

export function formatAnchor(a: Anchor): string {
  return `${a.hash}@${a.count}`;
}

export function parseAnchor(text: string): Anchor | null {
  const m = /^([0-9a-f]{64})@(\d{1,9})$/.exec(text.trim().toLowerCase());
  return m ? { hash: m[1], count: Number(m[2]) } : null;
}
