import { ArrayMaxSize, ArrayMinSize, IsArray, IsHexadecimal, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ANYONE, command } from '../contract.js';
import type { FieldProblem, LaurelErrorBody } from '../errors.js';
import type { VoteWindowEvent } from '../live.js';
import type { CombinedPoints, CombinedWeights } from '../combined-verdict.js';
import type { VoteInclusionProof, VoteReceipt } from '../vote-receipt.js';
import type { RankingRow } from './jury.js';
import { CategoryScoped, CeremonyScoped } from './common.js';

/** A voter ticket as its QR code carries it: 22 base64url characters (16 random bytes). */
export const VOTER_TICKET_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * The most tickets one call issues (a batch); call again for more. The answer travels as one NATS reply: 10,000
 * tickets are about 0.8 MB, under NATS's default 1 MB max_payload.
 */
export const MAX_TICKETS_PER_BATCH = 10_000;

export class IssueTicketsCommand extends CeremonyScoped {
  @IsInt() @Min(1) @Max(MAX_TICKETS_PER_BATCH) count!: number;
  /** A label for the batch (the printed sheet, the ticketing system's import). */
  @IsOptional() @IsString() @Length(1, 120) label?: string;
}

export interface IssuedTicket {
  /** The ticket's id (revocation, the ticketing system's row); never enough to vote. */
  id: string;
  /** The secret the QR link carries (`/vote/:c#t=<token>`); shown once, only a hash of it is stored. */
  token: string;
}

export interface IssuedTickets {
  ceremonyId: string;
  batchId: string;
  label: string | null;
  issuedAt: string;
  tickets: IssuedTicket[];
}

export class RevokeTicketCommand extends CeremonyScoped {
  @IsUUID() ticketId!: string;
}

export class OpenVoteCommand extends CategoryScoped {
  /** The countdown on stage: the vote closes by itself this many seconds after it opens (server time). */
  @IsInt() @Min(5) @Max(3600) durationSeconds!: number;
  /**
   * The producer's cue key (a `vote-open` cue): the window remembers the key that opened it, so the same key again
   * answers with the window (whatever its state now) and never opens a second one. Not on the REST open.
   */
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
}

export class CloseVoteCommand extends CategoryScoped {}

/** What everybody may know about a vote: its window and (for the crew) its turnout, never the standings. */
export type VoteWindowView = VoteWindowEvent;

export class CastVoteCommand extends CategoryScoped {
  @IsString() @Matches(VOTER_TICKET_PATTERN, { message: 'must be a voter ticket (22 characters)' }) ticket!: string;
  @IsUUID() nomineeId!: string;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The vote path's own check of `{ ticket, nomineeId }` (plus `extra`, the keys its caller adds), by hand: the
 * same rules and messages as CastVoteCommand's decorators (400 with each field's problem), at a fraction of
 * class-validator's cost per vote (docs/performance.md, Issue 16). Empty when the vote is well formed.
 */
export function castVoteProblems(raw: unknown, extra: readonly string[] = []): FieldProblem[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [{ path: '$', message: 'a vote must be a JSON object { ticket, nomineeId }' }];
  const v = raw as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(v)) if (key !== 'ticket' && key !== 'nomineeId' && !extra.includes(key)) problems.push({ path: key, message: `property ${key} should not exist` });
  if (typeof v.ticket !== 'string') problems.push({ path: 'ticket', message: 'ticket must be a string' });
  if (typeof v.ticket !== 'string' || !VOTER_TICKET_PATTERN.test(v.ticket)) problems.push({ path: 'ticket', message: 'must be a voter ticket (22 characters)' });
  if (typeof v.nomineeId !== 'string' || !UUID_PATTERN.test(v.nomineeId)) problems.push({ path: 'nomineeId', message: 'nomineeId must be a UUID' });
  for (const key of extra) {
    const x = v[key];
    if (typeof x !== 'string' || x.length < 1 || x.length > 80 || x.includes('\u0000')) problems.push({ path: key, message: `${key} must be a string of 1 to 80 characters` });
  }
  return problems;
}

/** The most votes one `vote.cast.batch` carries (the gateway coalesces the votes in flight into batches). */
export const MAX_VOTES_PER_BATCH = 500;

/**
 * Votes coalesced by a gateway: each `{ ceremony, category, ticket, nomineeId }`, checked one by one in the vote
 * service (castVoteProblems); a bad vote is refused on its own, the others go on. The answer has one outcome per
 * vote, in order.
 */
export class CastVoteBatchCommand {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_VOTES_PER_BATCH) votes!: unknown[];
}

/** One vote's outcome in a batch: its receipt (201 on REST), or the error body REST would answer. */
export type CastVoteOutcome = { receipt: VoteReceipt } | { error: LaurelErrorBody };

export class VoteStatusQuery extends CeremonyScoped {}

/** A ticket's own view: which categories it has voted in (no choice is shown back). */
export class TicketStatusQuery extends CeremonyScoped {
  @IsString() @Matches(VOTER_TICKET_PATTERN, { message: 'must be a voter ticket (22 characters)' }) ticket!: string;
}

export interface TicketStatus {
  ceremonyId: string;
  votedIn: string[];
}

export class VoteProofQuery extends CategoryScoped {
  @IsHexadecimal() @Length(64, 64) receipt!: string;
}

export interface VoteProof extends VoteInclusionProof {
  categoryId: string;
  /** What the seal published: compare with the sealed event or the results. */
  sealedRoot: string;
  sealedCount: number;
  revealedAt: string;
}

export class VoteExportQuery extends CategoryScoped {}

/** The organiser: the vote log of a sealed category, to recount it independently (`./laurel audit votes`). */
export interface VoteExport {
  ceremonyId: string;
  categoryId: string;
  categorySlug: string;
  nomineeIds: string[];
  openedAt: string;
  closedAt: string;
  /** Every vote the log holds, accepted or not (a late one says why). */
  votes: { nomineeId: string; salt: string; receipt: string; castAt: string; accepted: boolean; reason: string | null }[];
  sealed: { counts: Record<string, number>; voteRoot: string; voteCount: number; winnerId: string; commitment: string; sealedAt: string };
  /**
   * A combined category (jury and audience): the jury's sealed part the vote service combined with these counts,
   * the weights, and the points per nominee (libs/contracts/src/combined-verdict.ts), to recompute after the reveal.
   * The jury's part is checked against the jury's own ballot export (`./laurel audit tally`, `./laurel audit votes`).
   */
  combined?: VoteCombination;
}

export interface VoteCombination {
  weights: CombinedWeights;
  jury: { winnerId: string; ranking: RankingRow[]; commitment: string; sealedAt: string; ballotRoot: string; ballotCount: number };
  points: CombinedPoints[];
}

/**
 * Voting is for ticket holders: a ticket is not an access token, so `vote.cast` admits every role and the vote
 * service checks the ticket itself; `vote.cast.batch` is the same for many votes at once (what a gateway sends, its
 * callers already authenticated at its edge). The producer opens and closes; only the organiser issues and exports.
 */
export const voteCommands = {
  'vote.tickets.issue': command(IssueTicketsCommand, ['admin']).returns<IssuedTickets>(),
  'vote.tickets.revoke': command(RevokeTicketCommand, ['admin']).returns<{ revoked: true }>(),
  'vote.window.open': command(OpenVoteCommand, ['admin', 'producer']).returns<VoteWindowView>(),
  'vote.window.close': command(CloseVoteCommand, ['admin', 'producer']).returns<VoteWindowView>(),
  'vote.cast': command(CastVoteCommand, ANYONE).returns<VoteReceipt>(),
  'vote.cast.batch': command(CastVoteBatchCommand, ANYONE).returns<CastVoteOutcome[]>(),
  'vote.status': command(VoteStatusQuery, ANYONE).returns<VoteWindowView[]>(),
  'vote.ticket.status': command(TicketStatusQuery, ANYONE).returns<TicketStatus>(),
  'vote.proof': command(VoteProofQuery, ANYONE).returns<VoteProof>(),
  'vote.export': command(VoteExportQuery, ['admin']).returns<VoteExport>(),
} as const;
