/**
 * An anchor of the jury audit chain: `{ hash, count }` = the hash of entry number `count` (seq = count,
 * so `count` entries existed then). Published outside the jury's database (sealed events, reveals,
 * results), it lets anyone catch a chain rewritten afterwards, however consistently: the rewritten
 * chain no longer passes through that hash at that count. Written as text `<hash>@<count>`.
 */
export interface AuditAnchor {
  hash: string;
  count: number;
}

const ANCHOR = /^([0-9a-f]{64})@(\d{1,9})$/;

export function formatAnchor(anchor: AuditAnchor): string {
  return `${anchor.hash}@${anchor.count}`;
}

/** `<64 hex>@<count>` → anchor; null when malformed (upper-case hex is accepted and lowered). */
export function parseAnchor(text: string): AuditAnchor | null {
  const m = ANCHOR.exec(String(text).trim().toLowerCase());
  if (!m) return null;
  const count = Number(m[2]);
  return Number.isSafeInteger(count) ? { hash: m[1], count } : null;
}
