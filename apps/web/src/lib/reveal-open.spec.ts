import {
  computeCommitment,
  generateEnvelopeKey,
  generateSalt,
  keyCardQrContent,
  keyToCardCode,
  sealEnvelope,
  toBase64Url,
  type EnvelopeFrame,
  type EnvelopePlaintext,
  type RevealedV2Frame,
} from '@laurel/contracts';
import { openRevealFrame, openWithCard, parseEnvelopeKit } from './reveal-open.js';

const CEREMONY = '0b9d7c36-5d4e-4d7e-9a55-0d1c2b3a4f51';
const CAT_A = '7f3e2d1c-0b9a-4877-8665-544332211009';
const CAT_B = '11111111-0b9a-4877-8665-544332211009';
const WINNER = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const SHOW_AT = Date.parse('2026-12-05T20:00:00.000Z');

function plaintext(categoryId: string, opts: { motivation?: string; commitmentOf?: string } = {}): EnvelopePlaintext {
  const salt = generateSalt();
  const motivation = opts.motivation ?? 'För modet.';
  const commitment = computeCommitment({ categoryId, winnerId: WINNER, motivation: opts.commitmentOf ?? motivation, salt });
  return {
    v: 2,
    ceremonyId: CEREMONY,
    categoryId,
    audience: 'screen',
    result: {
      ceremonyId: CEREMONY,
      categoryId,
      category: { id: categoryId, slug: 'a', name: 'Årets förbättrare' },
      winnerId: WINNER,
      winner: { id: WINNER, slug: 'w', organisation: 'Sahlgrenska', title: null, name: 'Sahlgrenska' },
      motivation,
      salt,
      commitment,
      rehearsal: false,
    },
    scenes: { winner: { ceremony: { id: CEREMONY, slug: 'g', name: 'Galan', venue: null, date: null, locale: 'sv-SE', host: null } }, motivation: { ceremony: { id: CEREMONY, slug: 'g', name: 'Galan', venue: null, date: null, locale: 'sv-SE', host: null } } },
  };
}

function staged(categoryId: string, opts: { motivation?: string; commitmentOf?: string } = {}): { key: Uint8Array; envelope: EnvelopeFrame; frame: RevealedV2Frame } {
  const key = generateEnvelopeKey();
  const p = plaintext(categoryId, opts);
  const box = sealEnvelope(key, p, 2048);
  const envelope: EnvelopeFrame = { ceremonyId: CEREMONY, categoryId, commitment: p.result.commitment, ...box };
  return { key, envelope, frame: { v: 2, ceremonyId: CEREMONY, seq: 12, categoryId, key: toBase64Url(key), commitment: p.result.commitment, showAt: SHOW_AT } };
}

describe('openRevealFrame', () => {
  it('opens, verifies and yields the reveal with the envelope scene data', () => {
    const { envelope, frame } = staged(CAT_A);
    const out = openRevealFrame(frame, envelope, 'screen');
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.reveal).toMatchObject({ seq: 12, showAt: SHOW_AT, rehearsal: false, local: false });
    expect(out.reveal.result).toMatchObject({ categoryId: CAT_A, winnerId: WINNER, seq: 12, revealedAt: new Date(SHOW_AT).toISOString() });
    expect(out.reveal.winnerData?.ceremony.name).toBe('Galan');
  });

  it('without the envelope: missing (falls back to the snapshot), not an alarm', () => {
    const { frame } = staged(CAT_A);
    expect(openRevealFrame(frame, undefined, 'screen')).toMatchObject({ ok: false, missing: true });
  });

  it('a wrong key, a frame commitment that differs, or a plaintext that does not hash to its commitment: nothing, alarm', () => {
    const a = staged(CAT_A);
    const other = staged(CAT_A);
    expect(openRevealFrame({ ...a.frame, key: other.frame.key }, a.envelope, 'screen')).toMatchObject({ ok: false, missing: false });
    expect(openRevealFrame({ ...a.frame, commitment: 'b'.repeat(64) }, a.envelope, 'screen')).toMatchObject({ ok: false, missing: false, reason: 'the opened result does not match its commitment' });
    const forged = staged(CAT_A, { motivation: 'Något annat.', commitmentOf: 'För modet.' });
    expect(openRevealFrame(forged.frame, forged.envelope, 'screen')).toMatchObject({ ok: false, missing: false, reason: 'the opened result does not match its commitment' });
    expect(openRevealFrame({ ...a.frame, key: 'not-a-key' }, a.envelope, 'screen')).toMatchObject({ ok: false, missing: false });
    expect(openRevealFrame(a.frame, a.envelope, 'public')).toMatchObject({ ok: false, missing: false });
  });
});

describe('openWithCard', () => {
  const a = staged(CAT_A);
  const b = staged(CAT_B);

  it('a typed code (any case, spaces, O for 0) opens the envelope on stage and flips at once', () => {
    const code = keyToCardCode(a.key).toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    const out = openWithCard(code, [b.envelope, a.envelope], 'screen', CAT_A, 7, SHOW_AT);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.reveal).toMatchObject({ local: true, showAt: SHOW_AT, seq: 7 });
    expect(out.envelope.categoryId).toBe(CAT_A);
    expect(out.key).toBe(a.frame.key);
  });

  it('then any held envelope, and a scanned QR', () => {
    expect(openWithCard(keyToCardCode(b.key), [a.envelope, b.envelope], 'screen', CAT_A, 7, SHOW_AT)).toMatchObject({ ok: true, envelope: { categoryId: CAT_B } });
    expect(openWithCard(keyCardQrContent(CAT_B, b.key), [a.envelope, b.envelope], 'screen', null, 7, SHOW_AT)).toMatchObject({ ok: true, envelope: { categoryId: CAT_B } });
  });

  it('a typo is caught by the check symbols before anything is tried', () => {
    const code = keyToCardCode(a.key);
    const typo = (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
    expect(openWithCard(typo, [a.envelope], 'screen', CAT_A, 7, SHOW_AT)).toMatchObject({ ok: false, kind: 'typo' });
    expect(openWithCard('ABC', [a.envelope], 'screen', CAT_A, 7, SHOW_AT)).toMatchObject({ ok: false, kind: 'typo' });
  });

  it('a well-formed key that opens nothing names the category on stage', () => {
    const stranger = staged(CAT_A);
    expect(openWithCard(keyToCardCode(stranger.key), [a.envelope, b.envelope], 'screen', CAT_B, 7, SHOW_AT)).toEqual({ ok: false, kind: 'wrong', categoryId: CAT_B });
    expect(openWithCard(keyToCardCode(stranger.key), [], 'screen', CAT_B, 7, SHOW_AT)).toEqual({ ok: false, kind: 'none' });
  });

  it('contents that do not verify are never shown', () => {
    const forged = staged(CAT_A, { motivation: 'Något annat.', commitmentOf: 'För modet.' });
    expect(openWithCard(keyToCardCode(forged.key), [forged.envelope], 'screen', CAT_A, 7, SHOW_AT)).toMatchObject({ ok: false, kind: 'mismatch', categoryId: CAT_A });
  });
});

describe('parseEnvelopeKit', () => {
  const a = staged(CAT_A);
  const staggedEvent = { ceremonyId: CEREMONY, categoryId: CAT_A, commitment: a.envelope.commitment, sealedAt: '2026-12-05T18:00:00Z', envelopes: { screen: { iv: a.envelope.iv, ciphertext: a.envelope.ciphertext }, press: { iv: 'AA', ciphertext: 'BB' }, public: { iv: 'CC', ciphertext: 'DD' } } };

  it('takes the audience from staged events or per-audience frames, and the kit opens with the card', () => {
    const fromStaged = parseEnvelopeKit({ ceremonyId: CEREMONY, envelopes: [staggedEvent] }, 'screen', CEREMONY);
    expect(fromStaged).toEqual([a.envelope]);
    const fromFrames = parseEnvelopeKit([{ ...a.envelope, audience: 'screen' }, { ...a.envelope, audience: 'press', iv: 'AA' }], 'screen');
    expect(fromFrames).toEqual([a.envelope]);
    expect(openWithCard(keyToCardCode(a.key), fromStaged!, 'screen', null, 1, SHOW_AT)).toMatchObject({ ok: true });
  });

  it('refuses what is not a kit, or a kit of another ceremony', () => {
    expect(parseEnvelopeKit({ hello: 1 }, 'screen')).toBeNull();
    expect(parseEnvelopeKit({ envelopes: [{ categoryId: CAT_A }] }, 'screen')).toBeNull();
    expect(parseEnvelopeKit({ envelopes: [] }, 'screen')).toBeNull();
    expect(parseEnvelopeKit({ envelopes: [staggedEvent] }, 'screen', CAT_B)).toBeNull();
    expect(parseEnvelopeKit({ envelopes: [{ ...staggedEvent, commitment: 'x' }] }, 'screen')).toBeNull();
  });
});
