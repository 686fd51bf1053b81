import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CeremonyHeader } from '#contracts';

@Entity({ name: 'ceremonies' })
export class Ceremony {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 80 }) slug!: string;
  @Column({ type: 'varchar', length: 300 }) name!: string;
  @Column({ type: 'jsonb' }) header!: CeremonyHeader;
  @Column({ type: 'text', nullable: true }) about!: string | null;
  /** The imported file as it was sent, kept as documentation (notes, facts). */
  @Column({ name: 'source_file', type: 'jsonb' }) sourceFile!: Record<string, unknown>;
  /** Category ids in stage order. */
  @Column({ name: 'run_of_show', type: 'jsonb' }) runOfShow!: string[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
