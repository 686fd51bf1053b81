import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One hash-chained entry of a ceremony's jury audit log; (ceremony, seq) unique, so the chain cannot fork. */
@Entity({ name: 'audit_log' })
export class AuditRow {
  @PrimaryColumn({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @PrimaryColumn({ type: 'int' }) seq!: number;
  @Column({ type: 'varchar', length: 200 }) actor!: string;
  @Column({ type: 'varchar', length: 60 }) action!: string;
  @Column({ type: 'varchar', length: 200 }) subject!: string;
  /** Typed loosely here (a recursive JSON type is too deep for TypeORM's query types); see AuditEntry. */
  @Column({ type: 'jsonb' }) data!: unknown;
  /** Kept as the exact ISO text that was hashed. */
  @Column({ type: 'varchar', length: 40 }) at!: string;
  @Column({ name: 'prev_hash', type: 'char', length: 64 }) prevHash!: string;
  @Column({ type: 'char', length: 64 }) hash!: string;
}

/** The last entry's hash per ceremony, so rows cut off the end of the log are detected too. */
@Entity({ name: 'audit_heads' })
export class AuditHead {
  @PrimaryColumn({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ type: 'int' }) seq!: number;
  @Column({ type: 'char', length: 64 }) hash!: string;
}
