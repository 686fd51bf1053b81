/**
 * The combined verdict (issue 16): jury and audience, Eurovision style. Part of the public contract, so that
 * anyone holding the revealed vote log and the jury's sealed ranking reaches the same winner
 * (`./laurel audit votes` runs this module on the export).
 *
 * 1. Each side places the category's nominees (competition places: tied nominees share a place, 1, 1, 3):
 *    - the audience by accepted votes, most first;
 *    - the jury by the rank of its sealed ranking, except that the jury's winner is placed alone first (when the
 *      chair broke a tie at the top, the chair's choice is ahead of those it tied with). A nominee the jury's
 *      ranking does not name is placed last.
 * 2. Ranking points per side: n − place for n nominees (n−1 for the first … 0 for the last; tied nominees get the
 *    points of the place they share).
 * 3. Total = weights.jury × jury points + weights.audience × audience points (integers: no rounding anywhere).
 * 4. The winner: the highest total; a tie goes to the nominee with more audience points (as Eurovision breaks its
 *    ties by the televote); still tied, to the nominee listed first in the ceremony file. Fixed before the show.
 */
import { nomineeName, type NomineeView } from './ceremony.js';
import type { RankingRow } from './commands/jury.js';
import type { VoteCounts } from './vote-receipt.js';

export interface CombinedWeights {
  jury: number;
  audience: number;
}

/** What the jury's seal hands to the combination: its sealed ranking and winner. */
export interface JuryPlacing {
  winnerId: string;
  ranking: readonly Pick<RankingRow, 'nomineeId' | 'rank'>[];
}

export interface CombinedPoints {
  nomineeId: string;
  juryPlace: number;
  juryPoints: number;
  audienceVotes: number;
  audiencePlace: number;
  audiencePoints: number;
  total: number;
}

export interface CombinedResult {
  winnerId: string;
  /** Every nominee, in the combined order (the winner first). */
  points: CombinedPoints[];
}

/** Competition places from a "strictly ahead" key: lower key is ahead; equal keys share the place. */
function places(ids: readonly string[], key: (id: string) => number): Map<string, number> {
  return new Map(ids.map((id) => [id, 1 + ids.filter((other) => key(other) < key(id)).length]));
}

function checkWeights(weights: CombinedWeights): void {
  for (const side of ['jury', 'audience'] as const) {
    const w = weights[side];
    if (!Number.isInteger(w) || w < 1 || w > 100) throw new TypeError(`combined verdict: weight ${side} must be an integer 1–100, got ${String(w)}`);
  }
}

export function juryPlaces(nomineeIds: readonly string[], jury: JuryPlacing): Map<string, number> {
  const rank = new Map(jury.ranking.map((r) => [r.nomineeId, r.rank ?? Number.MAX_SAFE_INTEGER]));
  // The winner ahead of everyone (key 0); the others by their sealed rank; unnamed ones last.
  return places(nomineeIds, (id) => (id === jury.winnerId ? 0 : (rank.get(id) ?? Number.MAX_SAFE_INTEGER)));
}

export function audiencePlaces(nomineeIds: readonly string[], counts: VoteCounts): Map<string, number> {
  return places(nomineeIds, (id) => -(counts[id] ?? 0));
}

export function combineVerdict(nominees: readonly Pick<NomineeView, 'id'>[], jury: JuryPlacing, counts: VoteCounts, weights: CombinedWeights): CombinedResult {
  if (nominees.length === 0) throw new TypeError('a category without nominees has no winner');
  checkWeights(weights);
  const ids = nominees.map((n) => n.id);
  if (!ids.includes(jury.winnerId)) throw new TypeError(`combined verdict: the jury's winner ${jury.winnerId} is not a nominee of the category`);
  const n = ids.length;
  const jp = juryPlaces(ids, jury);
  const ap = audiencePlaces(ids, counts);
  const rows: CombinedPoints[] = ids.map((id) => {
    const juryPoints = n - jp.get(id)!;
    const audiencePoints = n - ap.get(id)!;
    return {
      nomineeId: id,
      juryPlace: jp.get(id)!,
      juryPoints,
      audienceVotes: counts[id] ?? 0,
      audiencePlace: ap.get(id)!,
      audiencePoints,
      total: weights.jury * juryPoints + weights.audience * audiencePoints,
    };
  });
  const order = new Map(ids.map((id, i) => [id, i]));
  // Array.prototype.sort is stable, but the file order is the last key anyway.
  const sorted = [...rows].sort((a, b) => b.total - a.total || b.audiencePoints - a.audiencePoints || order.get(a.nomineeId)! - order.get(b.nomineeId)!);
  return { winnerId: sorted[0].nomineeId, points: sorted };
}

/** The sealed "motivation" of a combined award: the points that decided it, in the ceremony's language. */
export function combinedMotivation(winner: Pick<NomineeView, 'organisation' | 'title'>, result: CombinedResult, weights: CombinedWeights, locale = 'sv-SE'): string {
  const row = result.points.find((p) => p.nomineeId === result.winnerId)!;
  const name = nomineeName(winner);
  return locale.startsWith('sv')
    ? `Juryn och publiken: ${name} fick ${row.total} poäng (juryn ${row.juryPoints} × ${weights.jury}, publiken ${row.audiencePoints} × ${weights.audience}; ${row.audienceVotes} röster).`
    : `Jury and audience: ${name} scored ${row.total} points (jury ${row.juryPoints} × ${weights.jury}, audience ${row.audiencePoints} × ${weights.audience}; ${row.audienceVotes} votes).`;
}
