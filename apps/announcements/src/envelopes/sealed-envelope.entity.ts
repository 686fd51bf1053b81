import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A sealed verdict handed over by the jury (private subject), checked against its commitment. */
@Entity({ name: 'sealed_envelopes' })
export class SealedEnvelope {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'winner_id', type: 'uuid' }) winnerId!: string;
  @Column({ type: 'text' }) motivation!: string;
  @Column({ type: 'char', length: 64 }) salt!: string;
  @Column({ type: 'char', length: 64 }) commitment!: string;
  @Column({ name: 'sealed_at', type: 'timestamptz' }) sealedAt!: Date;
  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
}

/**
 * The public commitment as announced at sealing (what press and producer see before the reveal), with the
 * jury audit head right after that seal and the ballot root: the newest head of a ceremony is what its
 * next reveal carries (announcements never reads the jury's tables).
 */
@Entity({ name: 'public_seals' })
export class PublicSeal {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'char', length: 64 }) commitment!: string;
  @Column({ name: 'sealed_at', type: 'timestamptz' }) sealedAt!: Date;
  @Column({ name: 'audit_hash', type: 'char', length: 64, nullable: true }) auditHash!: string | null;
  @Column({ name: 'audit_count', type: 'int', nullable: true }) auditCount!: number | null;
  @Column({ name: 'ballot_root', type: 'char', length: 64, nullable: true }) ballotRoot!: string | null;
  @Column({ name: 'ballot_count', type: 'int', nullable: true }) ballotCount!: number | null;
}
