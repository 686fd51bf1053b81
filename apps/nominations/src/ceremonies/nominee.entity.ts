import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A nominee on a category's shortlist (imported directly, or chosen from entries). */
@Entity({ name: 'nominees' })
@Index(['categoryId', 'slug'], { unique: true })
export class Nominee {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ type: 'varchar', length: 80 }) slug!: string;
  @Column({ type: 'varchar', length: 300, nullable: true }) organisation!: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) kind!: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) title!: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) pronunciation!: string | null;
  @Column({ type: 'int' }) position!: number;
  /** The entry this nominee was chosen from; null when the ceremony file named the nominee directly. */
  @Column({ name: 'entry_id', type: 'uuid', nullable: true }) entryId!: string | null;
}
