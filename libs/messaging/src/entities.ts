import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Transactional outbox: written in the same transaction as the change it announces. */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished', ['position'], { where: 'published_at IS NULL' })
export class OutboxMessage {
  /** Publication order. */
  @PrimaryGeneratedColumn({ type: 'bigint' }) position!: string;
  /** The event id, used as the JetStream msgID so a republish is deduplicated. */
  @Column({ type: 'uuid', unique: true }) id!: string;
  @Column({ type: 'varchar', length: 300 }) subject!: string;
  @Column({ type: 'varchar', length: 10, default: 'event' }) kind!: 'event' | 'kv';
  @Column({ name: 'ceremony_id', type: 'uuid', nullable: true }) ceremonyId!: string | null;
  /** Exactly the bytes to publish (the JSON envelope, or a KV value). */
  @Column({ type: 'text' }) payload!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  /**
   * Where JetStream stored it (the PubAck's stream and seq), so the relay can check the stream still holds
   * every row it marked published (a lost tail of the store) and publish the missing ones again. Null for
   * rows published before this column existed (expand migration: old releases leave it null).
   */
  @Column({ type: 'varchar', length: 64, nullable: true }) stream!: string | null;
  @Column({ name: 'stream_seq', type: 'bigint', nullable: true }) streamSeq!: string | null;
}

/** One outbox row as written: exactly what the relay publishes, with the event id as the msgID. */
export interface OutboxRow {
  id: string;
  subject: string;
  kind: 'event' | 'kv';
  ceremonyId: string | null;
  payload: string;
}

/** Idempotent consumers: an event id stored in the same transaction as its effect. */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn({ type: 'varchar', length: 100 }) consumer!: string;
  @PrimaryColumn({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' }) processedAt!: Date;
}

/** Poison messages: parked after bounded redelivery, reported, never retried in a loop. */
@Entity({ name: 'parked_events' })
export class ParkedEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) position!: string;
  @Column({ type: 'varchar', length: 100 }) consumer!: string;
  @Column({ type: 'varchar', length: 300 }) subject!: string;
  @Column({ name: 'stream_seq', type: 'bigint' }) streamSeq!: string;
  @Column({ name: 'event_id', type: 'varchar', length: 100, nullable: true }) eventId!: string | null;
  @Column({ type: 'text' }) payload!: string;
  @Column({ type: 'text' }) error!: string;
  @Column({ type: 'int' }) deliveries!: number;
  @CreateDateColumn({ name: 'parked_at', type: 'timestamptz' }) parkedAt!: Date;
}

export const messagingEntities = [OutboxMessage, ProcessedEvent, ParkedEvent];
