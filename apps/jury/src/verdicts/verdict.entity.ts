import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RankingRow } from '#contracts';

/**
 * The chair's verdict for a category (one row per category), then its seal. Once `sealed_at` is set
 * the row never changes: the seal is written with `WHERE sealed_at IS NULL` under the panel lock.
 */
@Entity({ name: 'verdicts' })
export class Verdict {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'winner_id', type: 'uuid' }) winnerId!: string;
  @Column({ type: 'jsonb' }) ranking!: RankingRow[];
  /** Normalized (NFC, trimmed): exactly what is sealed and revealed. */
  @Column({ type: 'text' }) motivation!: string;
  @Column({ name: 'tie_break_winner_id', type: 'uuid', nullable: true }) tieBreakWinnerId!: string | null;
  @Column({ name: 'computed_by', type: 'uuid' }) computedBy!: string;
  @Column({ name: 'computed_at', type: 'timestamptz' }) computedAt!: Date;
  @Column({ type: 'char', length: 64, nullable: true }) salt!: string | null;
  @Index({ unique: true, where: 'commitment IS NOT NULL' }) @Column({ type: 'char', length: 64, nullable: true }) commitment!: string | null;
  @Column({ name: 'sealed_at', type: 'timestamptz', nullable: true }) sealedAt!: Date | null;
  /** RFC 6962 root over the receipts of the ballots the seal counted, and their number (null before the seal). */
  @Column({ name: 'ballot_root', type: 'char', length: 64, nullable: true }) ballotRoot!: string | null;
  @Column({ name: 'ballot_count', type: 'int', nullable: true }) ballotCount!: number | null;
}
