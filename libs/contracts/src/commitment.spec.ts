import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { computeCommitment, generateSalt, sha256Hex, verifyCommitment } from './commitment.js';

// The browser-safe module (no node:crypto) must agree with node:crypto byte for byte: the pages and
// the services check the same commitments. Known vectors live in apps/jury/src/seals/commitment.spec.ts.
describe('browser-safe commitment', () => {
  const samples = ['', 'a', 'Göteborg – “hjärtat”', '😀'.repeat(33), 'x'.repeat(1000), 'e\u0301 vs é', '\u0000\uffff'];

  it('hashes UTF-8 exactly as node:crypto does', () => {
    for (const text of samples) expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('computes the contract formula sha256hex(JCS({categoryId, winnerId, motivation, salt}))', () => {
    for (const motivation of samples.filter(Boolean)) {
      const contents = { categoryId: 'c1', winnerId: 'w1', motivation, salt: generateSalt() };
      const expected = createHash('sha256').update(canonicalize(contents)!, 'utf8').digest('hex');
      expect(computeCommitment(contents)).toBe(expected);
      expect(verifyCommitment(contents, expected)).toBe(true);
      expect(verifyCommitment({ ...contents, motivation: `${motivation} ` }, expected)).toBe(false);
    }
  });

  it('makes 32 random bytes of salt as lowercase hex', () => {
    const salts = new Set(Array.from({ length: 50 }, generateSalt));
    expect(salts.size).toBe(50);
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{64}$/);
  });
});
