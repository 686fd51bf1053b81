import { fromHex64, merkleLeafHash, verifyMerkleInclusion } from './merkle.js';
import canonicalize from 'canonicalize';
import { sha256Hex } from './commitment.js';
import { audienceMotivation, audienceWinner, computeVoteReceipt, voteProof, voteReceiptText, voteRoot } from './vote-receipt.js';

const salt = (n: number) => n.toString(16).padStart(64, '0');
const categoryId = '7d1f3c1e-0000-4000-8000-000000000001';

describe('vote receipts, the vote root and the audience winner', () => {
  it('a receipt binds category, nominee and salt, and nothing else', () => {
    const r = computeVoteReceipt({ categoryId, nomineeId: 'a', salt: salt(1) });
    expect(r).toMatch(/^[0-9a-f]{64}$/);
    expect(computeVoteReceipt({ categoryId, nomineeId: 'b', salt: salt(1) })).not.toBe(r);
    expect(computeVoteReceipt({ categoryId, nomineeId: 'a', salt: salt(2) })).not.toBe(r);
    expect(computeVoteReceipt({ categoryId, nomineeId: 'a', salt: salt(1), ticket: 'x' } as never)).toBe(r);
    expect(() => computeVoteReceipt({ categoryId, nomineeId: 'a', salt: 'short' })).toThrow(/salt/);
  });

  it("the receipt's text is JCS of the three fields, byte for byte, whatever the ids hold", () => {
    const ids = [categoryId, 'a', 'Ö"\\\n\t\u0001é', '\u{1F3C6} trophy', '\u2028\u2029', 'x'.repeat(300)];
    for (const c of ids) {
      for (const n of ids) {
        const contents = { categoryId: c, nomineeId: n, salt: salt(7) };
        expect(voteReceiptText(contents)).toBe(canonicalize(contents));
        expect(computeVoteReceipt(contents)).toBe(sha256Hex(canonicalize(contents)!));
      }
    }
    // A lone surrogate has no JCS text: refused by both.
    expect(() => canonicalize({ categoryId, nomineeId: '\ud800 lone', salt: salt(7) })).toThrow();
    expect(() => voteReceiptText({ categoryId, nomineeId: '\ud800 lone', salt: salt(7) })).toThrow(/lone surrogate/);
    // Member order comes from the sorted keys, not from the object it is given.
    expect(voteReceiptText({ salt: salt(7), nomineeId: 'n', categoryId: 'c' })).toBe(canonicalize({ categoryId: 'c', nomineeId: 'n', salt: salt(7) }));
  });

  it('the root does not depend on the order votes came in, and every receipt has a proof that checks', () => {
    const receipts = Array.from({ length: 13 }, (_, i) => computeVoteReceipt({ categoryId, nomineeId: i % 3 ? 'a' : 'b', salt: salt(i + 1) }));
    const { root, count } = voteRoot(receipts);
    expect(count).toBe(13);
    expect(voteRoot([...receipts].reverse()).root).toBe(root);
    for (const r of receipts) {
      const proof = voteProof(receipts, r)!;
      expect(proof.root).toBe(root);
      expect(verifyMerkleInclusion({ leafHash: merkleLeafHash(fromHex64(r)), index: proof.leafIndex, treeSize: proof.treeSize, path: proof.path.map(fromHex64), root: fromHex64(root) })).toBe(true);
    }
    expect(voteProof(receipts, salt(99))).toBeNull();
    expect(() => voteRoot([receipts[0], receipts[0]])).toThrow(/twice/);
  });

  it('the winner has the most votes; a tie goes to the nominee listed first', () => {
    const nominees = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(audienceWinner(nominees, { a: 3, b: 5, c: 1 })).toBe('b');
    expect(audienceWinner(nominees, { a: 4, b: 4, c: 4 })).toBe('a');
    expect(audienceWinner(nominees, { b: 2, c: 2 })).toBe('b');
    expect(audienceMotivation({ organisation: 'Borås Stad', title: null }, { a: 1, b: 2 }, 'b')).toBe('Publikens röst: Borås Stad fick 2 av 3 röster.');
  });
});
