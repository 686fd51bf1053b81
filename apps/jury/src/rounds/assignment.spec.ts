import { assignReviewers, replacementReviewer, type AssignmentInput, type AssignmentResult } from './assignment.js';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

/** Every rule the assignment promises, checked on its output (not on how it got there). */
function expectValid(input: AssignmentInput, result: AssignmentResult): void {
  const conflicted = new Set(input.conflicts.map((c) => `${c.reviewerId}/${c.entryId}`));
  const loads = new Map(input.reviewerIds.map((r) => [r, 0]));
  expect([...result.reviewers.keys()]).toEqual(input.entryIds);
  for (const [entryId, reviewers] of result.reviewers) {
    expect(reviewers).toHaveLength(input.k);
    expect(new Set(reviewers).size).toBe(input.k);
    for (const r of reviewers) {
      expect(conflicted.has(`${r}/${entryId}`)).toBe(false);
      expect(input.reviewerIds).toContain(r);
      loads.set(r, loads.get(r)! + 1);
    }
  }
  const values = [...loads.values()];
  expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
  expect(values.reduce((a, b) => a + b, 0)).toBe(input.entryIds.length * input.k);
  expect(result.loads).toEqual(loads);
  expect(result.minLoad).toBe(Math.floor((input.entryIds.length * input.k) / input.reviewerIds.length));
}

/** A small deterministic PRNG (mulberry32), so the random cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('screening assignment', () => {
  it('gives 468 entries 3 of 12 jurors each, loads 117 each, around affiliation and declared conflicts', () => {
    const entryIds = ids('e', 468);
    const reviewerIds = ids('j', 12);
    // Juror 0 works for the organisation behind 40 entries; juror 5 declared 25 more.
    const conflicts = [
      ...entryIds.slice(0, 40).map((entryId) => ({ reviewerId: 'j000', entryId })),
      ...entryIds.slice(100, 125).map((entryId) => ({ reviewerId: 'j005', entryId })),
    ];
    const input = { entryIds, reviewerIds, k: 3, conflicts };
    const result = assignReviewers(input);
    if (!result.ok) throw new Error(result.message);
    expectValid(input, result);
    expect(new Set(result.loads.values())).toEqual(new Set([117]));
  });

  it('balances to ±1 when n·k is not a multiple of the panel (10 entries × 2 over 6 jurors: 4,4,3,3,3,3)', () => {
    const input = { entryIds: ids('e', 10), reviewerIds: ids('j', 6), k: 2, conflicts: [] };
    const result = assignReviewers(input);
    if (!result.ok) throw new Error(result.message);
    expectValid(input, result);
    expect([...result.loads.values()].sort()).toEqual([3, 3, 3, 3, 4, 4]);
  });

  it('is deterministic: the same input gives the same assignment', () => {
    const input = { entryIds: ids('e', 50), reviewerIds: ids('j', 7), k: 3, conflicts: [{ reviewerId: 'j001', entryId: 'e003' }] };
    const a = assignReviewers(input);
    const b = assignReviewers(input);
    expect(a).toEqual(b);
  });

  it('needs the flow fix-up where greedy alone strands an entry, and still keeps every rule', () => {
    // Jurors 0 and 1 are conflicted with the last entries, so a greedy pass that filled jurors 2 and 3
    // early has nobody left for them: the augmenting paths move earlier entries over to 0 and 1.
    const entryIds = ids('e', 8);
    const reviewerIds = ids('j', 4);
    const conflicts = entryIds.slice(4).flatMap((entryId) => [
      { reviewerId: 'j000', entryId },
      { reviewerId: 'j001', entryId },
    ]);
    const input = { entryIds, reviewerIds, k: 2, conflicts };
    const result = assignReviewers(input);
    if (!result.ok) throw new Error(result.message);
    expectValid(input, result);
    for (const entryId of entryIds.slice(4)) expect(result.reviewers.get(entryId)).toEqual(['j002', 'j003']);
  });

  it('keeps every rule on 300 random panels with random conflicts, or refuses only when no assignment exists', () => {
    const random = prng(15);
    let assigned = 0;
    for (let run = 0; run < 300; run++) {
      const m = 2 + Math.floor(random() * 8);
      const n = 1 + Math.floor(random() * 30);
      const k = 1 + Math.floor(random() * m);
      const entryIds = ids('e', n);
      const reviewerIds = ids('j', m);
      const conflicts = entryIds.flatMap((entryId) => reviewerIds.filter(() => random() < 0.15).map((reviewerId) => ({ reviewerId, entryId })));
      const input = { entryIds, reviewerIds, k, conflicts };
      const result = assignReviewers(input);
      if (result.ok) {
        expectValid(input, result);
        assigned++;
      } else if (n * m <= 12) {
        // Small enough to check the refusal by brute force: no valid assignment exists.
        expect(bruteForceExists(input)).toBe(false);
      } else {
        expect(['too few eligible reviewers', 'no balanced assignment']).toContain(result.code);
      }
    }
    expect(assigned).toBeGreaterThan(150);
  });

  it('refuses k larger than the panel or below 1, and a round without entries', () => {
    const base = { entryIds: ids('e', 3), reviewerIds: ids('j', 3), conflicts: [] };
    expect(assignReviewers({ ...base, k: 4 })).toMatchObject({ ok: false, code: 'k out of range' });
    expect(assignReviewers({ ...base, k: 0 })).toMatchObject({ ok: false, code: 'k out of range' });
    expect(assignReviewers({ ...base, k: 1.5 })).toMatchObject({ ok: false, code: 'k out of range' });
    expect(assignReviewers({ ...base, entryIds: [], k: 1 })).toMatchObject({ ok: false, code: 'no entries' });
  });

  it('refuses, naming the entries, when an entry has fewer than k jurors free of conflicts', () => {
    const result = assignReviewers({
      entryIds: ['a', 'b'],
      reviewerIds: ['j1', 'j2', 'j3'],
      k: 2,
      conflicts: [
        { reviewerId: 'j1', entryId: 'b' },
        { reviewerId: 'j2', entryId: 'b' },
      ],
    });
    expect(result).toEqual({
      ok: false,
      code: 'too few eligible reviewers',
      message: '1 entry has fewer than k = 2 jurors free of conflicts',
      entries: [{ entryId: 'b', eligible: 1 }],
    });
  });

  it('refuses when every entry has k free jurors but no balanced assignment exists', () => {
    // 4 entries, k = 1, 2 jurors: loads must be 2 and 2, but j1 is conflicted with three of them.
    const result = assignReviewers({
      entryIds: ['a', 'b', 'c', 'd'],
      reviewerIds: ['j1', 'j2'],
      k: 1,
      conflicts: ['a', 'b', 'c'].map((entryId) => ({ reviewerId: 'j1', entryId })),
    });
    expect(result).toMatchObject({ ok: false, code: 'no balanced assignment' });
    expect(bruteForceExists({ entryIds: ['a', 'b', 'c', 'd'], reviewerIds: ['j1', 'j2'], k: 1, conflicts: ['a', 'b', 'c'].map((entryId) => ({ reviewerId: 'j1', entryId })) })).toBe(false);
  });
});

/** Whether any valid assignment exists, by trying every choice of k reviewers per entry (tiny inputs only). */
function bruteForceExists(input: AssignmentInput): boolean {
  const { entryIds, reviewerIds, k } = input;
  const m = reviewerIds.length;
  const conflicted = new Set(input.conflicts.map((c) => `${c.reviewerId}/${c.entryId}`));
  const subsets: number[][] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === k) return void subsets.push([...chosen]);
    for (let r = start; r < m; r++) pick(r + 1, [...chosen, r]);
  };
  pick(0, []);
  const low = Math.floor((entryIds.length * k) / m);
  const high = Math.ceil((entryIds.length * k) / m);
  const loads = new Array<number>(m).fill(0);
  const search = (e: number): boolean => {
    if (e === entryIds.length) return loads.every((l) => l >= low && l <= high);
    for (const subset of subsets) {
      if (subset.some((r) => conflicted.has(`${reviewerIds[r]}/${entryIds[e]}`) || loads[r] >= high)) continue;
      subset.forEach((r) => loads[r]++);
      if (search(e + 1)) return true;
      subset.forEach((r) => loads[r]--);
    }
    return false;
  };
  return search(0);
}

describe('a replacement reviewer after a late conflict', () => {
  const reviewerIds = ['j1', 'j2', 'j3', 'j4'];
  const loads = new Map([
    ['j1', 3],
    ['j2', 2],
    ['j3', 2],
    ['j4', 1],
  ]);

  it('takes the least-loaded juror free of the entry, in panel order on a tie', () => {
    expect(replacementReviewer({ reviewerIds, loads, leaving: 'j1', reviewing: new Set(['j1', 'j2']), conflicted: new Set() })).toBe('j4');
    expect(replacementReviewer({ reviewerIds, loads, leaving: 'j1', reviewing: new Set(['j1', 'j4']), conflicted: new Set() })).toBe('j2');
  });

  it('never the juror leaving, one already reviewing the entry or one conflicted with it; null when nobody is left', () => {
    expect(replacementReviewer({ reviewerIds, loads, leaving: 'j4', reviewing: new Set(['j4', 'j2']), conflicted: new Set(['j3']) })).toBe('j1');
    expect(replacementReviewer({ reviewerIds, loads, leaving: 'j4', reviewing: new Set(['j4', 'j2']), conflicted: new Set(['j3', 'j1']) })).toBeNull();
  });
});
