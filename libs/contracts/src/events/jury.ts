import { ArrayMinSize, IsArray, IsBoolean, IsHexadecimal, IsInt, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import type { AuditAnchor } from '../audit-anchor.js';
import { event } from '../contract.js';
import type { JuryProgressEvent, SealedEvent } from '../live.js';

/** The jury audit chain's head right after the change the event reports (see audit-anchor.ts). */
export class AuditAnchorData implements AuditAnchor {
  @IsHexadecimal() @Length(64, 64) hash!: string;
  @IsInt() @Min(0) count!: number;
}

/** Public: progress without any score or winner (integrity rule 2). */
export class JuryProgressData implements JuryProgressEvent {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsInt() @Min(0) locked!: number;
  @IsInt() @Min(0) total!: number;
  @IsBoolean() sealed!: boolean;
}

/** Public: the commitment, the ballot root and the audit head; never a score or the winner. */
export class VerdictSealedData implements SealedEvent {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsHexadecimal() @Length(64, 64) commitment!: string;
  @IsISO8601() sealedAt!: string;
  /** The audit head after the seal's own `verdict.sealed` entry (optional: older events lack it). */
  @IsOptional() @ValidateNested() @Type(() => AuditAnchorData) auditHead?: AuditAnchorData;
  /** RFC 6962 root over the panel's locked ballots' receipts (ballot-receipt.ts), and their number. */
  @IsOptional() @IsHexadecimal() @Length(64, 64) ballotRoot?: string;
  @IsOptional() @IsInt() @Min(1) ballotCount?: number;
}

/** The longest jury motivation the contract admits (UTF-16 code units); envelope sizes depend on it. */
export const MOTIVATION_MAX_LENGTH = 4000;

/** SEALED: the verdict's contents, jury → announcements only, on `gala.sealed.>` (gateway cannot read it). */
export class SealedVerdictData {
  @IsUUID() categoryId!: string;
  @IsUUID() winnerId!: string;
  @IsString() @Length(1, MOTIVATION_MAX_LENGTH) motivation!: string;
  @IsHexadecimal() @Length(64, 64) salt!: string;
  @IsHexadecimal() @Length(64, 64) commitment!: string;
  @IsISO8601() sealedAt!: string;
}

/** A row of the jury's sealed ranking, as the combined verdict reads it. */
export class SealedRankingRowData {
  @IsUUID() nomineeId!: string;
  @IsOptional() @IsInt() @Min(1) rank?: number;
  @IsOptional() @IsNumber() score!: number | null;
  @IsInt() @Min(0) jurorCount!: number;
}

/**
 * SEALED: the jury's part of a combined category (jury and audience, issue 16), jury → vote only, on `gala.sealed.>`
 * (the gateway cannot read it; the vote service's consumer is filtered to this one subject). Published instead of
 * the jury's verdict events, so no jury result of a combined category is staged or revealed on its own: the vote
 * service combines it with the audience's sealed tally and seals the category's one verdict.
 */
export class JuryRankingSealedData {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsUUID() winnerId!: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => SealedRankingRowData) ranking!: SealedRankingRowData[];
  /** The jury's own commitment (its winner and motivation), kept in its audit chain; checked by `./laurel audit tally`. */
  @IsHexadecimal() @Length(64, 64) commitment!: string;
  @IsISO8601() sealedAt!: string;
  @IsHexadecimal() @Length(64, 64) ballotRoot!: string;
  @IsInt() @Min(0) ballotCount!: number;
  @IsOptional() @ValidateNested() @Type(() => AuditAnchorData) auditHead?: AuditAnchorData;
}

/**
 * Public: the chair froze a screening round's shortlist (entry ids only, no scores). Nominations makes
 * these entries the category's nominees and publishes the shortlist (`shortlist.published`), recording the round.
 */
export class ShortlistFrozenData {
  @IsUUID() categoryId!: string;
  @IsUUID() roundId!: string;
  @IsArray() @ArrayMinSize(1) @IsUUID('all', { each: true }) entryIds!: string[];
  @IsISO8601() frozenAt!: string;
}

/**
 * A nominee's deliberation thread changed (a comment, or the chair's "discussed"). No text: the gateway tells
 * only `recipients` (the panel's jurors who may read it: ballot locked, not conflicted with the nominee) over
 * the socket, and they fetch the thread over REST, where the jury checks the same rules again.
 */
export class DeliberationUpdatedData {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsUUID() nomineeId!: string;
  @IsInt() @Min(0) comments!: number;
  @IsBoolean() discussed!: boolean;
  @IsArray() @IsUUID('all', { each: true }) recipients!: string[];
}

export const juryEvents = {
  'gala.events.jury.deliberation.updated': event(DeliberationUpdatedData),
  'gala.events.jury.shortlist.frozen': event(ShortlistFrozenData),
  'gala.events.jury.progress': event(JuryProgressData),
  'gala.events.jury.verdict.sealed': event(VerdictSealedData),
  'gala.sealed.jury.verdict': event(SealedVerdictData),
  'gala.sealed.jury.ranking': event(JuryRankingSealedData),
} as const;
