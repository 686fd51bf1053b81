import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ANYONE, command } from '../contract.js';
import type { IntakeFieldDeclaration } from '../intake.js';
import type { EntryView } from './nominations.js';
import { CategoryScoped } from './common.js';

/**
 * Entrant intake (issue 15 item 1). The public calls (form, submit, own submission by receipt) admit
 * anyone: the receipt code is the only key to a submission, and a submission's view carries its own
 * answers only. Review is the admin's.
 */

/** A receipt code: 26 characters of Crockford base32 (130 random bits); dashes, spaces and case are ignored. */
export const RECEIPT_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const INTAKE_STATUSES = ['submitted', 'accepted', 'rejected'] as const;
export type IntakeStatus = (typeof INTAKE_STATUSES)[number];

export class GetIntakeFormQuery extends CategoryScoped {}

/** A category's form as the public page shows it. */
export interface IntakeFormView {
  ceremony: { slug: string; name: string; timezone: string };
  category: { slug: string; name: string; description: string | null; eligibility: string | null; eligibleKinds: string[] };
  fields: IntakeFieldDeclaration[];
  /** As the file gives it: local time in `ceremony.timezone`. */
  deadline: string;
  /** The same instant, ISO (UTC). */
  deadlineAt: string;
  open: boolean;
  /** The server's clock when it answered (the page counts down from it, not from the device's clock). */
  serverNow: string;
}

export class SubmitIntakeCommand extends CategoryScoped {
  /** Field key → value, as the form declares them (checked against the form by nominations). */
  @IsObject() answers!: Record<string, unknown>;
  /** The honeypot: a field people never see. Anything in it refuses the submission. */
  @IsOptional() @IsString() @Length(0, 2000) trap?: string;
}

export class ReceiptScoped {
  @IsString() @Matches(RECEIPT_PATTERN) receipt!: string;
}

export class GetIntakeSubmissionQuery extends ReceiptScoped {}

export class EditIntakeSubmissionCommand extends ReceiptScoped {
  @IsObject() answers!: Record<string, unknown>;
  @IsOptional() @IsString() @Length(0, 2000) trap?: string;
}

/** What the entrant sees of their own submission (with the receipt code they hold). */
export interface IntakeSubmissionView {
  ceremony: string;
  category: string;
  categoryName: string;
  answers: Record<string, string>;
  status: IntakeStatus;
  submittedAt: string;
  updatedAt: string;
  deadlineAt: string;
  /** Until the deadline, and while the admin has not reviewed it. */
  editable: boolean;
}

/** The answer to a submission: the receipt code (shown once, stored only as a hash) and where to edit. */
export interface IntakeReceipt extends IntakeSubmissionView {
  receipt: string;
  /** The page that shows and edits this submission (the code rides in the fragment, never sent to a server). */
  editPath: string;
}

export class ListIntakeSubmissionsQuery extends CategoryScoped {
  @IsOptional() @IsIn(INTAKE_STATUSES) status?: IntakeStatus;
  @IsOptional() @IsInt() @Min(0) offset?: number;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

/** A submission as the admin reviews it: its answers, and what today's eligibility rules say of it. */
export interface IntakeSubmissionAdminView {
  id: string;
  categoryId: string;
  answers: Record<string, string>;
  status: IntakeStatus;
  /** Why it cannot become an entry as it stands (kind not eligible, already entered), or null. */
  ineligibility: string | null;
  reason: string | null;
  entryId: string | null;
  submittedAt: string;
  updatedAt: string;
  reviewedAt: string | null;
}

export interface IntakeSubmissionPage {
  total: number;
  offset: number;
  submissions: IntakeSubmissionAdminView[];
}

export class AcceptIntakeSubmissionCommand extends CategoryScoped {
  @IsUUID() submission!: string;
}

export class RejectIntakeSubmissionCommand extends CategoryScoped {
  @IsUUID() submission!: string;
  /** Why (kept with the submission; not shown to the entrant). */
  @IsString() @Length(3, 500) reason!: string;
}

export interface IntakeReviewResult {
  submission: IntakeSubmissionAdminView;
  /** The entry it became (accept only). */
  entry: EntryView | null;
}

export const intakeCommands = {
  'nominations.intake.form': command(GetIntakeFormQuery, ANYONE).returns<IntakeFormView>(),
  'nominations.intake.submit': command(SubmitIntakeCommand, ANYONE).returns<IntakeReceipt>(),
  'nominations.intake.mine': command(GetIntakeSubmissionQuery, ANYONE).returns<IntakeSubmissionView>(),
  'nominations.intake.edit': command(EditIntakeSubmissionCommand, ANYONE).returns<IntakeSubmissionView>(),
  'nominations.intake.list': command(ListIntakeSubmissionsQuery, ['admin']).returns<IntakeSubmissionPage>(),
  'nominations.intake.accept': command(AcceptIntakeSubmissionCommand, ['admin']).returns<IntakeReviewResult>(),
  'nominations.intake.reject': command(RejectIntakeSubmissionCommand, ['admin']).returns<IntakeReviewResult>(),
} as const;
