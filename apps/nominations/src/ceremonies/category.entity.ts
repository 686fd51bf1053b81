import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CategoryVote, Criterion, JuryMemberView, Prize } from '#contracts';

@Entity({ name: 'categories' })
@Index(['ceremonyId', 'slug'], { unique: true })
export class Category {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'varchar', length: 80 }) slug!: string;
  @Column({ type: 'varchar', length: 300 }) name!: string;
  @Column({ name: 'stage_order', type: 'int' }) order!: number;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) theme!: string | null;
  @Column({ type: 'text', nullable: true }) eligibility!: string | null;
  @Column({ name: 'eligible_kinds', type: 'jsonb', default: () => "'[]'" }) eligibleKinds!: string[];
  @Column({ type: 'jsonb', nullable: true }) prize!: Prize | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) presenter!: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) criteria!: Criterion[];
  @Column({ name: 'nominees_count', type: 'int', nullable: true }) nomineesCount!: number | null;
  @Column({ name: 'min_nominees', type: 'int', nullable: true }) minNominees!: number | null;
  @Column({ name: 'max_nominees', type: 'int', nullable: true }) maxNominees!: number | null;
  @Column({ name: 'entries_received', type: 'int', nullable: true }) entriesReceived!: number | null;
  @Column({ type: 'int', nullable: true }) quorum!: number | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) jury!: JuryMemberView[];
  @Column({ type: 'jsonb', default: () => "'{}'" }) notes!: { nominees: string | null; jury: string | null };
  /** The jury's screening round whose frozen shortlist this is (null: set by the organiser). */
  @Column({ name: 'shortlist_round_id', type: 'uuid', nullable: true }) shortlistRoundId!: string | null;
  /** Null: the jury decides (CategoryVote). */
  @Column({ type: 'jsonb', nullable: true }) vote!: CategoryVote | null;
  @Column({ name: 'shortlist_published_at', type: 'timestamptz', nullable: true }) shortlistPublishedAt!: Date | null;
}
