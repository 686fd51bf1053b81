import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CategoryVote, NomineeView } from '#contracts';

/** Local read model of a ceremony (from nomination events): enough to resolve `:c` by id or slug. */
@Entity({ name: 'ceremonies' })
export class VoteCeremony {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 80 }) slug!: string;
  @Column({ type: 'varchar', length: 20, default: 'sv-SE' }) locale!: string;
}

/** A category as the vote needs it: how it is decided, and its nominees (the ballot). */
@Entity({ name: 'categories' })
@Index('vote_categories_ceremony_slug', ['ceremonyId', 'slug'], { unique: true })
export class VoteCategory {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'varchar', length: 80 }) slug!: string;
  @Column({ type: 'varchar', length: 300 }) name!: string;
  /** Null: the jury decides (no audience vote). */
  @Column({ type: 'jsonb', nullable: true }) vote!: CategoryVote | null;
  @Column({ type: 'jsonb' }) nominees!: NomineeView[];
}
