import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TokenRole } from '#contracts';

/** An access token, stored hashed (sha256): the token itself is shown once, at issue. */
@Entity({ name: 'access_tokens' })
export class AccessToken {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Index({ unique: true }) @Column({ name: 'token_hash', type: 'char', length: 64 }) tokenHash!: string;
  @Column({ type: 'varchar', length: 20 }) role!: TokenRole;
  @Column({ name: 'juror_id', type: 'uuid', nullable: true }) jurorId!: string | null;
  @Column({ type: 'varchar', length: 120, nullable: true }) label!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
