import { createHash } from 'node:crypto';
import { merkleInclusionPath, merkleLeafHash, merkleNodeHash, merkleRoot, verifyMerkleInclusion } from './merkle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

// RFC 6962 / Certificate Transparency reference inputs and tree heads for sizes 0..8.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Reference audit paths (leaf 0 and leaf 5 of the 8-leaf tree).
const CT_PATHS: { index: number; path: string[] }[] = [
  {
    index: 0,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

describe('RFC 6962 Merkle tree', () => {
  const leafHashes = CT_LEAVES.map(merkleLeafHash);

  it('hashes leaves with 0x00 and nodes with 0x01 (domain separation)', () => {
    expect(hex(merkleLeafHash(new Uint8Array()))).toBe(createHash('sha256').update(Uint8Array.of(0)).digest('hex'));
    const [a, b] = leafHashes;
    expect(hex(merkleNodeHash(a, b))).toBe(createHash('sha256').update(Buffer.concat([Uint8Array.of(1), a, b])).digest('hex'));
    // A leaf whose bytes are two hashes is not the node of those two hashes.
    expect(hex(merkleLeafHash(Buffer.concat([a, b])))).not.toBe(hex(merkleNodeHash(a, b)));
  });

  it('matches the reference tree head of every size 0..8', () => {
    for (let n = 0; n <= 8; n++) expect({ n, root: hex(merkleRoot(leafHashes.slice(0, n))) }).toEqual({ n, root: CT_ROOTS[n] });
  });

  it('matches the reference audit paths', () => {
    for (const { index, path } of CT_PATHS) {
      expect(merkleInclusionPath(leafHashes, index).map(hex)).toEqual(path);
      expect(verifyMerkleInclusion({ leafHash: leafHashes[index], index, treeSize: 8, path: path.map(unhex), root: unhex(CT_ROOTS[8]) })).toBe(true);
    }
  });

  // Every shape of the recursion: all sizes up to 40, every leaf, and every way to get it wrong.
  const many = Array.from({ length: 40 }, (_, i) => merkleLeafHash(Uint8Array.of(i, (i * 7) & 0xff)));

  it('proves every leaf of every tree size, and nothing else', () => {
    for (let n = 1; n <= many.length; n++) {
      const tree = many.slice(0, n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) {
        const path = merkleInclusionPath(tree, i);
        expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        const ok = (over: Partial<Parameters<typeof verifyMerkleInclusion>[0]>) => verifyMerkleInclusion({ leafHash: tree[i], index: i, treeSize: n, path, root, ...over });
        expect(ok({})).toBe(true);
        if (n > 1) {
          expect(ok({ leafHash: tree[(i + 1) % n] })).toBe(false); // another leaf
          expect(ok({ index: (i + 1) % n })).toBe(false); // another position
          expect(ok({ path: path.slice(0, -1) })).toBe(false); // shortened
          const flipped = path.map((h, j) => (j === 0 ? Buffer.from(h.map((x, k) => (k === 0 ? x ^ 1 : x))) : h));
          expect(ok({ path: flipped })).toBe(false);
        }
        expect(ok({ path: [...path, root] })).toBe(false); // lengthened
        // (A wrong treeSize can still hash to the root for some shapes: the size is bound by the published
        // count, which verifyReceiptProof compares; see ballot-receipt.spec.ts.)
        if (n < many.length) expect(ok({ root: merkleRoot(many.slice(0, n + 1)) })).toBe(false);
      }
    }
  });

  it('refuses malformed proofs without throwing', () => {
    const tree = many.slice(0, 5);
    const root = merkleRoot(tree);
    const path = merkleInclusionPath(tree, 2);
    const base = { leafHash: tree[2], index: 2, treeSize: 5, path, root };
    expect(verifyMerkleInclusion({ ...base, index: -1 })).toBe(false);
    expect(verifyMerkleInclusion({ ...base, index: 5 })).toBe(false);
    expect(verifyMerkleInclusion({ ...base, index: 1.5 })).toBe(false);
    expect(verifyMerkleInclusion({ ...base, treeSize: 0 })).toBe(false);
    expect(verifyMerkleInclusion({ ...base, root: root.subarray(1) })).toBe(false);
    expect(verifyMerkleInclusion({ ...base, path: [path[0].subarray(0, 31), ...path.slice(1)] })).toBe(false);
    expect(() => merkleInclusionPath(tree, 5)).toThrow(RangeError);
  });
});
