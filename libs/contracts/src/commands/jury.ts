import { IsBoolean, IsObject, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import type { AuditAnchor } from '../audit-anchor.js';
import type { ReceiptProof } from '../ballot-receipt.js';
import type { CategoryVote, Criterion } from '../ceremony.js';
import { command } from '../contract.js';
import { CategoryScoped, CeremonyScoped } from './common.js';

export class AddJurorCommand extends CategoryScoped {
  @IsString() @Length(1, 200) name!: string;
  @IsOptional() @IsString() @Length(0, 300) affiliation?: string;
  @IsOptional() @IsString() @Length(0, 300) title?: string;
  @IsOptional() @IsBoolean() chair?: boolean;
  /** A clearly labelled demo juror (rehearsals, categories whose source names no jury). */
  @IsOptional() @IsBoolean() demo?: boolean;
  /** Adding to a frozen panel needs the chair's override reason (audited). */
  @IsOptional() @IsString() @Length(1, 1000) overrideReason?: string;
}

export interface JurorConflictView {
  nomineeId: string;
  reason: string;
  source: 'declared' | 'affiliation';
}

export interface JurorView {
  id: string;
  name: string;
  affiliation: string | null;
  title: string | null;
  categoryId: string;
  chair: boolean;
  demo: boolean;
  conflicts: JurorConflictView[];
}

export class ListJurorsQuery extends CeremonyScoped {}
export class GetJurorQuery extends CeremonyScoped {
  @IsUUID() jurorId!: string;
}

export class DeclareConflictCommand extends CategoryScoped {
  @IsUUID() jurorId!: string;
  @IsUUID() nomineeId!: string;
  @IsString() @Length(1, 1000) reason!: string;
}

/** `scores: { <nomineeId>: { <criterionKey>: 1..10 } }` — checked in depth by the ballot rules. */
export class SaveBallotCommand extends CategoryScoped {
  @IsObject() scores!: Record<string, Record<string, number>>;
}

export class BallotQuery extends CategoryScoped {
  /** Defaults to the calling juror's own id (the only ballot a juror may read). */
  @IsOptional() @IsUUID() jurorId?: string;
}

export interface BallotView {
  jurorId: string;
  categoryId: string;
  scores: Record<string, Record<string, number>>;
  lockedAt: string | null;
  updatedAt: string;
  /**
   * Once locked: the receipt `sha256hex(JCS({ categoryId, jurorId, scores, salt: receiptSalt }))` and its
   * salt (32 random bytes, hex, drawn at the lock), so the juror can recompute it; null while a draft.
   */
  receipt?: string | null;
  receiptSalt?: string | null;
}

export class LockBallotCommand extends CategoryScoped {}

export class ReopenBallotCommand extends CategoryScoped {
  @IsUUID() jurorId!: string;
  @IsString() @Length(1, 1000) reason!: string;
}

export class VerdictCommand extends CategoryScoped {
  @IsString() @Length(1, 4000) motivation!: string;
  @IsOptional() @IsUUID() tieBreakWinnerId?: string;
}

export interface RankingRow {
  nomineeId: string;
  /** Competition rank: tied nominees share it (1, 1, 3). */
  rank?: number;
  score: number | null;
  jurorCount: number;
}

export interface VerdictResult {
  winnerId: string;
  ranking: RankingRow[];
}

export class SealCommand extends CategoryScoped {}

export interface SealResult {
  commitment: string;
  sealedAt: string;
  /** RFC 6962 root over the receipts of the ballots the seal counted, and their number. */
  ballotRoot?: string;
  ballotCount?: number;
  /** The jury audit head right after the seal's own entry (first seal only; a repeated seal omits it). */
  auditHead?: AuditAnchor;
}

/** Organiser or chair: take a juror off a panel; once the panel is frozen only with an override reason (audited). */
export class RemoveJurorCommand extends CategoryScoped {
  @IsUUID() jurorId!: string;
  @IsOptional() @IsString() @Length(1, 1000) overrideReason?: string;
}

/** Admin: appoint (or change) a panel's chair; after the panel is frozen only with an override reason (audited). */
export class AppointChairCommand extends CategoryScoped {
  @IsUUID() jurorId!: string;
  @IsOptional() @IsString() @Length(1, 1000) overrideReason?: string;
}

export class PanelStatusQuery extends CategoryScoped {}

export interface PanelStatus {
  categoryId: string;
  jurors: number;
  locked: number;
  required: number;
  quorumMet: boolean;
  frozen: boolean;
  verdict: VerdictResult | null;
  sealed: SealResult | null;
}

export class VerifyAuditQuery extends CeremonyScoped {
  /** A head published outside the database, `<64 hex>@<count>`: the chain must still pass through it. */
  @IsOptional() @IsString() @Matches(/^[0-9a-fA-F]{64}@\d{1,9}$/, { message: 'must be <64 hex>@<count>' }) anchor?: string;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  brokenAt?: number;
  /** `hash mismatch`, `prev link mismatch`, `sequence gap` or `head mismatch` (the stored head or the anchor). */
  reason?: string;
  /** The chain's head as stored now (when the chain verifies). */
  head?: AuditAnchor;
  /** The anchor checked, as given. */
  anchor?: AuditAnchor;
}

/** A juror: the inclusion proof of their own locked ballot's receipt in the sealed ballot root, after the reveal. */
export class BallotProofQuery extends CategoryScoped {}

export interface BallotProof extends ReceiptProof {
  categoryId: string;
  jurorId: string;
  /** The ballot as locked, with its receipt salt, so the receipt can be recomputed (the caller's own ballot only). */
  scores: Record<string, Record<string, number>>;
  receiptSalt: string;
  /** What the seal published (`ballotRoot`, `ballotCount`): compare with the sealed event or the results. */
  sealedRoot: string;
  sealedCount: number;
  revealedAt: string;
}

/** The organiser: every locked ballot of a revealed category, to recompute the tally independently. */
export class BallotExportQuery extends CategoryScoped {}

export interface BallotExport {
  ceremonyId: string;
  categoryId: string;
  categorySlug: string;
  revealedAt: string;
  /** As the jury scores them (an empty list means one criterion `overall`, weight 1). */
  criteria: Pick<Criterion, 'key' | 'weight'>[];
  /** In the category's order (the tie order of the ranking). */
  nomineeIds: string[];
  /** Locked ballots required; null = every non-recused juror. */
  quorum: number | null;
  jurors: { id: string; chair: boolean }[];
  /** Declared and flagged conflicts; a juror conflicted with every nominee is recused. */
  conflicts: { jurorId: string; nomineeId: string }[];
  /** The locked ballots the seal counted, with the salt and receipt of each. */
  ballots: { jurorId: string; scores: Record<string, Record<string, number>>; salt: string; receipt: string; lockedAt: string }[];
  /** A combined category (jury and audience): the revealed result is the combination, not this verdict alone. */
  vote?: CategoryVote;
  verdict: {
    winnerId: string;
    tieBreakWinnerId: string | null;
    ranking: RankingRow[];
    commitment: string;
    sealedAt: string;
    ballotRoot: string;
    ballotCount: number;
  };
}

/**
 * Roles are who may call at all; the jury's domain rules narrow them (own ballot, this panel, its chair).
 * Producer, press, screen and public never reach jury data (integrity rule 2).
 */
export const juryCommands = {
  'jury.juror.add': command(AddJurorCommand, ['admin', 'juror']).returns<{ id: string }>(),
  'jury.juror.list': command(ListJurorsQuery, ['admin']).returns<JurorView[]>(),
  'jury.juror.get': command(GetJurorQuery, ['admin', 'juror']).returns<JurorView>(),
  'jury.juror.remove': command(RemoveJurorCommand, ['admin', 'juror']).returns<{ removed: true }>(),
  'jury.conflict.declare': command(DeclareConflictCommand, ['admin', 'juror']).returns<{ declared: true }>(),
  'jury.ballot.save': command(SaveBallotCommand, ['juror']).returns<BallotView>(),
  'jury.ballot.get': command(BallotQuery, ['juror']).returns<BallotView>(),
  'jury.ballot.lock': command(LockBallotCommand, ['juror']).returns<BallotView>(),
  'jury.ballot.reopen': command(ReopenBallotCommand, ['juror']).returns<BallotView>(),
  'jury.verdict.compute': command(VerdictCommand, ['juror']).returns<VerdictResult>(),
  'jury.verdict.seal': command(SealCommand, ['juror']).returns<SealResult>(),
  'jury.panel.status': command(PanelStatusQuery, ['admin', 'juror']).returns<PanelStatus>(),
  'jury.panel.chair': command(AppointChairCommand, ['admin']).returns<JurorView>(),
  'jury.audit.verify': command(VerifyAuditQuery, ['admin']).returns<AuditVerification>(),
  'jury.ballot.proof': command(BallotProofQuery, ['juror']).returns<BallotProof>(),
  'jury.ballots.export': command(BallotExportQuery, ['admin']).returns<BallotExport>(),
} as const;
