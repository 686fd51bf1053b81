import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { command } from '../contract.js';
import { CategoryScoped } from './common.js';

/**
 * Screening rounds (issue 15): a category's entries reviewed by its panel before the shortlist. The round
 * is the jury's; entries come from nominations (the gateway reads them with the organiser's credential and
 * hands the public fields over when the round opens), the frozen shortlist goes back to nominations as the
 * event `gala.events.jury.shortlist.frozen`, and the nominees then go on to the final round (the ballots).
 */

/** The public face of an entry the jury reviews: never contact details. */
export class ScreeningEntryInput {
  @IsUUID() id!: string;
  @IsOptional() @IsString() @Length(0, 300) organisation?: string | null;
  @IsOptional() @IsString() @Length(0, 60) kind?: string | null;
  @IsOptional() @IsString() @Length(0, 500) title?: string | null;
  @IsOptional() @IsString() @Length(0, 4000) description?: string | null;
}

/** Admin: open the category's screening round on these entries (the gateway fills `entries` from nominations). */
export class OpenScreeningCommand extends CategoryScoped {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => ScreeningEntryInput) entries!: ScreeningEntryInput[];
  /** How many entries the draft shortlist takes (default: the category's nominee count, else 6). */
  @IsOptional() @IsInt() @Min(1) @Max(100) shortlistSize?: number;
  /** The category's nominee bounds (nominations'), checked at the freeze so the shortlist can be published. */
  @IsOptional() @IsInt() @Min(1) @Max(100) minNominees?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) maxNominees?: number;
  /**
   * Adds these entries to the category's round opened by an earlier call, before its assignment: the gateway
   * opens a large round in batches that each fit one NATS message.
   */
  @IsOptional() @IsBoolean() append?: boolean;
}

/** Admin or the panel's chair: give every entry `k` reviewers of the panel (loads ±1, around conflicts). */
export class AssignScreeningCommand extends CategoryScoped {
  @IsInt() @Min(1) @Max(100) k!: number;
}

export class ScreeningQuery extends CategoryScoped {}

/** A juror's (or the admin's) declaration that a juror may not review an entry. */
export class DeclareEntryConflictCommand extends CategoryScoped {
  @IsUUID() jurorId!: string;
  @IsUUID() entryId!: string;
  @IsString() @Length(1, 1000) reason!: string;
}

/** A juror's review of one assigned entry: `{ <criterionKey>: 1..10 }` (`overall` without criteria). */
export class SaveReviewCommand extends CategoryScoped {
  @IsUUID() entryId!: string;
  @IsObject() scores!: Record<string, number>;
}

export class LockReviewCommand extends CategoryScoped {
  @IsUUID() entryId!: string;
}

/** The chair (or admin) changes the draft shortlist: one entry on (`onShortlist: true`) or off, with the reason (audited). */
export class AdjustShortlistCommand extends CategoryScoped {
  @IsUUID() entryId!: string;
  @IsBoolean() onShortlist!: boolean;
  @IsString() @Length(1, 1000) reason!: string;
}

export class FreezeShortlistCommand extends CategoryScoped {}

export interface ScreeningEntryView {
  id: string;
  organisation: string | null;
  kind: string | null;
  title: string | null;
  description: string | null;
}

/** One review as its juror sees it. */
export interface ReviewView {
  entryId: string;
  scores: Record<string, number>;
  lockedAt: string | null;
  /** Declared after the assignment: the review may not be scored. */
  conflict: string | null;
}

export type ScreeningStatus = 'open' | 'assigned' | 'frozen';

export interface ScreeningView {
  roundId: string;
  categoryId: string;
  kind: 'screening';
  status: ScreeningStatus;
  k: number | null;
  shortlistSize: number;
  entries: number;
  /** Locked reviews of all reviews (n·k once assigned). */
  progress: { locked: number; total: number };
  /** Per juror (the chair's and admin's view): load and locked reviews, never scores. */
  jurors?: { jurorId: string; name: string; assigned: number; locked: number }[];
  /** The caller's queue (a juror): their assigned entries with their own review. */
  queue?: (ScreeningEntryView & { review: ReviewView })[];
  frozenAt: string | null;
  /** The round that followed (the final round, today's ballots), once frozen. */
  finalRoundId: string | null;
}

export interface AssignmentView {
  roundId: string;
  k: number;
  loads: { jurorId: string; assigned: number }[];
  minLoad: number;
  maxLoad: number;
}

export interface ScreeningRankingRow extends ScreeningEntryView {
  rank: number;
  /** Mean per-juror z-score (null without a locked review). */
  normalized: number | null;
  /** Mean weighted raw score, 1–10 (null without a locked review). */
  raw: number | null;
  reviews: number;
  /** Its rank by raw mean alone, to show beside. */
  rawRank: number;
}

export interface ShortlistAdjustment {
  entryId: string;
  action: 'add' | 'remove';
  reason: string;
  by: string;
  at: string;
}

export interface ScreeningRanking {
  roundId: string;
  /** Locked reviews of all reviews: a ranking before every review is locked is provisional. */
  progress: { locked: number; total: number };
  entries: ScreeningRankingRow[];
  jurors: { jurorId: string; reviews: number; mean: number; sd: number }[];
  /** Jurors whose reviews all had the same score (σ = 0): counted as z = 0. */
  flatJurors: string[];
  /** The top `shortlistSize` by normalized score, then the chair's adjustments in order. */
  draft: string[];
  adjustments: ShortlistAdjustment[];
  frozen: { entryIds: string[]; at: string } | null;
}

export interface FrozenShortlist {
  roundId: string;
  finalRoundId: string;
  categoryId: string;
  entryIds: string[];
  frozenAt: string;
}

/** Roles: who may call at all; the jury narrows (own reviews, this panel, its chair). */
export const screeningCommands = {
  'jury.screening.open': command(OpenScreeningCommand, ['admin']).returns<ScreeningView>(),
  'jury.screening.assign': command(AssignScreeningCommand, ['admin', 'juror']).returns<AssignmentView>(),
  'jury.screening.get': command(ScreeningQuery, ['admin', 'juror']).returns<ScreeningView>(),
  'jury.screening.conflict': command(DeclareEntryConflictCommand, ['admin', 'juror']).returns<{ declared: true }>(),
  'jury.screening.review.save': command(SaveReviewCommand, ['juror']).returns<ReviewView>(),
  'jury.screening.review.lock': command(LockReviewCommand, ['juror']).returns<ReviewView>(),
  'jury.screening.ranking': command(ScreeningQuery, ['admin', 'juror']).returns<ScreeningRanking>(),
  'jury.screening.adjust': command(AdjustShortlistCommand, ['admin', 'juror']).returns<ScreeningRanking>(),
  'jury.screening.freeze': command(FreezeShortlistCommand, ['admin', 'juror']).returns<FrozenShortlist>(),
} as const;
