import { createHash } from 'node:crypto';
import { ballotRoot, computeReceipt, orderLeaves, receiptProof, verifyReceiptProof, type ReceiptLeaf } from './ballot-receipt.js';

const salt = 'ab'.repeat(32);
const contents = {
  categoryId: 'c1f1b4a2-0000-4000-8000-000000000001',
  jurorId: 'a0000000-0000-4000-8000-00000000000a',
  // Keys deliberately out of order: the receipt hashes the canonical form.
  scores: { n2: { kvalitet: 10, innovation: 7 }, n1: { kvalitet: 1, innovation: 9 } },
  salt,
};

describe('computeReceipt', () => {
  it('is sha256 of the JCS form of { categoryId, jurorId, scores, salt } (fixed vector)', () => {
    const canonical = `{"categoryId":"c1f1b4a2-0000-4000-8000-000000000001","jurorId":"a0000000-0000-4000-8000-00000000000a","salt":"${salt}","scores":{"n1":{"innovation":9,"kvalitet":1},"n2":{"innovation":7,"kvalitet":10}}}`;
    const expected = '937dafa572cb6a36b3775c92db37b6da21b56e03ada30df39f7430bcf56a6c1f';
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(expected);
    expect(computeReceipt(contents)).toBe(expected);
  });

  it('ignores other properties, and changes with every hashed field', () => {
    expect(computeReceipt({ ...contents, lockedAt: 'x' } as typeof contents)).toBe(computeReceipt(contents));
    const base = computeReceipt(contents);
    expect(computeReceipt({ ...contents, salt: 'cd'.repeat(32) })).not.toBe(base);
    expect(computeReceipt({ ...contents, jurorId: contents.jurorId.replace('a', 'b') })).not.toBe(base);
    expect(computeReceipt({ ...contents, categoryId: 'other' })).not.toBe(base);
    expect(computeReceipt({ ...contents, scores: { ...contents.scores, n1: { kvalitet: 2, innovation: 9 } } })).not.toBe(base);
  });

  it('refuses a malformed salt or missing ids', () => {
    expect(() => computeReceipt({ ...contents, salt: 'AB'.repeat(32) })).toThrow(TypeError);
    expect(() => computeReceipt({ ...contents, salt: '' })).toThrow(TypeError);
    expect(() => computeReceipt({ ...contents, jurorId: '' })).toThrow(TypeError);
    expect(() => computeReceipt({ ...contents, scores: null as never })).toThrow(TypeError);
  });
});

describe('ballot root and receipt proofs', () => {
  const leaf = (i: number): ReceiptLeaf => ({ jurorId: `0000000${i}-0000-4000-8000-000000000000`, receipt: String(i).repeat(64).slice(0, 64).replace(/[^0-9a-f]/g, 'a') });

  it('orders leaves by jurorId whatever the input order, and refuses a juror twice', () => {
    const leaves = [leaf(3), leaf(1), leaf(2)];
    expect(orderLeaves(leaves).map((l) => l.jurorId)).toEqual([leaf(1), leaf(2), leaf(3)].map((l) => l.jurorId));
    expect(ballotRoot(leaves)).toEqual(ballotRoot([leaf(1), leaf(2), leaf(3)]));
    expect(() => orderLeaves([leaf(1), leaf(1)])).toThrow(TypeError);
  });

  it('is the RFC 6962 root over the receipts as leaf bytes (fixed vector, 3 leaves)', () => {
    const leaves = [1, 2, 3].map((i) => ({ jurorId: `0000000${i}-0000-4000-8000-000000000000`, receipt: `0${i}`.repeat(32) }));
    // node(node(leaf(r1), leaf(r2)), leaf(r3)) with leaf = sha256(00||r), node = sha256(01||l||r), computed independently.
    expect(ballotRoot(leaves)).toEqual({ root: 'df896896c799531f1fd1e556cea26a6989ab06853bcbfdd3e4f5097a611f658f', count: 3 });
  });

  it('proves every juror of panels of 1..12 against the root, and no other receipt', () => {
    for (let n = 1; n <= 12; n++) {
      const leaves = Array.from({ length: n }, (_, i) => ({ jurorId: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`, receipt: createHash('sha256').update(`r${i}`).digest('hex') }));
      const { root } = ballotRoot(leaves);
      for (const l of leaves) {
        const proof = receiptProof(leaves, l.jurorId)!;
        expect(proof.root).toBe(root);
        expect(proof.receipt).toBe(l.receipt);
        const published = { root, count: n };
        expect(verifyReceiptProof(l.receipt, proof, published)).toBe(true);
        expect(verifyReceiptProof(createHash('sha256').update('forged').digest('hex'), proof, published)).toBe(false);
        expect(verifyReceiptProof(l.receipt, proof, { root: createHash('sha256').update('other root').digest('hex'), count: n })).toBe(false);
        // The size is part of what was published: a proof for another size is refused even where its path would hash up.
        expect(verifyReceiptProof(l.receipt, proof, { root, count: n + 1 })).toBe(false);
      }
      expect(receiptProof(leaves, 'ffffffff-0000-4000-8000-000000000000')).toBeNull();
    }
  });

  it('refuses malformed input without throwing', () => {
    const leaves = [leaf(1), leaf(2)];
    const proof = receiptProof(leaves, leaf(1).jurorId)!;
    const published = { root: proof.root, count: 2 };
    expect(verifyReceiptProof(proof.receipt, proof, published)).toBe(true);
    expect(verifyReceiptProof('nothex', proof, published)).toBe(false);
    expect(verifyReceiptProof(proof.receipt, { ...proof, path: ['zz'] }, published)).toBe(false);
    expect(verifyReceiptProof(proof.receipt, { ...proof, path: null as never }, published)).toBe(false);
  });
});
