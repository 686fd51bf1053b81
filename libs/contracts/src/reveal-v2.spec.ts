import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import { computeCommitment, generateSalt } from './commitment.js';
import {
  audienceOf,
  CARD_CODE_TYPO,
  CardCodeError,
  ENVELOPE_AUDIENCES,
  envelopeAad,
  envelopeSizeFor,
  EnvelopeOpenError,
  EnvelopeTooLargeError,
  fromBase64Url,
  generateBoxKeyPair,
  generateEnvelopeKey,
  keyCardQrContent,
  keyFromBase64Url,
  keyToCardCode,
  openEnvelope,
  openKeyCards,
  pad,
  parseCardCode,
  parseKeyCardQr,
  sealEnvelope,
  sealKeyCards,
  toBase64Url,
  unpad,
  verifyOpenedEnvelope,
  wrongCardMessage,
  type EnvelopePlaintext,
  type KeyCardsPlaintext,
} from './reveal-v2.js';

const CEREMONY = '0b9d7c36-5d4e-4d7e-9a55-0d1c2b3a4f51';
const CATEGORY = '7f3e2d1c-0b9a-4877-8665-544332211009';
const WINNER = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

function plaintext(audience: EnvelopePlaintext['audience'] = 'public', motivation = 'För ett mod som ”flyttar berg” – 😀'): EnvelopePlaintext {
  const salt = generateSalt();
  const commitment = computeCommitment({ categoryId: CATEGORY, winnerId: WINNER, motivation, salt });
  return {
    v: 2,
    ceremonyId: CEREMONY,
    categoryId: CATEGORY,
    audience,
    result: {
      ceremonyId: CEREMONY,
      categoryId: CATEGORY,
      category: { id: CATEGORY, slug: 'arets-forbattrare', name: 'Årets förbättrare' },
      winnerId: WINNER,
      winner: { id: WINNER, slug: 'sahlgrenska', organisation: 'Sahlgrenska', title: null, name: 'Sahlgrenska' },
      motivation,
      salt,
      commitment,
      rehearsal: false,
    },
    ...(audience === 'press' ? { pressRelease: 'Vinnaren av Årets förbättrare: Sahlgrenska\n' } : {}),
  };
}

function address(p: EnvelopePlaintext) {
  return { ceremonyId: p.ceremonyId, categoryId: p.categoryId, audience: p.audience, commitment: p.result.commitment };
}

describe('base64url', () => {
  it('matches Node for every length 0..40 and round-trips', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = new Uint8Array(nodeRandomBytes(n));
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('refuses padding, other alphabets, impossible lengths and non-canonical tails', () => {
    for (const bad of ['AA==', 'A+B/', 'A', 'AB$C', 'AB']) expect(() => fromBase64Url(bad)).toThrow(TypeError);
    expect(() => fromBase64Url('AA')).not.toThrow();
  });

  it('a key is 43 characters and nothing else is a key', () => {
    const key = generateEnvelopeKey();
    expect(toBase64Url(key)).toHaveLength(43);
    expect(keyFromBase64Url(toBase64Url(key))).toEqual(key);
    expect(() => keyFromBase64Url(toBase64Url(key.subarray(0, 31)))).toThrow('32 bytes');
  });
});

describe('audiences', () => {
  it('maps every role to one audience', () => {
    expect(audienceOf('screen')).toBe('screen');
    expect(audienceOf('producer')).toBe('screen');
    expect(audienceOf('admin')).toBe('screen');
    expect(audienceOf('press')).toBe('press');
    expect(audienceOf('public')).toBe('public');
    expect(audienceOf('juror')).toBe('public');
  });
});

describe('padding', () => {
  it('pads to the given size and unpads back', () => {
    const bytes = new TextEncoder().encode('{"a":"ö"}');
    const padded = pad(bytes, 1024);
    expect(padded).toHaveLength(1024);
    expect(unpad(padded)).toEqual(bytes);
  });

  it('refuses a plaintext that does not fit (never a shorter envelope)', () => {
    expect(() => pad(new Uint8Array(1024).fill(65), 1024)).toThrow(EnvelopeTooLargeError);
    expect(() => pad(new Uint8Array(1023).fill(65), 1024)).not.toThrow();
  });

  it('refuses padding that is missing or not zero', () => {
    expect(() => unpad(new Uint8Array([65, 66]))).toThrow('padding missing');
    expect(() => unpad(new Uint8Array([65, 0, 0, 1]))).toThrow('not zero');
  });

  it('rounds sizes up to 1 KiB with room for the 0x00', () => {
    expect(envelopeSizeFor(0)).toBe(1024);
    expect(envelopeSizeFor(1023)).toBe(1024);
    expect(envelopeSizeFor(1024)).toBe(2048);
  });
});

describe('envelopes', () => {
  it('seal and open every audience; the ciphertext length depends only on the size', () => {
    const key = generateEnvelopeKey();
    for (const audience of ENVELOPE_AUDIENCES) {
      const short = plaintext(audience, 'Kort.');
      const long = plaintext(audience, 'Lång motivering. '.repeat(40));
      const a = sealEnvelope(key, short, 4096);
      const b = sealEnvelope(key, long, 4096);
      expect(fromBase64Url(a.ciphertext)).toHaveLength(4096 + 16);
      expect(a.ciphertext.length).toBe(b.ciphertext.length);
      expect(fromBase64Url(a.iv)).toHaveLength(12);
      const opened = openEnvelope(key, address(long), b);
      expect(opened).toEqual(long);
      expect(verifyOpenedEnvelope(opened, long.result.commitment)).toBe(true);
    }
  });

  it('uses a fresh IV per envelope', () => {
    const key = generateEnvelopeKey();
    const p = plaintext();
    expect(sealEnvelope(key, p, 2048).iv).not.toBe(sealEnvelope(key, p, 2048).iv);
  });

  it('does not open with a wrong key, a tampered byte, or for another address', () => {
    const key = generateEnvelopeKey();
    const p = plaintext('screen');
    const box = sealEnvelope(key, p, 2048);
    expect(() => openEnvelope(generateEnvelopeKey(), address(p), box)).toThrow(EnvelopeOpenError);
    const bytes = fromBase64Url(box.ciphertext);
    bytes[10] ^= 1;
    expect(() => openEnvelope(key, address(p), { ...box, ciphertext: toBase64Url(bytes) })).toThrow('does not open');
    expect(() => openEnvelope(key, { ...address(p), audience: 'public' }, box)).toThrow(EnvelopeOpenError);
    expect(() => openEnvelope(key, { ...address(p), categoryId: WINNER }, box)).toThrow(EnvelopeOpenError);
    expect(() => openEnvelope(key, { ...address(p), commitment: '0'.repeat(64) }, box)).toThrow(EnvelopeOpenError);
  });

  it('verifies only a result that hashes to the commitment', () => {
    const p = plaintext();
    expect(verifyOpenedEnvelope(p, p.result.commitment)).toBe(true);
    expect(verifyOpenedEnvelope(p, '0'.repeat(64))).toBe(false);
    expect(verifyOpenedEnvelope({ ...p, result: { ...p.result, motivation: `${p.result.motivation}!` } }, p.result.commitment)).toBe(false);
    expect(verifyOpenedEnvelope({ ...p, result: { ...p.result, winnerId: CEREMONY } }, p.result.commitment)).toBe(false);
    expect(verifyOpenedEnvelope({ ...p, categoryId: WINNER }, p.result.commitment)).toBe(false);
    expect(verifyOpenedEnvelope({ ...p, result: { ...p.result, winner: { ...p.result.winner, id: CEREMONY } } }, p.result.commitment)).toBe(false);
    expect(verifyOpenedEnvelope(null as unknown as EnvelopePlaintext, p.result.commitment)).toBe(false);
  });

  it('node:crypto sealing opens with the browser code, and the browser sealing opens with node:crypto', () => {
    const key = generateEnvelopeKey();
    const p = plaintext('press');
    const aad = envelopeAad(p.ceremonyId, p.categoryId, p.audience, p.result.commitment);
    const padded = pad(new TextEncoder().encode(JSON.stringify(p)), 3072);

    const iv = nodeRandomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
    const nodeCiphertext = Buffer.concat([cipher.update(padded), cipher.final(), cipher.getAuthTag()]);
    expect(openEnvelope(key, address(p), { iv: iv.toString('base64url'), ciphertext: nodeCiphertext.toString('base64url') })).toEqual(p);

    const box = sealEnvelope(key, p, 3072, new Uint8Array(iv));
    expect(Buffer.from(fromBase64Url(box.ciphertext)).equals(nodeCiphertext)).toBe(true);
    const bytes = Buffer.from(fromBase64Url(box.ciphertext));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(fromBase64Url(box.iv))).setAAD(aad);
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const opened = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
    expect(JSON.parse(Buffer.from(unpad(opened)).toString('utf8'))).toEqual(p);
  });
});

describe('key cards', () => {
  it('codes 32 bytes as 52 + 2 check symbols in groups of 6, and parses them back', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateEnvelopeKey();
      const code = keyToCardCode(key);
      expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{6}-){8}[0-9A-HJKMNP-TV-Z]{6}$/);
      expect(parseCardCode(code)).toEqual(key);
    }
  });

  it('reads what an operator types: any case, spaces, no dashes, O for 0, I or L for 1', () => {
    const key = new Uint8Array(32); // all zeros: the code is all 0 symbols plus its check
    const code = keyToCardCode(key);
    expect(code.startsWith('000000-000000')).toBe(true);
    const typed = code.replace(/0/g, 'o').replace(/-/g, ' ');
    expect(parseCardCode(typed)).toEqual(key);
    const ones = new Uint8Array(32).fill(0x08); // 00001000… → symbols containing 1
    const onesCode = keyToCardCode(ones);
    expect(onesCode).toContain('1');
    expect(parseCardCode(onesCode.replace(/1/g, 'l').toLowerCase())).toEqual(ones);
    expect(parseCardCode(onesCode.replace(/1/g, 'I'))).toEqual(ones);
  });

  it('catches single-symbol typos of a random key', () => {
    const key = generateEnvelopeKey();
    const symbols = keyToCardCode(key).replace(/-/g, '');
    let caught = 0;
    let tried = 0;
    for (let i = 0; i < symbols.length; i++) {
      const other = symbols[i] === 'Z' ? 'Y' : symbols[i] === 'Y' ? 'Z' : 'Z';
      const typo = symbols.slice(0, i) + other + symbols.slice(i + 1);
      tried++;
      try {
        parseCardCode(typo);
      } catch (error) {
        expect(error).toBeInstanceOf(CardCodeError);
        expect((error as Error).message).toContain(CARD_CODE_TYPO);
        caught++;
      }
    }
    // 10 check bits: a single typo passes with probability ~1/1024 per position, plus the 4 zero tail bits.
    expect(caught).toBeGreaterThanOrEqual(tried - 1);
  });

  it('says why a code cannot be read', () => {
    expect(() => parseCardCode('ABC')).toThrow(`${CARD_CODE_TYPO}: a key card code has 54 characters, this one has 3`);
    const code = keyToCardCode(generateEnvelopeKey()).replace(/-/g, '');
    expect(() => parseCardCode(`U${code.slice(1)}`)).toThrow('"U" is not a key card character');
    expect(wrongCardMessage('Årets förbättrare')).toBe('this code does not open the envelope of Årets förbättrare');
  });

  it('QR content is LAUREL-KEY:<categoryId>:<code without dashes> and parses back', () => {
    const key = generateEnvelopeKey();
    const content = keyCardQrContent(CATEGORY, key);
    expect(content).toBe(`LAUREL-KEY:${CATEGORY}:${keyToCardCode(key).replace(/-/g, '')}`);
    expect(parseKeyCardQr(content)).toEqual({ categoryId: CATEGORY, key });
    expect(() => parseKeyCardQr('https://example.com')).toThrow('not a Laurel key card');
  });
});

describe('key-card export sealed to the page', () => {
  it('opens only with the page secret it was sealed to', () => {
    const page = generateBoxKeyPair();
    const key = generateEnvelopeKey();
    const cards: KeyCardsPlaintext = {
      v: 2,
      ceremonyId: CEREMONY,
      ceremonyName: 'Kvalitetsgalan',
      exportedAt: new Date(0).toISOString(),
      cards: [{ categoryId: CATEGORY, categorySlug: 'a', categoryName: 'A', number: 1, commitment: 'f'.repeat(64), key: toBase64Url(key) }],
    };
    const sealed = sealKeyCards(page.publicKey, cards);
    expect(JSON.stringify(sealed)).not.toContain(toBase64Url(key));
    expect(openKeyCards(page.secretKey, sealed)).toEqual(cards);
    expect(() => openKeyCards(generateBoxKeyPair().secretKey, sealed)).toThrow(EnvelopeOpenError);
  });
});
