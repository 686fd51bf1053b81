import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A voter ticket: only the sha256 of its token is kept (the token itself is shown once, at issue). */
@Entity({ name: 'tickets' })
export class Ticket {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Index({ unique: true }) @Column({ name: 'token_hash', type: 'char', length: 64 }) tokenHash!: string;
  @Column({ name: 'batch_id', type: 'uuid' }) batchId!: string;
  @Column({ type: 'varchar', length: 120, nullable: true }) label!: string | null;
  @Column({ name: 'issued_at', type: 'timestamptz' }) issuedAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
