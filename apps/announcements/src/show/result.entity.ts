import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RevealedEvent } from '#contracts';
import type { ShowMode } from './show.entity.js';

/** A revealed result. Never deleted for the live show: a reveal is never undone. */
@Entity({ name: 'results' })
@Index(['ceremonyId', 'mode'])
export class Result {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) mode!: ShowMode;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'int' }) seq!: number;
  @Column({ type: 'jsonb' }) view!: Omit<RevealedEvent, 'showAt'>;
  @Column({ name: 'revealed_at', type: 'timestamptz' }) revealedAt!: Date;
}
