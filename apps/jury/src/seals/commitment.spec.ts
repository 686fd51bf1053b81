import { createHash } from 'node:crypto';
import {
  MOTIVATION_MAX_LENGTH,
  MOTIVATION_MIN_LENGTH,
  MotivationError,
  computeCommitment,
  generateSalt,
  normalizeMotivation,
  sealVerdict,
  validateMotivation,
  verifyCommitment,
  type SealContents,
} from './commitment.js';

const sha256hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const gotapriset: SealContents = {
  categoryId: 'gotapriset-2017',
  winnerId: 'are-kommun',
  motivation:
    'Åre kommun får GötaPriset för ett integrationsarbete där “hjärtat får vara med” – öppet, modigt och väl förankrat i bygden.',
  salt: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

describe('computeCommitment', () => {
  it('matches a fixed vector with Swedish letters and typographic quotes', () => {
    // Hand-written RFC 8785 form: keys sorted, non-ASCII kept as UTF-8, no whitespace.
    const canonical =
      '{"categoryId":"gotapriset-2017","motivation":"Åre kommun får GötaPriset för ett integrationsarbete där “hjärtat får vara med” – öppet, modigt och väl förankrat i bygden.","salt":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","winnerId":"are-kommun"}';
    const expected = 'cd8d3a5d92b025cd50f9d571dc5a666f237ed03c38aa56bc7d9e846804c29123';
    expect(sha256hex(canonical)).toBe(expected);
    expect(computeCommitment(gotapriset)).toBe(expected);
  });

  it('matches a fixed vector with escapes (newline, ASCII quote, backslash)', () => {
    const contents: SealContents = {
      categoryId: 'c',
      winnerId: 'w',
      motivation: 'Rad ett\nRad "två" \\ tre',
      salt: 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',
    };
    const canonical = String.raw`{"categoryId":"c","motivation":"Rad ett\nRad \"två\" \\ tre","salt":"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100","winnerId":"w"}`;
    const expected = 'a18bc6f96f7d503a5c492d259a3b89b993ea4a2365a836cf60ae8529e94c7d93';
    expect(sha256hex(canonical)).toBe(expected);
    expect(computeCommitment(contents)).toBe(expected);
  });

  it('does not depend on the order of the keys', () => {
    const reordered = {
      salt: gotapriset.salt,
      motivation: gotapriset.motivation,
      winnerId: gotapriset.winnerId,
      categoryId: gotapriset.categoryId,
    };
    expect(computeCommitment(reordered)).toBe(computeCommitment(gotapriset));
  });

  it('ignores properties other than the four sealed fields', () => {
    const withExtra = { ...gotapriset, sealedAt: '2017-11-28T20:00:00.000Z' } as SealContents;
    expect(computeCommitment(withExtra)).toBe(computeCommitment(gotapriset));
  });

  it.each([
    ['categoryId', 'gotapriset-2018'],
    ['winnerId', 'kungsbacka-kommun'],
    ['motivation', gotapriset.motivation.replace('Åre', 'Are')],
    ['motivation', `${gotapriset.motivation} `],
    ['salt', `${gotapriset.salt.slice(0, -1)}0`],
  ] as const)('changes when %s changes', (field, value) => {
    expect(computeCommitment({ ...gotapriset, [field]: value })).not.toBe(computeCommitment(gotapriset));
  });

  it('hashes exact code points: a decomposed å is a different commitment', () => {
    const decomposed = { ...gotapriset, motivation: gotapriset.motivation.normalize('NFD') };
    expect(decomposed.motivation).not.toBe(gotapriset.motivation);
    expect(computeCommitment(decomposed)).not.toBe(computeCommitment(gotapriset));
  });

  it('refuses a malformed salt or an empty field', () => {
    expect(() => computeCommitment({ ...gotapriset, salt: 'abc' })).toThrow(TypeError);
    expect(() => computeCommitment({ ...gotapriset, salt: gotapriset.salt.toUpperCase() })).toThrow(TypeError);
    expect(() => computeCommitment({ ...gotapriset, winnerId: '' })).toThrow(TypeError);
    expect(() => computeCommitment({ ...gotapriset, categoryId: undefined as unknown as string })).toThrow(TypeError);
  });
});

describe('generateSalt', () => {
  it('is 32 random bytes as lowercase hex', () => {
    const a = generateSalt();
    const b = generateSalt();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it('is accepted by computeCommitment', () => {
    expect(computeCommitment({ ...gotapriset, salt: generateSalt() })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('verifyCommitment', () => {
  const commitment = computeCommitment(gotapriset);

  it('accepts the revealed contents', () => {
    expect(verifyCommitment(gotapriset, commitment)).toBe(true);
  });

  it('rejects changed contents', () => {
    expect(verifyCommitment({ ...gotapriset, winnerId: 'other' }, commitment)).toBe(false);
    expect(verifyCommitment({ ...gotapriset, motivation: `${gotapriset.motivation}!` }, commitment)).toBe(false);
  });

  it('rejects a malformed commitment or malformed contents without throwing', () => {
    expect(verifyCommitment(gotapriset, commitment.toUpperCase())).toBe(false);
    expect(verifyCommitment(gotapriset, commitment.slice(1))).toBe(false);
    expect(verifyCommitment(gotapriset, '')).toBe(false);
    expect(verifyCommitment({ ...gotapriset, salt: 'nope' }, commitment)).toBe(false);
  });
});

describe('validateMotivation', () => {
  const ok = 'Juryns motivering: ett modigt och väl förankrat arbete.';

  it('accepts plain Swedish text with newlines and typographic quotes', () => {
    expect(validateMotivation(ok)).toEqual([]);
    expect(validateMotivation('Första stycket om “hjärtat”.\n\nAndra stycket – kort.')).toEqual([]);
  });

  it('counts length after trimming, in characters', () => {
    const exactlyMin = 'å'.repeat(MOTIVATION_MIN_LENGTH);
    expect(validateMotivation(exactlyMin)).toEqual([]);
    expect(validateMotivation(`   ${'å'.repeat(MOTIVATION_MIN_LENGTH - 1)}   `)).toEqual([{ path: 'motivation', reason: 'too short' }]);
    expect(validateMotivation('')).toEqual([{ path: 'motivation', reason: 'too short' }]);
    expect(validateMotivation('😀'.repeat(MOTIVATION_MIN_LENGTH))).toEqual([]);
    expect(validateMotivation('ö'.repeat(MOTIVATION_MAX_LENGTH))).toEqual([]);
    expect(validateMotivation('ö'.repeat(MOTIVATION_MAX_LENGTH + 1))).toEqual([{ path: 'motivation', reason: 'too long' }]);
    // A decomposed ö is two code points but one character once normalized.
    expect(validateMotivation('ö'.normalize('NFD').repeat(MOTIVATION_MAX_LENGTH))).toEqual([]);
  });

  it('refuses control characters other than newline', () => {
    expect(validateMotivation(`${ok}\tmed tab`)).toEqual([{ path: 'motivation', reason: 'control character' }]);
    expect(validateMotivation(`${ok}\u0000`)).toEqual([{ path: 'motivation', reason: 'control character' }]);
    expect(validateMotivation(`${ok}\u0085x`)).toEqual([{ path: 'motivation', reason: 'control character' }]);
    expect(validateMotivation(`${ok}\r\nrad två`)).toEqual([]); // CRLF becomes \n
  });

  it('refuses HTML tags but not comparison signs', () => {
    expect(validateMotivation(`${ok} <b>fet</b>`)).toEqual([{ path: 'motivation', reason: 'html tag' }]);
    expect(validateMotivation(`<script>alert(1)</script>${ok}`)).toEqual([{ path: 'motivation', reason: 'html tag' }]);
    expect(validateMotivation(`${ok} <!-- kommentar -->`)).toEqual([{ path: 'motivation', reason: 'html tag' }]);
    expect(validateMotivation(`${ok} Betyg < 5 och > 3, alltid <3.`)).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(validateMotivation('<i>\t</i>')).toEqual([
      { path: 'motivation', reason: 'too short' },
      { path: 'motivation', reason: 'control character' },
      { path: 'motivation', reason: 'html tag' },
    ]);
  });

  it('refuses non-strings and lone surrogates', () => {
    expect(validateMotivation(42)).toEqual([{ path: 'motivation', reason: 'not a string' }]);
    expect(validateMotivation(null)).toEqual([{ path: 'motivation', reason: 'not a string' }]);
    expect(validateMotivation(`${ok}\uD800`)).toEqual([{ path: 'motivation', reason: 'invalid unicode' }]);
  });
});

describe('normalizeMotivation', () => {
  it('trims, unifies line ends and composes to NFC', () => {
    expect(normalizeMotivation('  Rad ett\r\nRad två\rRad tre \n')).toBe('Rad ett\nRad två\nRad tre');
    expect(normalizeMotivation('Go\u0308ta')).toBe('Göta');
  });

  it('is idempotent, so the sealed text validates and hashes the same on reveal', () => {
    const once = normalizeMotivation(`  ${gotapriset.motivation.normalize('NFD')}\r\n`);
    expect(normalizeMotivation(once)).toBe(once);
    expect(computeCommitment({ ...gotapriset, motivation: once })).toBe(computeCommitment(gotapriset));
  });
});

describe('sealVerdict', () => {
  it('commits to the normalized motivation with the given salt', () => {
    const sealed = sealVerdict(
      { categoryId: gotapriset.categoryId, winnerId: gotapriset.winnerId, motivation: `\r\n  ${gotapriset.motivation.normalize('NFD')}  ` },
      gotapriset.salt,
    );
    expect(sealed).toEqual({ ...gotapriset, commitment: 'cd8d3a5d92b025cd50f9d571dc5a666f237ed03c38aa56bc7d9e846804c29123' });
    expect(verifyCommitment(sealed, sealed.commitment)).toBe(true);
  });

  it('uses a fresh salt by default', () => {
    const verdict = { categoryId: 'c', winnerId: 'w', motivation: gotapriset.motivation };
    const a = sealVerdict(verdict);
    const b = sealVerdict(verdict);
    expect(a.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(a.salt).not.toBe(b.salt);
    expect(a.commitment).not.toBe(b.commitment);
  });

  it('refuses an invalid motivation with its problems', () => {
    const verdict = { categoryId: 'c', winnerId: 'w', motivation: '<p>kort</p>' };
    let caught: unknown;
    try {
      sealVerdict(verdict, gotapriset.salt);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MotivationError);
    expect((caught as MotivationError).problems).toEqual([
      { path: 'motivation', reason: 'too short' },
      { path: 'motivation', reason: 'html tag' },
    ]);
  });
});
