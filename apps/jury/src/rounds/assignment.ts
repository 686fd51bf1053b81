/**
 * Reviewer assignment of a screening round (pure, deterministic).
 *
 * Every entry gets exactly `k` distinct reviewers, no reviewer is conflicted with an entry they get, and
 * the reviewers' loads differ by at most one. Loads summing to `n·k` and differing by at most one means
 * every load is `L = ⌊n·k / m⌋` or `L + 1` (exactly `n·k mod m` reviewers carry `L + 1`). That is a flow
 * problem: source → entry (capacity k) → reviewer (1, unless conflicted) → sink (capacity L, then L + 1).
 *
 * 1. Greedy: entries in order, each takes the least-loaded free reviewers (ties: panel order, rotated by
 *    the entry's index so the first jurors are not always first) while their load is below L.
 * 2. Fix-up, phase 1: augmenting paths (entry → unassigned reviewer → an entry they hold → …) until every
 *    reviewer carries L, when any assignment at all exists, since a maximum flow with caps L saturates them.
 * 3. Phase 2: caps raised to L + 1, augment until every entry has k. An augmenting path from the source
 *    never runs an edge into the sink backwards, so no reviewer drops below L in phase 2.
 * If either phase stops short, no assignment with these conflicts exists: a refusal that says why.
 */

export interface AssignmentInput {
  /** In a stable order (the round's entry order); the output follows it. */
  entryIds: readonly string[];
  /** In panel order. */
  reviewerIds: readonly string[];
  k: number;
  /** `reviewerId/entryId` pairs that may not meet (declared or affiliation conflicts). */
  conflicts: readonly { reviewerId: string; entryId: string }[];
}

export type AssignmentRefusalCode = 'k out of range' | 'no entries' | 'too few eligible reviewers' | 'no balanced assignment';

export interface AssignmentRefusal {
  ok: false;
  code: AssignmentRefusalCode;
  message: string;
  /** Entries with fewer than k reviewers free of conflicts (for 'too few eligible reviewers'). */
  entries?: { entryId: string; eligible: number }[];
}

export interface AssignmentResult {
  ok: true;
  /** entryId → its k reviewers, in panel order. */
  reviewers: Map<string, string[]>;
  /** reviewerId → number of entries, for every reviewer. */
  loads: Map<string, number>;
  /** ⌊n·k/m⌋ and ⌈n·k/m⌉. */
  minLoad: number;
  maxLoad: number;
}

export function assignReviewers(input: AssignmentInput): AssignmentResult | AssignmentRefusal {
  const { entryIds, reviewerIds, k } = input;
  const n = entryIds.length;
  const m = reviewerIds.length;
  if (n === 0) return { ok: false, code: 'no entries', message: 'the round has no entries to assign' };
  if (!Number.isInteger(k) || k < 1 || k > m)
    return { ok: false, code: 'k out of range', message: `k must be a whole number from 1 to the panel's ${m} juror(s); got ${k}` };

  const reviewerIndex = new Map(reviewerIds.map((id, i) => [id, i]));
  const entryIndex = new Map(entryIds.map((id, i) => [id, i]));
  // conflicted[e] = set of reviewer indexes that may not review entry e
  const conflicted: Set<number>[] = entryIds.map(() => new Set<number>());
  for (const c of input.conflicts) {
    const e = entryIndex.get(c.entryId);
    const r = reviewerIndex.get(c.reviewerId);
    if (e !== undefined && r !== undefined) conflicted[e].add(r);
  }
  const short = entryIds
    .map((entryId, e) => ({ entryId, eligible: m - conflicted[e].size }))
    .filter((x) => x.eligible < k);
  if (short.length)
    return {
      ok: false,
      code: 'too few eligible reviewers',
      message: `${short.length} entr${short.length === 1 ? 'y has' : 'ies have'} fewer than k = ${k} jurors free of conflicts`,
      entries: short,
    };

  const total = n * k;
  const low = Math.floor(total / m);
  const high = Math.ceil(total / m);
  // assigned[e] = reviewer indexes; holds[r] = entry indexes
  const assigned: Set<number>[] = entryIds.map(() => new Set<number>());
  const holds: Set<number>[] = reviewerIds.map(() => new Set<number>());

  // 1. Greedy, capped at L.
  const order = reviewerIds.map((_, i) => i);
  for (let e = 0; e < n; e++) {
    const offset = e % m;
    const candidates = order
      .filter((r) => !conflicted[e].has(r) && holds[r].size < low)
      .sort((a, b) => holds[a].size - holds[b].size || ((a - offset + m) % m) - ((b - offset + m) % m));
    for (const r of candidates.slice(0, k)) {
      assigned[e].add(r);
      holds[r].add(e);
    }
  }

  // 2 and 3. Augmenting paths with caps L, then L + 1.
  for (const cap of low === high ? [low] : [low, high]) {
    while (augment(cap, k, assigned, holds, conflicted, m)) {
      /* one more unit of flow per path */
    }
  }

  const loads = new Map(reviewerIds.map((id, r) => [id, holds[r].size]));
  const complete = assigned.every((a) => a.size === k) && holds.every((h) => h.size >= low && h.size <= high);
  if (!complete)
    return {
      ok: false,
      code: 'no balanced assignment',
      message: `no assignment gives every entry k = ${k} jurors free of conflicts with loads of ${low}${low === high ? '' : `–${high}`} each: the conflicts concentrate on too few jurors; lower k or review the conflicts`,
    };
  const reviewers = new Map(entryIds.map((id, e) => [id, [...assigned[e]].sort((a, b) => a - b).map((r) => reviewerIds[r])]));
  return { ok: true, reviewers, loads, minLoad: low, maxLoad: high };
}

/**
 * One breadth-first augmenting path in the residual graph, from any entry short of k to any reviewer
 * below `cap`: entry →(not assigned, not conflicted) reviewer →(assigned) entry → … Returns whether it
 * found and applied one. Deterministic: entries and reviewers are visited in index order.
 */
function augment(cap: number, k: number, assigned: Set<number>[], holds: Set<number>[], conflicted: Set<number>[], m: number): boolean {
  const n = assigned.length;
  // parentOfReviewer[r] = the entry from which r was reached; parentOfEntry[e] = the reviewer through which e was reached (-1 = a source entry)
  const parentOfReviewer = new Int32Array(m).fill(-2);
  const parentOfEntry = new Int32Array(n).fill(-2);
  const queue: number[] = [];
  for (let e = 0; e < n; e++) {
    if (assigned[e].size < k) {
      parentOfEntry[e] = -1;
      queue.push(e);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const e = queue[head];
    for (let r = 0; r < m; r++) {
      if (parentOfReviewer[r] !== -2 || assigned[e].has(r) || conflicted[e].has(r)) continue;
      parentOfReviewer[r] = e;
      if (holds[r].size < cap) {
        // Apply the path backwards: r takes e; the reviewer that reached e gives up e's parent entry to take e, …
        let reviewer = r;
        let entry = e;
        for (;;) {
          assigned[entry].add(reviewer);
          holds[reviewer].add(entry);
          const previous = parentOfEntry[entry];
          if (previous === -1) return true;
          // `previous` reached `entry` by leaving it: it drops entry and takes its own parent entry.
          assigned[entry].delete(previous);
          holds[previous].delete(entry);
          reviewer = previous;
          entry = parentOfReviewer[previous]!;
        }
      }
      for (const held of holds[r]) {
        if (parentOfEntry[held] === -2) {
          parentOfEntry[held] = r;
          queue.push(held);
        }
      }
    }
  }
  return false;
}

/**
 * A reviewer to take over one entry's review when its reviewer declares a conflict after the assignment: the
 * least-loaded juror of the panel (ties: panel order) who is neither conflicted with the entry nor already
 * reviewing it. Null when nobody can: the entry then keeps k − 1 reviews. The loads may then differ by two; the
 * alternative, a new assignment, would throw away reviews already locked.
 */
export function replacementReviewer(input: {
  reviewerIds: readonly string[];
  loads: ReadonlyMap<string, number>;
  leaving: string;
  reviewing: ReadonlySet<string>;
  conflicted: ReadonlySet<string>;
}): string | null {
  let best: string | null = null;
  for (const id of input.reviewerIds) {
    if (id === input.leaving || input.reviewing.has(id) || input.conflicted.has(id)) continue;
    if (best === null || (input.loads.get(id) ?? 0) < (input.loads.get(best) ?? 0)) best = id;
  }
  return best;
}
