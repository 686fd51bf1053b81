/**
 * Socket protocol v2 (docs/reveal-v2.md): the sealed envelope on every screen and the key-only reveal.
 * Types of the frames and the event, the envelope cipher (AES-256-GCM), padding, key cards (Crockford
 * base32 with 2 check symbols, QR content) and the end-to-end sealed key-card export (X25519 + HKDF-SHA256
 * + AES-256-GCM).
 *
 * Browser-safe (no node: imports): the pages open envelopes with this same module. The ciphers come from
 * @noble/ciphers / @noble/curves rather than Web Crypto because `crypto.subtle` exists only in secure
 * contexts and a venue LAN page served over plain http must still open an envelope; they are synchronous,
 * too. The services may seal with node:crypto: the output is the same bytes (see reveal-v2.spec.ts).
 */
import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { verifyCommitment } from './commitment.js';
import type { RevealedEvent, Role, SceneData, SnapshotEvent } from './live.js';

export const REVEAL_PROTOCOL_VERSION = 2;
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** Envelope plaintexts are padded to a multiple of this (docs/reveal-v2.md, Padding). */
export const ENVELOPE_SIZE_STEP = 1024;

// ---------------------------------------------------------------------------------------------------------
// Audiences and frames

export const ENVELOPE_AUDIENCES = ['screen', 'press', 'public'] as const;
export type EnvelopeAudience = (typeof ENVELOPE_AUDIENCES)[number];

/**
 * Which envelope a role gets: stage, presenter and control room (screen, producer, admin tokens) the
 * screen envelope; press the press envelope (with the press release); everyone else (public, jurors) the
 * public one. A juror's page is a public page as far as the show goes: jurors never see a winner early.
 */
export function audienceOf(role: Role): EnvelopeAudience {
  switch (role) {
    case 'screen':
    case 'producer':
    case 'admin':
      return 'screen';
    case 'press':
      return 'press';
    case 'juror':
    case 'public':
      return 'public';
  }
}

/** One audience's sealed envelope: base64url IV (12 bytes) and ciphertext (padded plaintext + 16-byte tag). */
export interface SealedEnvelopeBox {
  iv: string;
  ciphertext: string;
}

/** Socket frame `envelope` (v2), and the items of `snapshot.envelopes[]`. */
export interface EnvelopeFrame extends SealedEnvelopeBox {
  ceremonyId: string;
  categoryId: string;
  commitment: string;
}

/** Socket frame `revealed` (v2): the same bytes for every role. `showAt` is epoch ms in the gateway's clock. */
export interface RevealedV2Frame {
  v: 2;
  ceremonyId: string;
  seq: number;
  categoryId: string;
  /** The category's AES-256 key, base64url (43 characters). */
  key: string;
  commitment: string;
  showAt: number;
}

/** What a client reports when an envelope does not open or does not verify (forwarded to producers as `alarm`). */
export interface RevealAlarmReport {
  categoryId: string;
  reason: string;
}

/** `alarm` (producer, admin): a client could not open or verify a reveal. */
export interface RevealAlarmEvent extends RevealAlarmReport {
  ceremonyId: string;
  role: Role;
  socketId: string;
  at: string;
}

/** The v2 snapshot: the v1 fields plus the staged, not yet revealed envelopes of the socket's audience. */
export interface SnapshotV2Event extends SnapshotEvent {
  v: 2;
  envelopes: EnvelopeFrame[];
}

/** Server → client events of a v2 socket that differ from v1 or are new; every other v1 event is sent as in v1. */
export interface LiveServerEventsV2 {
  snapshot: (payload: SnapshotV2Event) => void;
  envelope: (payload: EnvelopeFrame) => void;
  /**
   * The key-only reveal. A reveal without a key (a rehearsal, or a category whose envelope could not be
   * staged) comes to v2 sockets as the v1 `revealed` frame (no `v` field), followed by its winner `scene`.
   */
  revealed: (payload: RevealedV2Frame | RevealedEvent) => void;
  /** Producer and admin sockets (v1 and v2): a client could not open or verify a reveal. */
  alarm: (payload: RevealAlarmEvent) => void;
}

/** Client → server events added by v2. */
export interface LiveClientEventsV2 {
  'reveal-alarm': (report: RevealAlarmReport) => void;
}

/** `auth` of a v2 handshake. */
export interface LiveHandshakeAuthV2 {
  token?: string;
  ceremony: string;
  v: 2;
}

// ---------------------------------------------------------------------------------------------------------
// Plaintext

/**
 * The result inside every envelope: the v1 `revealed` fields that are known at sealing (no seq, revealedAt,
 * showAt, press release, audit head or ballot root, which come with the reveal or the public seal) — enough to verify it against the commitment.
 */
export type EnvelopeResult = Pick<
  RevealedEvent,
  'ceremonyId' | 'categoryId' | 'category' | 'winnerId' | 'winner' | 'motivation' | 'salt' | 'commitment' | 'rehearsal'
>;

/**
 * The winner and motivation scenes' `data` as the stage renders them, without `data.result`: the client sets
 * `data.result` from the envelope's `result` with the reveal's `seq` (and its own revealedAt), so the motivation
 * travels once.
 */
export interface EnvelopeScenes {
  winner: SceneData;
  motivation: SceneData;
}

export interface EnvelopePlaintext {
  v: 2;
  ceremonyId: string;
  categoryId: string;
  audience: EnvelopeAudience;
  result: EnvelopeResult;
  /** Screen envelopes only. */
  scenes?: EnvelopeScenes;
  /** Press envelopes only: the press release (without the announcement time, unknown at sealing). */
  pressRelease?: string;
}

/** Data of `gala.events.announcements.envelope.staged`: the public commitment and one box per audience. */
export interface EnvelopeStagedEvent {
  ceremonyId: string;
  categoryId: string;
  commitment: string;
  sealedAt: string;
  envelopes: Record<EnvelopeAudience, SealedEnvelopeBox>;
}

/** The envelope frame an audience gets from a staged event. */
export function envelopeFrameFor(staged: EnvelopeStagedEvent, audience: EnvelopeAudience): EnvelopeFrame {
  const box = staged.envelopes[audience];
  return { ceremonyId: staged.ceremonyId, categoryId: staged.categoryId, commitment: staged.commitment, iv: box.iv, ciphertext: box.ciphertext };
}

// ---------------------------------------------------------------------------------------------------------
// base64url

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_INDEX[B64URL.charCodeAt(i)] = i;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Bytes as unpadded base64url (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63] + B64URL[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63];
  }
  return out;
}

/** Unpadded base64url to bytes; throws a TypeError on anything else (padding, other alphabets, bad length, non-zero trailing bits). */
export function fromBase64Url(text: string): Uint8Array {
  if (typeof text !== 'string' || !B64URL_RE.test(text) || text.length % 4 === 1) throw new TypeError('not unpadded base64url');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    acc = (acc << 6) | B64URL_INDEX[text.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  if (acc !== 0) throw new TypeError('not canonical base64url (trailing bits)');
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Envelope cipher

/** AAD of an envelope: binds the ciphertext to its ceremony, category, audience and commitment. */
export function envelopeAad(ceremonyId: string, categoryId: string, audience: EnvelopeAudience, commitment: string): Uint8Array {
  return utf8ToBytes(`laurel-envelope-v2|${ceremonyId}|${categoryId}|${audience}|${commitment}`);
}

/** A plaintext too large for its ceremony's envelope size: an error at sealing time, never a shorter envelope. */
export class EnvelopeTooLargeError extends Error {
  constructor(
    readonly needed: number,
    readonly size: number,
  ) {
    super(`envelope plaintext needs ${needed} bytes, the ceremony's envelope size is ${size}`);
    this.name = 'EnvelopeTooLargeError';
  }
}

/** The padded size for a plaintext of `bytes` bytes: at least one 0x00 after it, rounded up to 1 KiB. */
export function envelopeSizeFor(bytes: number): number {
  return Math.ceil((bytes + 1) / ENVELOPE_SIZE_STEP) * ENVELOPE_SIZE_STEP;
}

/** `bytes`, then 0x00, then zero bytes up to `size`. JSON in UTF-8 never holds a 0x00 byte (JSON escapes U+0000). */
export function pad(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length + 1 > size) throw new EnvelopeTooLargeError(bytes.length + 1, size);
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}

/** Inverse of pad: everything before the first 0x00; the rest must be zeros. */
export function unpad(padded: Uint8Array): Uint8Array {
  const end = padded.indexOf(0);
  if (end < 0) throw new TypeError('padding missing');
  for (let i = end + 1; i < padded.length; i++) if (padded[i] !== 0) throw new TypeError('padding is not zero');
  return padded.subarray(0, end);
}

export interface EnvelopeAddress {
  ceremonyId: string;
  categoryId: string;
  audience: EnvelopeAudience;
  commitment: string;
}

export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** A fresh random 256-bit envelope key. */
export function generateEnvelopeKey(): Uint8Array {
  return randomBytes(KEY_BYTES);
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new TypeError(`an envelope key is ${KEY_BYTES} bytes`);
}

/** Serialize, pad to `size` and encrypt one audience's plaintext (AES-256-GCM, fresh 96-bit IV, tag appended). */
export function sealEnvelope(key: Uint8Array, plaintext: EnvelopePlaintext, size: number, iv: Uint8Array = randomBytes(IV_BYTES)): SealedEnvelopeBox {
  checkKey(key);
  if (iv.length !== IV_BYTES) throw new TypeError(`an envelope IV is ${IV_BYTES} bytes`);
  const padded = pad(utf8ToBytes(JSON.stringify(plaintext)), size);
  const aad = envelopeAad(plaintext.ceremonyId, plaintext.categoryId, plaintext.audience, plaintext.result.commitment);
  return { iv: toBase64Url(iv), ciphertext: toBase64Url(gcm(key, iv, aad).encrypt(padded)) };
}

/** Why an envelope did not open: wrong key, tampered ciphertext or a plaintext not for this address. */
export class EnvelopeOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeOpenError';
  }
}

/**
 * Decrypt and parse an envelope addressed to `address`. Throws EnvelopeOpenError for a wrong key or tampered
 * bytes (GCM tag), bad padding, or a plaintext whose ceremony, category, audience or commitment is not the
 * address's. Verify the result against the commitment with `verifyOpenedEnvelope` before showing anything.
 */
export function openEnvelope(key: Uint8Array, address: EnvelopeAddress, box: SealedEnvelopeBox): EnvelopePlaintext {
  checkKey(key);
  let padded: Uint8Array;
  try {
    padded = gcm(key, fromBase64Url(box.iv), envelopeAad(address.ceremonyId, address.categoryId, address.audience, address.commitment)).decrypt(fromBase64Url(box.ciphertext));
  } catch {
    throw new EnvelopeOpenError('the key does not open this envelope');
  }
  let plaintext: EnvelopePlaintext;
  try {
    plaintext = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(unpad(padded))) as EnvelopePlaintext;
  } catch {
    throw new EnvelopeOpenError('the envelope opened but its contents are malformed');
  }
  if (
    plaintext?.v !== 2 ||
    plaintext.ceremonyId !== address.ceremonyId ||
    plaintext.categoryId !== address.categoryId ||
    plaintext.audience !== address.audience ||
    plaintext.result?.commitment !== address.commitment
  ) {
    throw new EnvelopeOpenError('the envelope is not addressed to this ceremony, category and audience');
  }
  return plaintext;
}

/** Open the envelope a socket holds (`EnvelopeFrame`) with the key of a v2 `revealed` frame. */
export function openEnvelopeFrame(frame: EnvelopeFrame, audience: EnvelopeAudience, key: Uint8Array | string): EnvelopePlaintext {
  return openEnvelope(typeof key === 'string' ? keyFromBase64Url(key) : key, { ...frame, audience }, frame);
}

/**
 * True only when the opened result hashes to `commitment` (the one from the reveal frame and the envelope,
 * both must be passed by a careful client) and names the same category. Never throws.
 */
export function verifyOpenedEnvelope(plaintext: EnvelopePlaintext, commitment: string): boolean {
  const r = plaintext?.result;
  if (!r || typeof r !== 'object') return false;
  if (r.categoryId !== plaintext.categoryId || r.commitment !== commitment || r.ceremonyId !== plaintext.ceremonyId) return false;
  if (r.winner?.id !== r.winnerId) return false;
  return verifyCommitment({ categoryId: r.categoryId, winnerId: r.winnerId, motivation: r.motivation, salt: r.salt }, commitment);
}

/** A key from its base64url form (43 characters); TypeError otherwise. */
export function keyFromBase64Url(text: string): Uint8Array {
  const key = fromBase64Url(text);
  checkKey(key);
  return key;
}

/** Constant-time equality of two byte arrays (lengths are not secret). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

// ---------------------------------------------------------------------------------------------------------
// Key cards

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY_SYMBOLS = Math.ceil((KEY_BYTES * 8) / 5); // 52
const CHECK_SYMBOLS = 2;
const CARD_GROUP = 6;

/** A key card code that cannot be read: wrong length, a symbol outside Crockford base32, or a check mismatch. */
export class CardCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardCodeError';
  }
}

export const CARD_CODE_TYPO = 'this code has a typo';

/** What a card reveal says when a well-formed code does not open the category's envelope. */
export function wrongCardMessage(categoryName: string): string {
  return `this code does not open the envelope of ${categoryName}`;
}

function checkSymbols(key: Uint8Array): string {
  const digest = sha256(key);
  const bits = (digest[0] << 2) | (digest[1] >> 6); // the first 10 bits
  return CROCKFORD[bits >> 5] + CROCKFORD[bits & 31];
}

/** The key as 52 Crockford base32 symbols + 2 check symbols, in groups of 6 joined by `-`. */
export function keyToCardCode(key: Uint8Array): string {
  checkKey(key);
  let symbols = '';
  let acc = 0;
  let bits = 0;
  for (const byte of key) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      symbols += CROCKFORD[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) symbols += CROCKFORD[(acc << (5 - bits)) & 31];
  symbols += checkSymbols(key);
  return symbols.match(new RegExp(`.{1,${CARD_GROUP}}`, 'g'))!.join('-');
}

/** Normalize: upper case, no spaces or dashes, O→0, I/L→1 (Crockford's decoding rules). */
export function normalizeCardCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** Parse a typed or scanned code back to the key. Throws CardCodeError with a message for the operator. */
export function parseCardCode(code: string): Uint8Array {
  if (typeof code !== 'string') throw new CardCodeError(CARD_CODE_TYPO);
  const symbols = normalizeCardCode(code);
  const expected = KEY_SYMBOLS + CHECK_SYMBOLS;
  if (symbols.length !== expected) {
    throw new CardCodeError(`${CARD_CODE_TYPO}: a key card code has ${expected} characters, this one has ${symbols.length}`);
  }
  const key = new Uint8Array(KEY_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < KEY_SYMBOLS; i++) {
    const value = CROCKFORD.indexOf(symbols[i]);
    if (value < 0) throw new CardCodeError(`${CARD_CODE_TYPO}: "${symbols[i]}" is not a key card character`);
    acc = (acc << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (o < KEY_BYTES) key[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  for (const symbol of symbols.slice(KEY_SYMBOLS)) {
    if (CROCKFORD.indexOf(symbol) < 0) throw new CardCodeError(`${CARD_CODE_TYPO}: "${symbol}" is not a key card character`);
  }
  // The 4 bits after the key in the last key symbol are zero in every code we print.
  if (acc !== 0 || checkSymbols(key) !== symbols.slice(KEY_SYMBOLS)) throw new CardCodeError(CARD_CODE_TYPO);
  return key;
}

const QR_PREFIX = 'LAUREL-KEY:';

/** QR content of a key card: `LAUREL-KEY:<categoryId>:<code without dashes>`. */
export function keyCardQrContent(categoryId: string, key: Uint8Array): string {
  return `${QR_PREFIX}${categoryId}:${keyToCardCode(key).replace(/-/g, '')}`;
}

/** Parse a scanned QR; CardCodeError when it is not a Laurel key card or its code has a typo. */
export function parseKeyCardQr(content: string): { categoryId: string; key: Uint8Array } {
  const text = typeof content === 'string' ? content.trim() : '';
  const match = /^LAUREL-KEY:([^:]+):([0-9A-Za-z]+)$/.exec(text);
  if (!match) throw new CardCodeError('this QR code is not a Laurel key card');
  return { categoryId: match[1], key: parseCardCode(match[2]) };
}

/** The first 16 hex characters of the commitment, printed on the card so the operator can match it. */
export function commitmentPrefix(commitment: string): string {
  return commitment.slice(0, 16);
}

// ---------------------------------------------------------------------------------------------------------
// Key-card export, sealed end to end to the admin page's X25519 key

/** One category's key as the admin page receives it inside the sealed export. */
export interface KeyCardEntry {
  categoryId: string;
  categorySlug: string;
  categoryName: string;
  /** 1-based position in the run of show. */
  number: number;
  commitment: string;
  /** base64url, 43 characters. */
  key: string;
}

export interface KeyCardsPlaintext {
  v: 2;
  ceremonyId: string;
  ceremonyName: string;
  exportedAt: string;
  cards: KeyCardEntry[];
}

/** `POST /ceremonies/:c/keycards` response: the sealed box, all base64url. */
export interface SealedToPage {
  ephemeralPublicKey: string;
  iv: string;
  ciphertext: string;
}

const KEYCARDS_INFO = 'laurel-keycards-v2';

function boxKey(shared: Uint8Array, ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const salt = new Uint8Array(64);
  salt.set(ephemeralPublicKey, 0);
  salt.set(recipientPublicKey, 32);
  return hkdf(sha256, shared, salt, utf8ToBytes(KEYCARDS_INFO), KEY_BYTES);
}

/** A fresh X25519 key pair for the page (secretKey stays in the page's memory). */
export function generateBoxKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = randomBytes(32);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

/** Seal bytes to an X25519 public key: ephemeral X25519, HKDF-SHA256(salt = epk‖pk), AES-256-GCM. */
export function sealToPublicKey(recipientPublicKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = utf8ToBytes(KEYCARDS_INFO)): SealedToPage {
  if (recipientPublicKey.length !== 32) throw new TypeError('an X25519 public key is 32 bytes');
  const ephemeral = generateBoxKeyPair();
  const key = boxKey(x25519.getSharedSecret(ephemeral.secretKey, recipientPublicKey), ephemeral.publicKey, recipientPublicKey);
  const iv = randomBytes(IV_BYTES);
  return { ephemeralPublicKey: toBase64Url(ephemeral.publicKey), iv: toBase64Url(iv), ciphertext: toBase64Url(gcm(key, iv, aad).encrypt(plaintext)) };
}

/** Open what sealToPublicKey made for this page's key pair; EnvelopeOpenError otherwise. */
export function openFromPublicKey(secretKey: Uint8Array, sealed: SealedToPage, aad: Uint8Array = utf8ToBytes(KEYCARDS_INFO)): Uint8Array {
  try {
    const recipientPublicKey = x25519.getPublicKey(secretKey);
    const ephemeralPublicKey = fromBase64Url(sealed.ephemeralPublicKey);
    const key = boxKey(x25519.getSharedSecret(secretKey, ephemeralPublicKey), ephemeralPublicKey, recipientPublicKey);
    return gcm(key, fromBase64Url(sealed.iv), aad).decrypt(fromBase64Url(sealed.ciphertext));
  } catch {
    throw new EnvelopeOpenError('the key-card export does not open with this page key');
  }
}

/** Seal the key cards to the admin page (announcements does this; the gateway only forwards the box). */
export function sealKeyCards(recipientPublicKey: Uint8Array, cards: KeyCardsPlaintext): SealedToPage {
  return sealToPublicKey(recipientPublicKey, utf8ToBytes(JSON.stringify(cards)));
}

/** Open the key-card export in the admin page. */
export function openKeyCards(secretKey: Uint8Array, sealed: SealedToPage): KeyCardsPlaintext {
  return JSON.parse(new TextDecoder().decode(openFromPublicKey(secretKey, sealed))) as KeyCardsPlaintext;
}

/** Short fingerprint of a key for logs that must never print it (first 8 hex of SHA-256). */
export function keyFingerprint(key: Uint8Array): string {
  return bytesToHex(sha256(key)).slice(0, 8);
}
