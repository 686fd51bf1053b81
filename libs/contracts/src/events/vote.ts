import { IsBoolean, IsHexadecimal, IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Length, Min } from 'class-validator';
import { event } from '../contract.js';
import type { VoteWindowView } from '../commands/vote.js';
import type { VoteWindowState } from '../live.js';
import { SealedVerdictData, VerdictSealedData } from './jury.js';

/** Public: a vote's window and turnout (the gateway gives turnout to the crew and the stage only). Never a standing. */
export class VoteWindowData implements VoteWindowView {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsIn(['pending', 'open', 'closed', 'sealed']) state!: VoteWindowState;
  @IsOptional() @IsISO8601() openedAt!: string | null;
  @IsOptional() @IsISO8601() closesAt!: string | null;
  @IsOptional() @IsInt() @Min(0) turnout!: number | null;
  @IsOptional() @IsHexadecimal() @Length(64, 64) voteRoot?: string | null;
  @IsOptional() @IsInt() @Min(0) voteCount?: number | null;
}

/**
 * One vote, on its own stream (GALA_VOTES, `gala.votes.>`), published by the vote service that took it with the
 * envelope id derived from (ticket, category) as JetStream msgID: a repeat is a duplicate to the stream and to the
 * consumer's processed_events alike. Only the vote service's NATS user reads or writes it.
 */
export class VoteCastData {
  @IsUUID() categoryId!: string;
  @IsUUID() nomineeId!: string;
  /** sha256 of the ticket: the one-vote-per-ticket key; never published outside the vote service's schema. */
  @IsHexadecimal() @Length(64, 64) ticketHash!: string;
  @IsHexadecimal() @Length(64, 64) salt!: string;
  @IsHexadecimal() @Length(64, 64) receipt!: string;
  @IsISO8601() castAt!: string;
  /** Always true; here so a later version can carry a withdrawn vote without a new subject. */
  @IsBoolean() @IsOptional() valid?: boolean;
}

export const voteEvents = {
  'gala.events.vote.window': event(VoteWindowData),
  /** The audience's verdict, sealed: the same shape and commitment as the jury's (ballotRoot = the vote root). */
  'gala.events.vote.verdict.sealed': event(VerdictSealedData),
  'gala.sealed.vote.verdict': event(SealedVerdictData),
  'gala.votes.cast': event(VoteCastData),
} as const;
