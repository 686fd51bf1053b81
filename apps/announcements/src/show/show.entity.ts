import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CueResult, SceneEvent } from '#contracts';
import type { ShowState } from './show-machine.js';

export type ShowMode = 'live' | 'rehearsal';

/** The show of one ceremony (live, or its rehearsal): the state machine's state and the scene on stage. */
@Entity({ name: 'shows' })
export class Show {
  @PrimaryColumn({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) mode!: ShowMode;
  @Column({ type: 'jsonb' }) state!: ShowState;
  @Column({ type: 'jsonb', nullable: true }) scene!: SceneEvent | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A cue's idempotency key and its first answer: the same key again returns it and changes nothing. */
@Entity({ name: 'cues' })
export class CueRecord {
  @PrimaryColumn({ name: 'ceremony_id', type: 'uuid' }) ceremonyId!: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) mode!: ShowMode;
  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 200 }) idempotencyKey!: string;
  @Column({ type: 'varchar', length: 10 }) action!: string;
  @Column({ type: 'jsonb' }) result!: CueResult;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
