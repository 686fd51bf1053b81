/**
 * Opening a sealed envelope in the page (protocol v2, docs/reveal-v2.md): with the key of a `revealed` frame or
 * with a key card's code. Pure and synchronous (the contract's AES-GCM, no Web Crypto, no DOM): decrypt, verify
 * the plaintext against the commitment of the frame AND of the envelope, and only then hand a reveal to the
 * ShowTimeline. Anything that does not verify yields a reason and nothing to show.
 */
import {
  CardCodeError,
  EnvelopeOpenError,
  keyFromBase64Url,
  openEnvelopeFrame,
  parseCardCode,
  parseKeyCardQr,
  toBase64Url,
  verifyOpenedEnvelope,
  type EnvelopeAudience,
  type EnvelopeFrame,
  type EnvelopePlaintext,
  type RevealedV2Frame,
} from '@laurel/contracts';
import type { RevealInput } from './show-timeline.js';

export type OpenOutcome =
  | { ok: true; reveal: RevealInput; plaintext: EnvelopePlaintext }
  /** No envelope held for the category: the page falls back to the plaintext of the next snapshot. */
  | { ok: false; missing: true; reason: string }
  /** Held but it did not open or verify: show nothing, raise the alarm. */
  | { ok: false; missing: false; reason: string };

/** The reveal a verified plaintext makes: the result as v1 knew it, the winner scene's data from the envelope. */
export function revealFromPlaintext(plaintext: EnvelopePlaintext, seq: number, showAt: number, local = false): RevealInput {
  const result = { ...plaintext.result, seq, revealedAt: new Date(showAt).toISOString(), ...(plaintext.pressRelease ? { pressRelease: plaintext.pressRelease } : {}) };
  return { result, seq, showAt, rehearsal: !!plaintext.result.rehearsal, winnerData: plaintext.scenes?.winner, local };
}

function openAndVerify(envelope: EnvelopeFrame, audience: EnvelopeAudience, key: Uint8Array, commitments: string[]): { plaintext: EnvelopePlaintext } | { reason: string; opened: boolean } {
  let plaintext: EnvelopePlaintext;
  try {
    plaintext = openEnvelopeFrame(envelope, audience, key);
  } catch (err) {
    return { reason: err instanceof EnvelopeOpenError ? err.message : 'the envelope did not open', opened: false };
  }
  for (const c of commitments) {
    if (c !== envelope.commitment || !verifyOpenedEnvelope(plaintext, c)) return { reason: 'the opened result does not match its commitment', opened: true };
  }
  return { plaintext };
}

/** A v2 `revealed` frame against the envelope the page holds for its category. */
export function openRevealFrame(frame: RevealedV2Frame, envelope: EnvelopeFrame | undefined, audience: EnvelopeAudience): OpenOutcome {
  if (!envelope) return { ok: false, missing: true, reason: 'no envelope held for this category' };
  if (envelope.ceremonyId !== frame.ceremonyId || envelope.categoryId !== frame.categoryId) {
    return { ok: false, missing: false, reason: 'the envelope held is not for this reveal' };
  }
  let key: Uint8Array;
  try {
    key = keyFromBase64Url(frame.key);
  } catch {
    return { ok: false, missing: false, reason: 'the reveal carries a malformed key' };
  }
  if (!(typeof frame.showAt === 'number' && Number.isFinite(frame.showAt))) return { ok: false, missing: false, reason: 'the reveal carries no showAt' };
  const opened = openAndVerify(envelope, audience, key, [frame.commitment, envelope.commitment]);
  if ('reason' in opened) return { ok: false, missing: false, reason: opened.reason };
  return { ok: true, reveal: revealFromPlaintext(opened.plaintext, frame.seq, frame.showAt), plaintext: opened.plaintext };
}

export type CardOutcome =
  | { ok: true; reveal: RevealInput; plaintext: EnvelopePlaintext; key: string; envelope: EnvelopeFrame }
  /** The code (or QR) cannot be read: a typo. Nothing was tried. */
  | { ok: false; kind: 'typo'; message: string }
  /** A well-formed key that opens none of the envelopes tried (the first is the one on stage). */
  | { ok: false; kind: 'wrong'; categoryId: string | null }
  /** Opened, but the contents do not match the commitment: show nothing, alarm. */
  | { ok: false; kind: 'mismatch'; categoryId: string; reason: string }
  | { ok: false; kind: 'none' };

/**
 * A key card's code (typed, or a scanned QR's content) against the envelopes held: the category on stage first,
 * then any other held envelope. `seq` and `now` place the local reveal on the timeline (it flips at once).
 */
export function openWithCard(input: string, envelopes: readonly EnvelopeFrame[], audience: EnvelopeAudience, onStage: string | null, seq: number, now: number): CardOutcome {
  let key: Uint8Array;
  let qrCategory: string | null = null;
  try {
    if (/^\s*LAUREL-KEY:/i.test(input)) {
      const qr = parseKeyCardQr(input.trim());
      key = qr.key;
      qrCategory = qr.categoryId;
    } else key = parseCardCode(input);
  } catch (err) {
    return { ok: false, kind: 'typo', message: err instanceof CardCodeError ? err.message : 'this code has a typo' };
  }
  if (!envelopes.length) return { ok: false, kind: 'none' };
  const first = qrCategory ?? onStage;
  const order = [...envelopes].sort((a, b) => Number(b.categoryId === first) - Number(a.categoryId === first));
  for (const envelope of order) {
    const opened = openAndVerify(envelope, audience, key, [envelope.commitment]);
    if ('plaintext' in opened) {
      return { ok: true, reveal: revealFromPlaintext(opened.plaintext, seq, now, true), plaintext: opened.plaintext, key: toBase64Url(key), envelope };
    }
    // GCM authenticated the bytes under this key, yet the result is not the sealed one: never show it.
    if (opened.opened) return { ok: false, kind: 'mismatch', categoryId: envelope.categoryId, reason: opened.reason };
  }
  return { ok: false, kind: 'wrong', categoryId: first && envelopes.some((e) => e.categoryId === first) ? first : (order[0]?.categoryId ?? null) };
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const HEX64 = /^[0-9a-f]{64}$/;

function str(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/**
 * The envelopes of one audience in an envelope kit file (GET /ceremonies/:c/envelope-kit, for a standby stage
 * laptop). Accepts the kit object (`{ ceremonyId?, envelopes: [...] }`) or a bare array, whose items are either
 * staged events (`{ ceremonyId, categoryId, commitment, envelopes: { screen: { iv, ciphertext }, … } }`) or
 * per-audience frames (`{ ceremonyId, categoryId, commitment, audience, iv, ciphertext }`). Null when the file is
 * not a kit (or holds no envelope of `audience`, or one of another ceremony than `ceremonyId` when given).
 */
export function parseEnvelopeKit(json: unknown, audience: EnvelopeAudience, ceremonyId?: string): EnvelopeFrame[] | null {
  const root = json as { ceremonyId?: unknown; envelopes?: unknown } | unknown[] | null;
  const items: unknown[] | null = Array.isArray(root) ? root : root && typeof root === 'object' && Array.isArray(root.envelopes) ? root.envelopes : null;
  if (!items) return null;
  const rootCeremony = !Array.isArray(root) && root && str(root.ceremonyId) ? root.ceremonyId : undefined;
  const out: EnvelopeFrame[] = [];
  for (const raw of items) {
    const item = raw as Record<string, unknown> | null;
    if (!item || typeof item !== 'object') return null;
    const cid = str(item.ceremonyId) ? item.ceremonyId : rootCeremony;
    if (!str(cid) || !str(item.categoryId) || !str(item.commitment) || !HEX64.test(item.commitment)) return null;
    let box: { iv?: unknown; ciphertext?: unknown } | undefined;
    if (item.envelopes && typeof item.envelopes === 'object') box = (item.envelopes as Record<string, { iv?: unknown; ciphertext?: unknown }>)[audience];
    else if (item.audience === audience) box = item;
    else if (str(item.audience)) continue;
    if (!box) continue;
    if (!str(box.iv) || !str(box.ciphertext) || !B64URL.test(box.iv) || !B64URL.test(box.ciphertext)) return null;
    out.push({ ceremonyId: cid, categoryId: item.categoryId, commitment: item.commitment, iv: box.iv, ciphertext: box.ciphertext });
  }
  if (!out.length) return null;
  if (ceremonyId && out.some((e) => e.ceremonyId !== ceremonyId)) return null;
  return out;
}
