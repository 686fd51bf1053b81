import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A submission to an award category. Entries are the pool the jury's shortlist is chosen from; they
 * carry contact details, so they never travel on public events.
 * Dedup: one entry per category and natural key (normalised organisation + title), and per external
 * id when the submitter gave one, so sending the same file twice stores nothing new.
 */
@Entity({ name: 'entries' })
@Index(['categoryId', 'naturalKey'], { unique: true })
@Index(['categoryId', 'externalId'], { unique: true, where: '"external_id" IS NOT NULL' })
export class Entry {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ name: 'external_id', type: 'varchar', length: 120, nullable: true }) externalId!: string | null;
  @Column({ name: 'natural_key', type: 'varchar', length: 820 }) naturalKey!: string;
  @Column({ type: 'varchar', length: 300, nullable: true }) organisation!: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) kind!: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) title!: string | null;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ name: 'contact_name', type: 'varchar', length: 200, nullable: true }) contactName!: string | null;
  @Column({ name: 'contact_email', type: 'varchar', length: 254, nullable: true }) contactEmail!: string | null;
  @Column({ name: 'contact_phone', type: 'varchar', length: 40, nullable: true }) contactPhone!: string | null;
  @Column({ type: 'varchar', length: 10 }) source!: 'api' | 'csv' | 'file' | 'intake';
  @Column({ name: 'source_row', type: 'int', nullable: true }) sourceRow!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
