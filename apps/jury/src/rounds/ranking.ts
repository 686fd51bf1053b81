/**
 * A screening round's ranking (pure): per-juror normalized scores beside the raw ones.
 *
 * Jurors see different entries and use the scale differently (one gives 4–6, another 2–10), so a raw mean
 * across reviewers compares the reviewers as much as the entries. Each locked review becomes one number,
 * the criterion-weighted mean of its scores (raw, 1–10). For each juror, over their own locked reviews in
 * this round: mean μ and population standard deviation σ; a review's z-score is (raw − μ) / σ. A juror whose
 * reviews are all the same (σ = 0, including a juror with a single review) says nothing about order: their
 * z-scores are 0 and they are listed in `flatJurors`. An entry's normalized score is the mean z over its
 * locked reviews, its raw score the mean raw; entries rank by normalized, then raw, then their round order.
 * Entries without a locked review rank last with null scores.
 */

export interface RankingCriterion {
  key: string;
  weight: number;
}

export interface LockedReview {
  jurorId: string;
  entryId: string;
  scores: Record<string, number>;
}

export interface RankingInput {
  /** In the round's order (the last tie-break). */
  entryIds: readonly string[];
  /** Empty = one criterion `overall`, weight 1. */
  criteria: readonly RankingCriterion[];
  reviews: readonly LockedReview[];
}

export interface RankedEntry {
  entryId: string;
  /** 1-based position in the ranking (no shared ranks: the tie-breaks decide). */
  rank: number;
  /** Mean of the reviews' z-scores; null without locked reviews. */
  normalized: number | null;
  /** Mean of the reviews' weighted raw scores (1–10); null without locked reviews. */
  raw: number | null;
  reviews: number;
}

export interface JurorScale {
  jurorId: string;
  reviews: number;
  mean: number;
  sd: number;
}

export interface Ranking {
  entries: RankedEntry[];
  jurors: JurorScale[];
  /** Jurors with σ = 0: their reviews count as z = 0. */
  flatJurors: string[];
}

const EPSILON = 1e-9;

export function weightedScore(scores: Record<string, number>, criteria: readonly RankingCriterion[]): number {
  const effective = criteria.length ? criteria : [{ key: 'overall', weight: 1 }];
  let sum = 0;
  let weights = 0;
  for (const { key, weight } of effective) {
    sum += (scores[key] ?? 0) * weight;
    weights += weight;
  }
  return weights > 0 ? sum / weights : 0;
}

export function rankEntries(input: RankingInput): Ranking {
  const raw = input.reviews.map((r) => ({ ...r, value: weightedScore(r.scores, input.criteria) }));
  const byJuror = new Map<string, number[]>();
  for (const r of raw) {
    const list = byJuror.get(r.jurorId);
    if (list) list.push(r.value);
    else byJuror.set(r.jurorId, [r.value]);
  }
  const jurors: JurorScale[] = [...byJuror.entries()]
    .map(([jurorId, values]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
      return { jurorId, reviews: values.length, mean, sd: Math.sqrt(variance) };
    })
    .sort((a, b) => (a.jurorId < b.jurorId ? -1 : a.jurorId > b.jurorId ? 1 : 0));
  const scale = new Map(jurors.map((j) => [j.jurorId, j]));
  const sums = new Map<string, { z: number; raw: number; n: number }>();
  for (const r of raw) {
    const { mean, sd } = scale.get(r.jurorId)!;
    const z = sd > EPSILON ? (r.value - mean) / sd : 0;
    const acc = sums.get(r.entryId) ?? { z: 0, raw: 0, n: 0 };
    acc.z += z;
    acc.raw += r.value;
    acc.n += 1;
    sums.set(r.entryId, acc);
  }
  const position = new Map(input.entryIds.map((id, i) => [id, i]));
  const entries = input.entryIds
    .map((entryId) => {
      const acc = sums.get(entryId);
      return { entryId, rank: 0, normalized: acc ? acc.z / acc.n : null, raw: acc ? acc.raw / acc.n : null, reviews: acc?.n ?? 0 };
    })
    .sort((a, b) => {
      if (a.normalized === null || b.normalized === null) return a.normalized === b.normalized ? position.get(a.entryId)! - position.get(b.entryId)! : a.normalized === null ? 1 : -1;
      const dz = b.normalized - a.normalized;
      if (Math.abs(dz) > EPSILON) return dz;
      const dr = b.raw! - a.raw!;
      if (Math.abs(dr) > EPSILON) return dr;
      return position.get(a.entryId)! - position.get(b.entryId)!;
    });
  entries.forEach((e, i) => (e.rank = i + 1));
  return { entries, jurors, flatJurors: jurors.filter((j) => j.sd <= EPSILON).map((j) => j.jurorId) };
}

/** The draft shortlist: the first `n` ranked entries that have a score. */
export function draftShortlist(ranking: Ranking, n: number): string[] {
  return ranking.entries
    .filter((e) => e.normalized !== null)
    .slice(0, n)
    .map((e) => e.entryId);
}
