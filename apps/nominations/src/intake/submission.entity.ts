import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { IntakeStatus } from '#contracts';

/**
 * An entrant's submission through a category's public form, waiting for the admin's review. The
 * receipt code is never stored: only its SHA-256, the one way back to the submission for its entrant.
 * Accepted, it becomes an entry (`entryId`); rejected, it keeps the admin's reason.
 */
@Entity({ name: 'intake_submissions' })
@Index('IDX_intake_submissions_review', ['categoryId', 'status', 'submittedAt'])
export class IntakeSubmission {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_intake_submissions' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index('IDX_intake_submissions_receipt', { unique: true }) @Column({ name: 'receipt_hash', type: 'char', length: 64 }) receiptHash!: string;
  @Column({ type: 'jsonb' }) answers!: Record<string, string>;
  @Column({ type: 'varchar', length: 10 }) status!: IntakeStatus;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'entry_id', type: 'uuid', nullable: true }) entryId!: string | null;
  @Column({ name: 'submitted_at', type: 'timestamptz' }) submittedAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt!: Date | null;
}
