import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CategoryVote, Criterion, NomineeView } from '#contracts';

/** Local read model of a ceremony (from nomination events): enough to resolve `:c` by id or slug. */
@Entity({ name: 'ceremonies' })
export class JuryCeremony {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 80 }) slug!: string;
}

/**
 * One award category as the jury needs it (criteria, nominees, quorum). Its row is also the panel's
 * lock: every change to a panel, its ballots or its verdict takes `FOR UPDATE` on it first.
 */
@Entity({ name: 'categories' })
@Index('categories_ceremony_slug', ['ceremonyId', 'slug'], { unique: true })
export class JuryCategory {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'varchar', length: 80 }) slug!: string;
  @Column({ type: 'varchar', length: 300 }) name!: string;
  @Column({ type: 'jsonb' }) criteria!: Criterion[];
  @Column({ type: 'jsonb' }) nominees!: NomineeView[];
  /** Locked ballots needed for a verdict; null = every non-recused juror. */
  @Column({ type: 'int', nullable: true }) quorum!: number | null;
  /** Set at the first lock: from then on the panel changes only with an audited override. */
  @Column({ name: 'frozen_at', type: 'timestamptz', nullable: true }) frozenAt!: Date | null;
  /** When announcements revealed it (from its public event): from then on proofs and the ballot export are served. */
  @Column({ name: 'revealed_at', type: 'timestamptz', nullable: true }) revealedAt!: Date | null;
  /** Null: the jury decides. `combined`: the seal hands the jury's ranking to the vote service (issue 16). */
  @Column({ type: 'jsonb', nullable: true }) vote!: CategoryVote | null;
}

@Entity({ name: 'jurors' })
@Index('jurors_one_chair_per_panel', ['categoryId'], { unique: true, where: 'chair' })
export class Juror {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Index() @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 300, nullable: true }) affiliation!: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) title!: string | null;
  @Column({ type: 'boolean', default: false }) chair!: boolean;
  @Column({ type: 'boolean', default: false }) demo!: boolean;
  /** Order on the panel: the ceremony file's order, then as added. */
  @Column({ type: 'int', default: 0 }) position!: number;
  /** `file`: named in the ceremony file; `api`: added by the organiser. */
  @Column({ type: 'varchar', length: 10 }) source!: 'file' | 'api';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A juror may not score this nominee: declared with a reason, or flagged from the juror's affiliation. */
@Entity({ name: 'conflicts' })
export class Conflict {
  @PrimaryColumn({ name: 'juror_id', type: 'uuid' }) jurorId!: string;
  @PrimaryColumn({ name: 'nominee_id', type: 'uuid' }) nomineeId!: string;
  @Index() @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'varchar', length: 12 }) source!: 'declared' | 'affiliation';
  @CreateDateColumn({ name: 'declared_at', type: 'timestamptz' }) declaredAt!: Date;
}
