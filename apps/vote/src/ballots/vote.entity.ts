import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The vote log as counted: one row per (category, ticket), whatever JetStream redelivers (the unique index and
 * processed_events both say so). `accepted` false keeps a vote that came outside the rules, with the reason.
 */
@Entity({ name: 'votes' })
@Index('votes_one_per_ticket', ['categoryId', 'ticketHash'], { unique: true })
export class Vote {
  /** The event id, derived from (category, ticket): the JetStream msgID. */
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @Column({ name: 'ticket_hash', type: 'char', length: 64 }) ticketHash!: string;
  @Column({ name: 'nominee_id', type: 'uuid' }) nomineeId!: string;
  @Column({ type: 'char', length: 64 }) salt!: string;
  @Index() @Column({ type: 'char', length: 64 }) receipt!: string;
  @Column({ name: 'cast_at', type: 'timestamptz' }) castAt!: Date;
  @Column({ name: 'stream_seq', type: 'bigint' }) streamSeq!: string;
  @Column({ type: 'boolean' }) accepted!: boolean;
  @Column({ type: 'varchar', length: 60, nullable: true }) reason!: string | null;
}

/** Accepted votes per nominee, kept with each vote in the same transaction. */
@Entity({ name: 'tallies' })
export class Tally {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' }) categoryId!: string;
  @PrimaryColumn({ name: 'nominee_id', type: 'uuid' }) nomineeId!: string;
  @Column({ type: 'int' }) count!: number;
}
