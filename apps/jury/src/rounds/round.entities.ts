import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ShortlistAdjustment } from '#contracts';

/**
 * A category's jury round: `screening` (entries, k reviewers each, normalized ranking, shortlist freeze) or
 * `final` (the nominees' ballots as before, created when a screening round's shortlist is frozen, naming the
 * round it came from). One of each kind per category.
 */
@Entity({ name: 'rounds' })
@Index('rounds_category_kind', ['categoryId', 'kind'], { unique: true })
export class Round {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ type: 'varchar', length: 10 }) kind!: 'screening' | 'final';
  /** screening: open → assigned → frozen; final: open. */
  @Column({ type: 'varchar', length: 10 }) status!: 'open' | 'assigned' | 'frozen';
  @Column({ type: 'int', nullable: true }) k!: number | null;
  @Column({ name: 'shortlist_size', type: 'int', nullable: true }) shortlistSize!: number | null;
  @Column({ name: 'min_nominees', type: 'int', nullable: true }) minNominees!: number | null;
  @Column({ name: 'max_nominees', type: 'int', nullable: true }) maxNominees!: number | null;
  /** The chair's changes to the draft shortlist, in order, each with its reason. */
  @Column({ type: 'jsonb', default: () => `'[]'` }) adjustments!: ShortlistAdjustment[];
  @Column({ name: 'frozen_entry_ids', type: 'jsonb', nullable: true }) frozenEntryIds!: string[] | null;
  @Column({ name: 'frozen_at', type: 'timestamptz', nullable: true }) frozenAt!: Date | null;
  /** final: the screening round whose shortlist it scores. */
  @Column({ name: 'source_round_id', type: 'uuid', nullable: true }) sourceRoundId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** An entry under review in a screening round: its public fields, as nominations gave them at the opening. */
@Entity({ name: 'round_entries' })
export class RoundEntry {
  @PrimaryColumn({ name: 'round_id', type: 'uuid' }) roundId!: string;
  @PrimaryColumn({ name: 'entry_id', type: 'uuid' }) entryId!: string;
  @Column({ type: 'int' }) position!: number;
  @Column({ type: 'varchar', length: 300, nullable: true }) organisation!: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) kind!: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) title!: string | null;
  @Column({ type: 'text', nullable: true }) description!: string | null;
}

/** One reviewer's review of one entry: created by the assignment, scored and locked by the juror. */
@Entity({ name: 'reviews' })
@Index('reviews_round_juror', ['roundId', 'jurorId'])
export class Review {
  @PrimaryColumn({ name: 'round_id', type: 'uuid' }) roundId!: string;
  @PrimaryColumn({ name: 'entry_id', type: 'uuid' }) entryId!: string;
  @PrimaryColumn({ name: 'juror_id', type: 'uuid' }) jurorId!: string;
  @Column({ type: 'jsonb', default: () => `'{}'` }) scores!: Record<string, number>;
  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true }) lockedAt!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A juror may not review this entry: declared with a reason, or flagged from the juror's affiliation. */
@Entity({ name: 'entry_conflicts' })
export class EntryConflict {
  @PrimaryColumn({ name: 'round_id', type: 'uuid' }) roundId!: string;
  @PrimaryColumn({ name: 'juror_id', type: 'uuid' }) jurorId!: string;
  @PrimaryColumn({ name: 'entry_id', type: 'uuid' }) entryId!: string;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'varchar', length: 12 }) source!: 'declared' | 'affiliation';
  @CreateDateColumn({ name: 'declared_at', type: 'timestamptz' }) declaredAt!: Date;
}
