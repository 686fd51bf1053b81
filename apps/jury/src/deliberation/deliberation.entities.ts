import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One juror's comment in a nominee's deliberation thread (panel-only; also in the audit chain). */
@Entity({ name: 'deliberation_comments' })
@Index('deliberation_comments_thread', ['categoryId', 'nomineeId', 'createdAt'])
export class DeliberationCommentRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ name: 'nominee_id', type: 'uuid' }) nomineeId!: string;
  @Column({ name: 'juror_id', type: 'uuid' }) jurorId!: string;
  @Column({ type: 'text' }) text!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** The chair marked this nominee's thread discussed. */
@Entity({ name: 'deliberation_discussed' })
export class DiscussedNominee {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @PrimaryColumn({ name: 'nominee_id', type: 'uuid' }) nomineeId!: string;
  @Column({ name: 'juror_id', type: 'uuid' }) jurorId!: string;
  @CreateDateColumn({ name: 'discussed_at', type: 'timestamptz' }) discussedAt!: Date;
}
