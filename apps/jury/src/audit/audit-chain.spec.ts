import { createHash } from 'node:crypto';
import { FIRST_SEQ, GENESIS_PREV_HASH, appendEntry, canonicalParts, completeCanonical, hashEntry, verifyChain, type AuditEntry, type AuditFields } from './audit-chain.js';

const ceremonyId = 'kvalitetsmassan-2017';
const start = Date.parse('2017-11-28T18:00:00.000Z');

function fieldsAt(i: number): AuditFields {
  const actions = ['ballot.saved', 'ballot.locked', 'ballot.reopened', 'verdict.computed', 'verdict.sealed'];
  return {
    ceremonyId,
    actor: `juror-${i % 7}`,
    action: actions[i % actions.length],
    subject: `category/gotapriset/ballot/${i % 7}`,
    data: { i, reason: i % 5 === 2 ? 'Juryordföranden öppnade omröstningen: “fel siffra”' : null, scores: [i % 10, 10 - (i % 10)] },
    at: new Date(start + i * 60_000).toISOString(),
  };
}

function buildChain(length: number): AuditEntry[] {
  const chain: AuditEntry[] = [];
  for (let i = 0; i < length; i++) chain.push(appendEntry(chain.at(-1) ?? null, fieldsAt(i)));
  return chain;
}

describe('appendEntry', () => {
  it('starts a chain at seq 1 on the genesis hash', () => {
    const first = appendEntry(null, fieldsAt(0));
    expect(first.seq).toBe(FIRST_SEQ);
    expect(first.prevHash).toBe(GENESIS_PREV_HASH);
    expect(GENESIS_PREV_HASH).toBe('0'.repeat(64));
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('links to the previous entry and numbers on', () => {
    const first = appendEntry(null, fieldsAt(0));
    const second = appendEntry(first, fieldsAt(1));
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
  });

  it('hashes the JCS form of every field but hash (independently computed)', () => {
    const entry = appendEntry(null, {
      ceremonyId: 'c1',
      actor: 'chair',
      action: 'verdict.sealed',
      subject: 'category/göta',
      data: { z: 1, a: [true, null, 'å'] },
      at: '2017-11-28T19:30:00.000Z',
    });
    const canonical =
      '{"action":"verdict.sealed","actor":"chair","at":"2017-11-28T19:30:00.000Z","ceremonyId":"c1","data":{"a":[true,null,"å"],"z":1},"prevHash":"0000000000000000000000000000000000000000000000000000000000000000","seq":1,"subject":"category/göta"}';
    expect(entry.hash).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('is deterministic and ignores extra properties on the fields', () => {
    const extra = { ...fieldsAt(3), hash: 'forged', seq: 99 } as AuditFields;
    expect(appendEntry(null, extra)).toEqual(appendEntry(null, fieldsAt(3)));
  });

  it('refuses a timestamp that is not a round-tripping ISO UTC string', () => {
    expect(() => appendEntry(null, { ...fieldsAt(0), at: '2017-11-28 19:30' })).toThrow(TypeError);
    expect(() => appendEntry(null, { ...fieldsAt(0), at: '2017-11-28T19:30:00+01:00' })).toThrow(TypeError);
    expect(() => appendEntry(null, { ...fieldsAt(0), at: 'not a date' })).toThrow(TypeError);
  });
});

describe('verifyChain', () => {
  it('accepts a valid chain of 50', () => {
    const chain = buildChain(50);
    expect(verifyChain(chain)).toEqual({ ok: true, count: 50, headHash: chain[49].hash });
  });

  it('accepts an empty log', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, headHash: GENESIS_PREV_HASH });
  });

  it('survives a database round trip that reorders JSON keys', () => {
    // jsonb keeps its own key order: reverse every object's keys to stand in for it.
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]))
          : value;
    const chain = buildChain(5).map((e) => reverseKeys(e) as AuditEntry);
    expect(Object.keys(chain[2].data as object)).toEqual(['scores', 'reason', 'i']);
    expect(verifyChain(chain).ok).toBe(true);
  });

  it('names the row whose data was tampered with', () => {
    const chain = buildChain(50);
    chain[16] = { ...chain[16], data: { i: 16, reason: null, scores: [10, 10] } };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 17, reason: 'hash mismatch' });
  });

  it.each(['actor', 'action', 'subject', 'ceremonyId', 'at'] as const)('detects a tampered %s', (field) => {
    const chain = buildChain(10);
    chain[4] = { ...chain[4], [field]: field === 'at' ? '2017-11-28T18:04:00.001Z' : 'x' };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 5, reason: 'hash mismatch' });
  });

  it('names the next row when a tampered row had its hash recomputed', () => {
    const chain = buildChain(50);
    const forged = { ...chain[16], actor: 'someone-else' };
    chain[16] = { ...forged, hash: hashEntry(forged) };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 18, reason: 'prev link mismatch' });
  });

  it('names the gap when a row is deleted', () => {
    const chain = buildChain(50);
    chain.splice(29, 1); // seq 30
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 31, reason: 'sequence gap' });
  });

  it('detects a deleted first row', () => {
    const chain = buildChain(10).slice(1);
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 2, reason: 'sequence gap' });
  });

  it('detects a deleted row even when the later rows were renumbered', () => {
    const chain = buildChain(10);
    chain.splice(3, 1);
    for (let i = 3; i < chain.length; i++) chain[i] = { ...chain[i], seq: i + 1 };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 4, reason: 'prev link mismatch' });
  });

  it('detects reordered rows', () => {
    const chain = buildChain(50);
    [chain[10], chain[11]] = [chain[11], chain[10]];
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 12, reason: 'sequence gap' });
  });

  it('detects reordered rows whose seq numbers were swapped back', () => {
    const chain = buildChain(50);
    [chain[10], chain[11]] = [{ ...chain[11], seq: 11 }, { ...chain[10], seq: 12 }];
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 11, reason: 'prev link mismatch' });
  });

  it('detects a duplicated row', () => {
    const chain = buildChain(10);
    chain.splice(5, 0, chain[5]);
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 6, reason: 'sequence gap' });
  });

  it('detects rows cut off the end only against an expected head', () => {
    const chain = buildChain(20);
    const head = chain[19].hash;
    const truncated = chain.slice(0, 18);
    expect(verifyChain(truncated).ok).toBe(true);
    expect(verifyChain(truncated, { expectedHead: head })).toEqual({ ok: false, brokenAt: 18, reason: 'head mismatch' });
    expect(verifyChain(chain, { expectedHead: head })).toEqual({ ok: true, count: 20, headHash: head });
  });

  it('reports a row whose data cannot be canonicalized as a hash mismatch', () => {
    const chain = buildChain(3);
    chain[1] = { ...chain[1], data: { n: Number.NaN } };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAt: 2, reason: 'hash mismatch' });
  });
});

describe('verifyChain against a published anchor', () => {
  it('accepts a chain that passes through the anchor and has grown since', () => {
    const chain = buildChain(30);
    expect(verifyChain(chain, { anchor: { hash: chain[19].hash, count: 20 } })).toEqual({ ok: true, count: 30, headHash: chain[29].hash });
    expect(verifyChain(chain, { anchor: { hash: chain[29].hash, count: 30 } }).ok).toBe(true);
    expect(verifyChain(chain, { anchor: { hash: GENESIS_PREV_HASH, count: 0 } }).ok).toBe(true);
  });

  it('catches a chain rewritten and re-hashed from an earlier entry on (the chain alone still verifies)', () => {
    const chain = buildChain(30);
    const anchor = { hash: chain[24].hash, count: 25 };
    // The rewrite a superuser could do: change entry 10, recompute every hash after it, and the head.
    const rewritten: AuditEntry[] = chain.slice(0, 9);
    for (let i = 9; i < chain.length; i++) {
      const fields = i === 9 ? { ...fieldsAt(i), data: { i, reason: null, scores: [10, 10] } } : fieldsAt(i);
      rewritten.push(appendEntry(rewritten.at(-1)!, fields));
    }
    expect(verifyChain(rewritten)).toEqual({ ok: true, count: 30, headHash: rewritten[29].hash });
    expect(verifyChain(rewritten, { expectedHead: rewritten[29].hash }).ok).toBe(true);
    expect(verifyChain(rewritten, { anchor })).toEqual({ ok: false, brokenAt: 25, reason: 'head mismatch' });
  });

  it('catches a chain cut below the anchor, and a wrong count', () => {
    const chain = buildChain(30);
    expect(verifyChain(chain.slice(0, 20), { anchor: { hash: chain[24].hash, count: 25 } })).toEqual({ ok: false, brokenAt: 20, reason: 'head mismatch' });
    expect(verifyChain(chain, { anchor: { hash: chain[24].hash, count: 24 } })).toEqual({ ok: false, brokenAt: 24, reason: 'head mismatch' });
  });

  it('reports a broken link before an anchor check', () => {
    const chain = buildChain(10);
    chain[3] = { ...chain[3], actor: 'x' };
    expect(verifyChain(chain, { anchor: { hash: chain[9].hash, count: 10 } })).toEqual({ ok: false, brokenAt: 4, reason: 'hash mismatch' });
  });
});

describe('canonicalParts (the text the database completes and hashes in one statement)', () => {
  const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  it('completed with at, prevHash and seq, is byte for byte the text hashEntry hashes', () => {
    const chain = buildChain(40);
    for (const entry of chain) expect(sha(completeCanonical(canonicalParts(entry), entry.at, entry.prevHash, entry.seq))).toBe(entry.hash);
  });

  it('holds for data that mimics the top-level keys, escapes, non-BMP text and numbers JCS rewrites', () => {
    const tricky: AuditFields = {
      ceremonyId: '7f9c0b52-5c1e-4d0e-9f43-0c3f6b1d2a10',
      actor: 'juror:"quoted"\\n',
      action: 'review.locked',
      subject: 'review:å/ä/ö/😀/\u2028\u2028',
      data: { prevHash: 'f'.repeat(64), seq: 7, subject: '","seq":1,"subject":"x"}', at: '', scores: { kvalitet: 1e21, fornyelse: 0.1 + 0.2, z: -0 }, 'é': null, '\u0000': [true, false] },
      at: '2026-12-06T08:50:00.123Z',
    };
    for (const seq of [1, 9, 12345]) {
      const entry = appendEntry(seq === 1 ? null : { seq: seq - 1, hash: 'a'.repeat(64) }, tricky);
      expect(sha(completeCanonical(canonicalParts(tricky), entry.at, entry.prevHash, entry.seq))).toBe(entry.hash);
    }
  });
});
