/**
 * Ballot rules: what a juror may put on a ballot, and when it is complete enough to lock.
 * Pure functions; the ballots service maps the problems to 400 and `conflicted` to 403.
 */

import { DomainRefusal, type FieldProblem, type RefusalKind } from '#contracts';

export const SCORE_MIN = 1;
export const SCORE_MAX = 10;
/** The single criterion of a category that declares none (contract v1). */
export const DEFAULT_CRITERION_KEY = 'overall';

export interface Criterion {
  key: string;
  weight: number;
}

/** `{ <nomineeId>: { <criterionKey>: score } }`, as sent in `PUT .../ballot`. */
export type BallotScores = Record<string, Record<string, number>>;

export type ScoreProblemReason =
  | 'not an object'
  | 'unknown nominee'
  | 'unknown criterion'
  | 'not an integer'
  | 'out of range'
  | 'conflicted';

export interface ScoreProblem {
  /** `scores`, `scores.<nomineeId>` or `scores.<nomineeId>.<criterionKey>` */
  path: string;
  reason: ScoreProblemReason;
}

export interface ScoreValidation {
  /** Malformed or unknown entries (400). */
  problems: ScoreProblem[];
  /** Entries for nominees the juror is conflicted with (403), one per nominee. */
  conflicted: ScoreProblem[];
}

/** A category without criteria is scored on one criterion, `overall`, weight 1. */
export function effectiveCriteria(criteria: readonly Criterion[]): readonly Criterion[] {
  return criteria.length === 0 ? [{ key: DEFAULT_CRITERION_KEY, weight: 1 }] : criteria;
}

export function isValidScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= SCORE_MIN && value <= SCORE_MAX;
}

/**
 * Checks a (possibly partial) ballot. `scores` is `unknown` because it comes straight off the wire.
 * A draft may leave nominees or criteria out; completeness is checked at lock time.
 */
export function validateScores(
  scores: unknown,
  nomineeIds: readonly string[],
  criteria: readonly Criterion[],
  conflictsOfJuror: Iterable<string>,
): ScoreValidation {
  const problems: ScoreProblem[] = [];
  const conflicted: ScoreProblem[] = [];
  if (!isPlainObject(scores)) {
    problems.push({ path: 'scores', reason: 'not an object' });
    return { problems, conflicted };
  }
  const nominees = new Set(nomineeIds);
  const criterionKeys = new Set(effectiveCriteria(criteria).map((c) => c.key));
  const conflicts = new Set(conflictsOfJuror);

  for (const [nomineeId, byCriterion] of Object.entries(scores)) {
    const nomineePath = `scores.${nomineeId}`;
    if (!nominees.has(nomineeId)) {
      problems.push({ path: nomineePath, reason: 'unknown nominee' });
      continue;
    }
    if (conflicts.has(nomineeId)) {
      conflicted.push({ path: nomineePath, reason: 'conflicted' });
      continue;
    }
    if (!isPlainObject(byCriterion)) {
      problems.push({ path: nomineePath, reason: 'not an object' });
      continue;
    }
    for (const [key, value] of Object.entries(byCriterion)) {
      const path = `${nomineePath}.${key}`;
      if (!criterionKeys.has(key)) problems.push({ path, reason: 'unknown criterion' });
      else if (typeof value !== 'number' || !Number.isInteger(value)) problems.push({ path, reason: 'not an integer' });
      else if (!isValidScore(value)) problems.push({ path, reason: 'out of range' });
    }
  }
  return { problems, conflicted };
}

/** Paths (`scores.<nomineeId>.<criterionKey>`) still without a valid score, in nominee then criterion order. */
export function missingScores(
  scores: BallotScores,
  nomineeIds: readonly string[],
  criteria: readonly Criterion[],
  conflictsOfJuror: Iterable<string>,
): string[] {
  const conflicts = new Set(conflictsOfJuror);
  const missing: string[] = [];
  for (const nomineeId of nomineeIds) {
    if (conflicts.has(nomineeId)) continue;
    const byCriterion = Object.hasOwn(scores, nomineeId) ? scores[nomineeId] : undefined;
    for (const { key } of effectiveCriteria(criteria)) {
      const value = byCriterion && Object.hasOwn(byCriterion, key) ? byCriterion[key] : undefined;
      if (!isValidScore(value)) missing.push(`scores.${nomineeId}.${key}`);
    }
  }
  return missing;
}

/** Every nominee the juror may score has a valid score on every criterion. */
export function isBallotComplete(
  scores: BallotScores,
  nomineeIds: readonly string[],
  criteria: readonly Criterion[],
  conflictsOfJuror: Iterable<string>,
): boolean {
  return missingScores(scores, nomineeIds, criteria, conflictsOfJuror).length === 0;
}

/** No score at all (nominees present with no criteria count as empty). */
export function isBallotEmpty(scores: BallotScores): boolean {
  return Object.values(scores).every((byCriterion) => !isPlainObject(byCriterion) || Object.keys(byCriterion).length === 0);
}

/**
 * True when a save would store what is already stored: the same score for every nominee and criterion
 * (nominees without any score count as absent, so `{}` equals no ballot at all). Such a save writes nothing,
 * so an autosave of an unchanged draft adds no audit entry.
 */
export function sameScores(stored: BallotScores | undefined, next: BallotScores): boolean {
  const scored = (scores: BallotScores | undefined) =>
    Object.entries(scores ?? {}).filter(([, byCriterion]) => isPlainObject(byCriterion) && Object.keys(byCriterion).length > 0);
  const a = new Map(scored(stored));
  const b = scored(next);
  if (a.size !== b.length) return false;
  return b.every(([nominee, byCriterion]) => {
    const held = a.get(nominee);
    if (!held) return false;
    const keys = Object.keys(byCriterion);
    return keys.length === Object.keys(held).length && keys.every((k) => held[k] === byCriterion[k]);
  });
}

export type BallotStatus = 'draft' | 'locked';

/** Why a ballot action is refused: a DomainRefusal code (ballotRefusal turns it into one). */
export type BallotRefusal = 'verdict sealed' | 'ballot locked' | 'ballot not locked' | 'ballot incomplete' | 'not the chair' | 'reason required';

/** Each ballot refusal's kind; the words depend on the action, so the service gives them. */
const BALLOT_REFUSAL_KIND: Record<BallotRefusal, RefusalKind> = {
  'verdict sealed': 'conflict',
  'ballot locked': 'conflict',
  'ballot not locked': 'conflict',
  'ballot incomplete': 'invalid',
  'not the chair': 'forbidden',
  'reason required': 'invalid',
};

export function ballotRefusal(code: BallotRefusal, message: string, details?: FieldProblem[]): DomainRefusal<BallotRefusal> {
  return new DomainRefusal(BALLOT_REFUSAL_KIND[code], code, message, details);
}

export interface BallotState {
  status: BallotStatus;
  /** Sealed verdicts never change, so nothing about their ballots may either. */
  verdictSealed: boolean;
}

/** A juror may save draft scores until the ballot is locked. */
export function saveRefusal(ballot: BallotState): BallotRefusal | null {
  if (ballot.verdictSealed) return 'verdict sealed';
  if (ballot.status === 'locked') return 'ballot locked';
  return null;
}

/** Locking is irrevocable for the juror, so only a complete ballot may be locked. */
export function lockRefusal(ballot: BallotState & { complete: boolean }): BallotRefusal | null {
  return saveRefusal(ballot) ?? (ballot.complete ? null : 'ballot incomplete');
}

/** Only the chair reopens a locked ballot, before sealing, giving a reason for the audit log. */
export function reopenRefusal(ballot: BallotState & { byChair: boolean; reason: string }): BallotRefusal | null {
  if (ballot.verdictSealed) return 'verdict sealed';
  if (!ballot.byChair) return 'not the chair';
  if (ballot.status !== 'locked') return 'ballot not locked';
  if (ballot.reason.trim().length === 0) return 'reason required';
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
