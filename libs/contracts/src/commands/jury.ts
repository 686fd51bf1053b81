import { IsBoolean, IsObject, IsOptional, IsString, IsUUID, Length } from 'class-validator';
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

export class VerifyAuditQuery extends CeremonyScoped {}

export interface AuditVerification {
  ok: boolean;
  count: number;
  brokenAt?: number;
  reason?: string;
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
} as const;
