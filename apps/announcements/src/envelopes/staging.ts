import { createCipheriv, randomBytes } from 'node:crypto';
import {
  ENVELOPE_AUDIENCES,
  envelopeAad,
  envelopeSizeFor,
  MOTIVATION_MAX_LENGTH,
  nomineeName,
  pad,
  type CeremonyView,
  type EnvelopeAudience,
  type EnvelopePlaintext,
  type SealContents,
  type SealedEnvelopeBox,
} from '#contracts';
import { pressRelease } from '../press/press-release.js';
import { categoriesInShowOrder } from '../show/run-of-show.js';
import { renderScene } from '../show/scene-view.js';

/**
 * Socket protocol v2 staging (docs/reveal-v2.md), pure apart from the cipher: what each audience's envelope
 * holds, the ceremony's fixed envelope size per audience, and the AES-256-GCM sealing (node:crypto; the
 * browsers open it with @noble/ciphers through libs/contracts/src/reveal-v2.ts).
 */

export type SealedContents = SealContents & { commitment: string };

/** A sealed winner the show does not know (not among the category's nominees): nothing can be staged. */
export class UnknownWinnerError extends Error {}

/** Every audience's plaintext for one sealed category. */
export function envelopePlaintexts(view: CeremonyView, sealed: SealedContents): Record<EnvelopeAudience, EnvelopePlaintext> {
  const order = categoriesInShowOrder(view);
  const category = order.find((c) => c.id === sealed.categoryId);
  if (!category) throw new UnknownWinnerError(`category ${sealed.categoryId} is not in ceremony ${view.ceremony.slug}`);
  const nominee = category.nominees.find((n) => n.id === sealed.winnerId);
  if (!nominee) throw new UnknownWinnerError(`${category.name}: the sealed winner is not among the nominees the show knows`);
  const ceremonyId = view.ceremony.id;
  const result: EnvelopePlaintext['result'] = {
    ceremonyId,
    categoryId: category.id,
    category: { id: category.id, slug: category.slug, name: category.name },
    winnerId: nominee.id,
    winner: { id: nominee.id, slug: nominee.slug, organisation: nominee.organisation, title: nominee.title, name: nomineeName(nominee) },
    motivation: sealed.motivation,
    salt: sealed.salt,
    commitment: sealed.commitment,
    rehearsal: false,
  };
  // The scenes as the stage renders them, without `data.result` (the client puts the envelope's result there).
  const sceneData = (kind: 'winner' | 'motivation') => renderScene(view, { kind, categoryId: category.id }, [], 0, new Date(0), false).data;
  const base = { v: 2 as const, ceremonyId, categoryId: category.id, result };
  return {
    screen: { ...base, audience: 'screen', scenes: { winner: sceneData('winner'), motivation: sceneData('motivation') } },
    press: { ...base, audience: 'press', pressRelease: pressRelease(view, category, nominee, sealed.motivation, null) },
    public: { ...base, audience: 'public' },
  };
}

function utf8Length(plaintext: EnvelopePlaintext): number {
  return Buffer.byteLength(JSON.stringify(plaintext), 'utf8');
}

/**
 * The longest motivation the contract admits, in the most bytes a printable character takes in UTF-8 JSON
 * (3: U+0800..U+FFFF). A motivation of control characters (6 bytes each as JSON escapes) could exceed it;
 * then staging fails for that category and its v2 clients fall back to the plaintext after the reveal.
 */
const WORST_MOTIVATION = '\u0800'.repeat(MOTIVATION_MAX_LENGTH);
const WORST_HEX = 'f'.repeat(64);

/**
 * The ceremony's envelope size per audience: the largest plaintext any of its nominees could make as the
 * winner of its category with the longest motivation, rounded up to 1 KiB. It depends on the ceremony and
 * the contract limits only, never on a verdict, so every envelope of a ceremony and audience has one length.
 */
export function envelopeSizes(view: CeremonyView): Record<EnvelopeAudience, number> {
  const largest: Record<EnvelopeAudience, number> = { screen: 0, press: 0, public: 0 };
  for (const category of view.categories) {
    for (const nominee of category.nominees) {
      const worst = envelopePlaintexts(view, { categoryId: category.id, winnerId: nominee.id, motivation: WORST_MOTIVATION, salt: WORST_HEX, commitment: WORST_HEX });
      for (const audience of ENVELOPE_AUDIENCES) largest[audience] = Math.max(largest[audience], utf8Length(worst[audience]));
    }
  }
  return { screen: envelopeSizeFor(largest.screen), press: envelopeSizeFor(largest.press), public: envelopeSizeFor(largest.public) };
}

/** AES-256-GCM with node:crypto: the padded JSON, a fresh 96-bit IV, the 16-byte tag appended; base64url. */
export function sealWithNodeCrypto(key: Buffer, plaintext: EnvelopePlaintext, size: number): SealedEnvelopeBox {
  const iv = randomBytes(12);
  const padded = pad(Buffer.from(JSON.stringify(plaintext), 'utf8'), size);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(envelopeAad(plaintext.ceremonyId, plaintext.categoryId, plaintext.audience, plaintext.result.commitment));
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64url'), ciphertext: ciphertext.toString('base64url') };
}
