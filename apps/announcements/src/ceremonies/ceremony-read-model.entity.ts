import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CeremonyView } from '#contracts';

/** Local read model of a ceremony, built from nomination events (no reads of another service's tables). */
@Entity({ name: 'ceremonies' })
export class CeremonyReadModel {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 80 }) slug!: string;
  @Column({ type: 'jsonb' }) view!: CeremonyView;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
