/**
 * Verdict scoring: quorum and ranking of one award category's nominees from its locked ballots.
 * Pure and deterministic; the verdict service loads the panel and maps the errors to HTTP.
 */
import { DomainRefusal, type RefusalKind } from '#contracts';
import { effectiveCriteria, isValidScore, type BallotScores, type Criterion } from '../ballots/ballot-rules.js';

/** Scores closer than this are a tie (floating-point means of identical ballots may differ in the last bits). */
export const SCORE_TOLERANCE = 1e-9;
export const SCORE_DISPLAY_DECIMALS = 4;

export interface PanelJuror {
  id: string;
  recused?: boolean;
}

export interface Conflict {
  jurorId: string;
  nomineeId: string;
}

export interface LockedBallot {
  jurorId: string;
  scores: BallotScores;
}

export interface PanelInput {
  /** Empty ⇒ one criterion `overall`, weight 1. */
  criteria: readonly Criterion[];
  nomineeIds: readonly string[];
  jurors: readonly PanelJuror[];
  conflicts: readonly Conflict[];
  lockedBallots: readonly LockedBallot[];
  /** Locked ballots required; default: every non-recused juror of the panel. */
  quorum?: number;
}

export interface QuorumStatus {
  required: number;
  locked: number;
  met: boolean;
}

export interface RankedNominee {
  nomineeId: string;
  /** Competition rank: tied nominees share it (1, 1, 3). Unscorable nominees share the last one. */
  rank: number;
  /** Mean over eligible jurors, rounded to SCORE_DISPLAY_DECIMALS; null when nobody may score the nominee. */
  score: number | null;
  jurorCount: number;
}

export interface RankingResult {
  /** null while a tie at the top is unresolved. */
  winnerId: string | null;
  ranking: RankedNominee[];
  /** Nominees sharing the top score, present whenever there was a tie (even when resolved). */
  tied?: string[];
  /** Nominees no eligible juror may score; ranked last. */
  unscorable: string[];
}

export interface RankingOptions {
  /** The chair's choice among tied nominees. */
  tieBreakWinnerId?: string;
}

export type ScoringErrorCode =
  | 'invalid panel'
  | 'quorum not met'
  | 'no scorable nominee'
  | 'tie break not among tied';

/** What sort of refusal each scoring rule is: all conflicts with the panel's state, except a tie-break the request got wrong. */
const SCORING_REFUSAL_KIND: Record<ScoringErrorCode, RefusalKind> = {
  'invalid panel': 'conflict',
  'quorum not met': 'conflict',
  'no scorable nominee': 'conflict',
  'tie break not among tied': 'invalid',
};

/** A rule of the verdict is not satisfied: a DomainRefusal whose code names the rule. */
export class ScoringError extends DomainRefusal<ScoringErrorCode> {
  declare readonly details?: Record<string, unknown>;

  constructor(code: ScoringErrorCode, message: string, details?: Record<string, unknown>) {
    super(SCORING_REFUSAL_KIND[code], code, message, details);
    this.name = 'ScoringError';
  }
}

/**
 * Jurors conflicted with every nominee: they cannot score anything, so they are recused and not counted
 * for quorum (DESIGN.md rule 5). None when the category has no nominees.
 */
export function recusedJurors(jurorIds: readonly string[], nomineeIds: readonly string[], conflicts: readonly Conflict[]): Set<string> {
  const recused = new Set<string>();
  if (nomineeIds.length === 0) return recused;
  for (const jurorId of jurorIds) {
    const conflicted = new Set(conflicts.filter((c) => c.jurorId === jurorId).map((c) => c.nomineeId));
    if (nomineeIds.every((n) => conflicted.has(n))) recused.add(jurorId);
  }
  return recused;
}

export function quorumStatus(panel: PanelInput): QuorumStatus {
  if (panel.quorum !== undefined && (!Number.isInteger(panel.quorum) || panel.quorum < 1)) {
    throw new ScoringError('invalid panel', `quorum must be a positive integer, got ${panel.quorum}`);
  }
  const active = activeJurorIds(panel.jurors);
  const locked = new Set(countedBallots(panel, active).map((b) => b.jurorId)).size;
  // A panel with nobody active can never reach quorum: a verdict needs at least one locked ballot.
  const required = panel.quorum ?? Math.max(1, active.size);
  return { required, locked, met: locked >= required };
}

/**
 * Ranks the nominees. Per nominee: each eligible juror's weighted mean over the criteria, then the
 * plain mean over those jurors. Eligible = active (not recused), ballot locked, not conflicted with it.
 */
export function computeRanking(panel: PanelInput, options: RankingOptions = {}): RankingResult {
  const criteria = effectiveCriteria(panel.criteria);
  assertPanel(panel, criteria);
  const quorum = quorumStatus(panel);
  if (!quorum.met) {
    throw new ScoringError('quorum not met', `${quorum.locked} of ${quorum.required} ballots locked`, { ...quorum });
  }

  // Juror order fixes the floating-point summation order, so row order from storage cannot move a score.
  const ballots = countedBallots(panel, activeJurorIds(panel.jurors)).sort((a, b) => (a.jurorId < b.jurorId ? -1 : 1));
  const conflicted = new Set(panel.conflicts.map((c) => conflictKey(c.jurorId, c.nomineeId)));
  const totalWeight = criteria.reduce((sum, c) => sum + c.weight, 0);

  const scored: { nomineeId: string; given: number; exact: number; jurorCount: number; rank: number }[] = [];
  const unscorable: string[] = [];
  for (const [given, nomineeId] of panel.nomineeIds.entries()) {
    const jurorMeans: number[] = [];
    for (const ballot of ballots) {
      if (conflicted.has(conflictKey(ballot.jurorId, nomineeId))) continue;
      jurorMeans.push(weightedMean(ballot, nomineeId, criteria, totalWeight));
    }
    if (jurorMeans.length === 0) unscorable.push(nomineeId);
    else scored.push({ nomineeId, given, exact: mean(jurorMeans), jurorCount: jurorMeans.length, rank: 0 });
  }
  if (scored.length === 0) {
    throw new ScoringError('no scorable nominee', 'no eligible juror may score any nominee', { unscorable });
  }

  scored.sort((a, b) => b.exact - a.exact);
  const exacts = scored.map((s) => s.exact);
  const ranks = competitionRanks(exacts);
  // Within a tie group, keep the nominees' given order rather than float noise, so the output is deterministic.
  scored.forEach((s, i) => (s.rank = ranks[i]));
  scored.sort((a, b) => a.rank - b.rank || a.given - b.given);
  const top = scored.filter((s) => s.rank === 1).map((s) => s.nomineeId);

  let winnerId: string | null = top.length === 1 ? top[0] : null;
  if (options.tieBreakWinnerId !== undefined) {
    if (!top.includes(options.tieBreakWinnerId)) {
      throw new ScoringError('tie break not among tied', `${options.tieBreakWinnerId} is not among the top nominees`, {
        tieBreakWinnerId: options.tieBreakWinnerId,
        tied: top,
      });
    }
    winnerId = options.tieBreakWinnerId;
    // The chair's choice heads its tie group; the shared rank still shows the tie.
    const at = scored.findIndex((s) => s.nomineeId === winnerId);
    scored.unshift(...scored.splice(at, 1));
  }

  const ranking: RankedNominee[] = scored.map((s) => ({
    nomineeId: s.nomineeId,
    rank: s.rank,
    score: roundForDisplay(exacts[s.rank - 1]), // tied nominees show one score, even across a rounding edge
    jurorCount: s.jurorCount,
  }));
  for (const nomineeId of unscorable) {
    ranking.push({ nomineeId, rank: scored.length + 1, score: null, jurorCount: 0 });
  }

  const result: RankingResult = { winnerId, ranking, unscorable };
  if (top.length > 1) result.tied = top;
  return result;
}

export function roundForDisplay(score: number): number {
  const factor = 10 ** SCORE_DISPLAY_DECIMALS;
  return Math.round(score * factor) / factor;
}

/** 1-based competition ranks of scores sorted descending; a tie group is anchored on its first score. */
function competitionRanks(sortedDesc: readonly number[]): number[] {
  const ranks: number[] = [];
  let anchor = 0;
  sortedDesc.forEach((score, i) => {
    if (i > 0 && sortedDesc[anchor] - score > SCORE_TOLERANCE) anchor = i;
    ranks.push(anchor + 1);
  });
  return ranks;
}

function weightedMean(ballot: LockedBallot, nomineeId: string, criteria: readonly Criterion[], totalWeight: number): number {
  const byCriterion = Object.hasOwn(ballot.scores, nomineeId) ? ballot.scores[nomineeId] : undefined;
  let sum = 0;
  for (const { key, weight } of criteria) {
    const value = byCriterion && Object.hasOwn(byCriterion, key) ? byCriterion[key] : undefined;
    // Locking requires a complete ballot, so a gap here is corrupt data, not a juror's choice.
    if (!isValidScore(value)) {
      throw new ScoringError('invalid panel', `locked ballot of juror ${ballot.jurorId} lacks a valid score for scores.${nomineeId}.${key}`, {
        jurorId: ballot.jurorId,
        path: `scores.${nomineeId}.${key}`,
      });
    }
    sum += weight * value;
  }
  return sum / totalWeight;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function activeJurorIds(jurors: readonly PanelJuror[]): Set<string> {
  return new Set(jurors.filter((j) => !j.recused).map((j) => j.id));
}

/** Ballots that count: locked by an active juror. A recused juror's earlier ballot no longer counts. */
function countedBallots(panel: PanelInput, active: Set<string>): LockedBallot[] {
  return panel.lockedBallots.filter((b) => active.has(b.jurorId));
}

function conflictKey(jurorId: string, nomineeId: string): string {
  return JSON.stringify([jurorId, nomineeId]);
}

function assertPanel(panel: PanelInput, criteria: readonly Criterion[]): void {
  const invalid = (message: string): never => {
    throw new ScoringError('invalid panel', message);
  };
  const keys = new Set<string>();
  for (const { key, weight } of criteria) {
    if (keys.has(key)) invalid(`criterion ${key} is listed twice`);
    keys.add(key);
    if (!Number.isFinite(weight) || weight <= 0) invalid(`criterion ${key} has weight ${weight}; weights must be positive`);
  }
  if (new Set(panel.nomineeIds).size !== panel.nomineeIds.length) invalid('a nominee is listed twice');
  const jurorIds = new Set(panel.jurors.map((j) => j.id));
  if (jurorIds.size !== panel.jurors.length) invalid('a juror is listed twice');
  const seen = new Set<string>();
  for (const { jurorId } of panel.lockedBallots) {
    if (!jurorIds.has(jurorId)) invalid(`locked ballot of juror ${jurorId}, who is not on the panel`);
    if (seen.has(jurorId)) invalid(`juror ${jurorId} has more than one locked ballot`);
    seen.add(jurorId);
  }
}
