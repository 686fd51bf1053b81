import { computeCommitment, ENVELOPE_AUDIENCES, fromBase64Url, generateSalt, openEnvelope, verifyOpenedEnvelope } from '#contracts';
import { ceremony2017, outcome2017 } from '../testing/kvalitetsmassan-2017.js';
import { envelopePlaintexts, envelopeSizes, sealWithNodeCrypto, UnknownWinnerError, type SealedContents } from './staging.js';

const ceremony = ceremony2017();
const outcomes = outcome2017();

function sealed(slug: string, motivation?: string): SealedContents {
  const category = ceremony.categories.find((c) => c.slug === slug)!;
  const outcome = outcomes.find((o) => o.category === slug)!;
  const winner = category.nominees.find((n) => n.slug === outcome.winner) ?? category.nominees[0];
  const contents = { categoryId: category.id, winnerId: winner.id, motivation: motivation ?? outcome.motivation, salt: generateSalt() };
  return { ...contents, commitment: computeCommitment(contents) };
}

describe('envelope staging', () => {
  it('gives the screen the scenes (without a result), the press its release, the public the result only', () => {
    const s = sealed(ceremony.categories[0].slug);
    const p = envelopePlaintexts(ceremony, s);
    expect(p.screen.scenes?.winner.category?.id).toBe(s.categoryId);
    expect(p.screen.scenes?.winner.result).toBeUndefined();
    expect(p.screen.scenes?.motivation.result).toBeUndefined();
    expect(p.screen.pressRelease).toBeUndefined();
    expect(p.press.pressRelease).toContain(`Juryns motivering: ”${s.motivation}”`);
    expect(p.press.pressRelease).not.toContain('Tillkännagivet');
    expect(p.public.scenes).toBeUndefined();
    expect(p.public.pressRelease).toBeUndefined();
    for (const audience of ENVELOPE_AUDIENCES) expect(verifyOpenedEnvelope(p[audience], s.commitment)).toBe(true);
  });

  it('makes every envelope of the ceremony and audience the same length, whoever wins and however long the motivation', () => {
    const sizes = envelopeSizes(ceremony);
    const key = Buffer.alloc(32, 7);
    const lengths = new Map<string, Set<number>>();
    for (const category of ceremony.categories) {
      for (const motivation of ['Kort.', 'Lång motivering med åäö och ”citat”. '.repeat(100), '\u0800'.repeat(4000)]) {
        const s = sealed(category.slug, motivation);
        const plaintexts = envelopePlaintexts(ceremony, s);
        for (const audience of ENVELOPE_AUDIENCES) {
          const box = sealWithNodeCrypto(key, plaintexts[audience], sizes[audience]);
          const set = lengths.get(audience) ?? new Set();
          set.add(fromBase64Url(box.ciphertext).length);
          lengths.set(audience, set);
          const opened = openEnvelope(new Uint8Array(key), { ceremonyId: ceremony.ceremony.id, categoryId: s.categoryId, audience, commitment: s.commitment }, box);
          expect(opened).toEqual(plaintexts[audience]);
        }
      }
    }
    for (const audience of ENVELOPE_AUDIENCES) {
      expect([...lengths.get(audience)!]).toEqual([sizes[audience] + 16]);
      expect(sizes[audience] % 1024).toBe(0);
    }
  });

  it('refuses a winner the show does not know', () => {
    expect(() => envelopePlaintexts(ceremony, { ...sealed(ceremony.categories[0].slug), winnerId: ceremony.ceremony.id })).toThrow(UnknownWinnerError);
  });
});
