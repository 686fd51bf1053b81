import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ANYONE, command } from '../contract.js';
import { SCENE_KINDS, type RevealedEvent, type SceneEvent, type SceneKind, type SealedEvent } from '../live.js';
import { CeremonyScoped } from './common.js';

export const CUE_ACTIONS = ['next', 'prev', 'goto', 'blackout', 'resume', 'reveal'] as const;
export type CueAction = (typeof CUE_ACTIONS)[number];

export class CueCommand extends CeremonyScoped {
  @IsIn(CUE_ACTIONS) action!: CueAction;
  /** For `reveal` (required) and `goto`: category id or slug. */
  @IsOptional() @IsString() @Length(1, 80) categoryId?: string;
  /** For `goto`: the scene kind to go to. */
  @IsOptional() @IsIn(SCENE_KINDS) scene?: SceneKind;
  /** Same key twice = one effect; the first answer is returned. */
  @IsString() @Length(1, 200) idempotencyKey!: string;
  /** Cue the rehearsal show (rehearsal data, never sent to press or public) instead of the live one. */
  @IsOptional() @IsBoolean() rehearsal?: boolean;
}

export interface CueResult {
  seq: number;
  scene: SceneEvent;
  /**
   * Set by the gateway: true once the scene is on its screens; false (HTTP 202, with `message`) when it
   * did not get there within CUE_ON_SCREENS_MS — committed, and delivered once JetStream takes writes.
   */
  onScreens?: boolean;
  message?: string;
}

export class ShowQuery extends CeremonyScoped {
  @IsOptional() @IsBoolean() rehearsal?: boolean;
}

export class ResultsQuery extends CeremonyScoped {}

export class ResetRehearsalCommand extends CeremonyScoped {}

export interface ShowSnapshot {
  ceremonyId: string;
  scene: SceneEvent | null;
  results: Omit<RevealedEvent, 'showAt'>[];
  /** Public commitments sealed so far (for press and producer). */
  seals?: SealedEvent[];
}

export const announcementsCommands = {
  'announcements.show.cue': command(CueCommand, ['producer', 'admin']).returns<CueResult>(),
  'announcements.show.snapshot': command(ShowQuery, ['producer', 'admin']).returns<ShowSnapshot>(),
  'announcements.results.list': command(ResultsQuery, ANYONE).returns<Omit<RevealedEvent, 'showAt'>[]>(),
  'announcements.results.csv': command(ResultsQuery, ANYONE).returns<{ csv: string; filename: string }>(),
  'announcements.rehearsal.reset': command(ResetRehearsalCommand, ['producer', 'admin']).returns<{ reset: true; seq: number }>(),
} as const;
