import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { VoteCombination } from '#contracts';

/**
 * A category's vote: its window (server time), then its seal. Its row is the vote's lock: counting a vote and
 * sealing take `FOR UPDATE` on it, so no vote is counted into a sealed tally.
 */
@Entity({ name: 'windows' })
export class VoteWindow {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'opened_at', type: 'timestamptz' }) openedAt!: Date;
  @Column({ name: 'closes_at', type: 'timestamptz' }) closesAt!: Date;
  /** The idempotency key of the producer's `vote-open` cue that opened it (null: opened by the REST open). */
  @Column({ name: 'open_key', type: 'text', nullable: true }) openKey!: string | null;
  /** Set by the producer's close, or at closes_at by the service itself. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @Column({ name: 'sealed_at', type: 'timestamptz', nullable: true }) sealedAt!: Date | null;
  @Column({ type: 'jsonb', nullable: true }) counts!: Record<string, number> | null;
  @Column({ name: 'vote_root', type: 'char', length: 64, nullable: true }) voteRoot!: string | null;
  @Column({ name: 'vote_count', type: 'int', nullable: true }) voteCount!: number | null;
  @Column({ name: 'winner_id', type: 'uuid', nullable: true }) winnerId!: string | null;
  @Column({ type: 'text', nullable: true }) motivation!: string | null;
  @Column({ type: 'char', length: 64, nullable: true }) salt!: string | null;
  @Column({ type: 'char', length: 64, nullable: true }) commitment!: string | null;
  /** A combined category's seal: the jury's part, the weights and the points that decided it (null otherwise). */
  @Column({ type: 'jsonb', nullable: true }) combination!: VoteCombination | null;
  /** From announcements' public reveal: from then on proofs and the export are served. */
  @Column({ name: 'revealed_at', type: 'timestamptz', nullable: true }) revealedAt!: Date | null;
}
