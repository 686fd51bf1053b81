import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { BallotScores } from './ballot-rules.js';

/** A juror's one ballot (a juror sits on one panel). `locked_at` set = irrevocable for the juror. */
@Entity({ name: 'ballots' })
export class Ballot {
  @PrimaryColumn({ name: 'juror_id', type: 'uuid' }) jurorId!: string;
  @Index() @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'jsonb' }) scores!: BallotScores;
  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true }) lockedAt!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
