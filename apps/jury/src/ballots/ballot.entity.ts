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
  /** Drawn at the lock (32 random bytes, hex): what makes the receipt unguessable from the scores. Null while a draft. */
  @Column({ type: 'char', length: 64, nullable: true }) salt!: string | null;
  /** sha256hex(JCS({ categoryId, jurorId, scores, salt })) of the locked ballot; null while a draft. */
  @Column({ type: 'char', length: 64, nullable: true }) receipt!: string | null;
}
