import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { EnvelopeAudience, StagedEnvelopesData } from '#contracts';

/**
 * A category's envelope key (socket protocol v2). It never leaves announcements before the reveal: it goes
 * out only in the `winner.revealed` event and, sealed end to end to the admin's page, in the key-card export.
 */
@Entity({ name: 'reveal_keys' })
export class RevealKey {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'bytea' }) key!: Buffer;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A category's staged envelopes as published (`envelope.staged`), for the envelope kit and the gateways' cold start. */
@Entity({ name: 'staged_envelopes' })
export class StagedEnvelope {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Index() @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'char', length: 64 }) commitment!: string;
  @Column({ name: 'sealed_at', type: 'timestamptz' }) sealedAt!: Date;
  @Column({ type: 'jsonb' }) envelopes!: StagedEnvelopesData;
  @CreateDateColumn({ name: 'staged_at', type: 'timestamptz' }) stagedAt!: Date;
}

/** The padded plaintext size of a ceremony's envelopes per audience, fixed at its first staging. */
@Entity({ name: 'envelope_sizes' })
export class EnvelopeSize {
  @PrimaryColumn({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) audience!: EnvelopeAudience;
  @Column({ type: 'int' }) size!: number;
}
