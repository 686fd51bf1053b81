import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AccessGrant } from '#contracts';

/**
 * An access token, stored hashed (sha256): the token itself is shown once, at issue. The admin grant
 * (role `admin`, no ceremony, no expiry) is a row here too, for the admin token nominations was given.
 */
@Entity({ name: 'access_tokens' })
export class AccessToken {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** null: the admin grant, which spans ceremonies. */
  @Column({ name: 'ceremony_id', type: 'uuid', nullable: true }) ceremonyId!: string | null;
  @Index({ unique: true }) @Column({ name: 'token_hash', type: 'char', length: 64 }) tokenHash!: string;
  @Column({ type: 'varchar', length: 20 }) role!: AccessGrant['role'];
  @Column({ name: 'juror_id', type: 'uuid', nullable: true }) jurorId!: string | null;
  @Column({ type: 'varchar', length: 120, nullable: true }) label!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** null: does not expire (the admin grant; replaced when the admin token changes). */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
