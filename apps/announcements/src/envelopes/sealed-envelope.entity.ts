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

/** The public commitment as announced at sealing (what press and producer see before the reveal). */
@Entity({ name: 'public_seals' })
export class PublicSeal {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'char', length: 64 }) commitment!: string;
  @Column({ name: 'sealed_at', type: 'timestamptz' }) sealedAt!: Date;
}
