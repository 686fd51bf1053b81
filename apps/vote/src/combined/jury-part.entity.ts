import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RankingRow } from '#contracts';

/**
 * The jury's sealed part of a combined category (issue 16), from `gala.sealed.jury.ranking`: its ranking and
 * winner, and what the jury sealed them with. Written once (sealed verdicts never change); the combined seal waits
 * for it. Never served before the reveal; after it, in the vote export.
 */
@Entity({ name: 'jury_parts' })
export class JuryPart {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index('jury_parts_ceremony') @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'winner_id', type: 'uuid' }) winnerId!: string;
  @Column({ type: 'jsonb' }) ranking!: RankingRow[];
  @Column({ type: 'char', length: 64 }) commitment!: string;
  @Column({ name: 'sealed_at', type: 'timestamptz' }) sealedAt!: Date;
  @Column({ name: 'ballot_root', type: 'char', length: 64 }) ballotRoot!: string;
  @Column({ name: 'ballot_count', type: 'int' }) ballotCount!: number;
}
