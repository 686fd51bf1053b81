import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ANYONE, command } from '../contract.js';
import { SCENE_KINDS, type PresenterMessageEvent, type RevealedEvent, type SceneEvent, type SceneKind, type SealedEvent } from '../live.js';
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
  /**
   * The seq of the scene the operator saw. When given and the show has moved on since (another operator
   * cued first), the cue is refused with 409 and `details` = StaleCueDetails (the scene on stage now).
   * Absent: the cue applies to whatever is on stage, as in v1.
   */
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) expectedSeq?: number;
}

export interface CueResult {
  seq: number;
  scene: SceneEvent;
}

/** A producer's short message to the presenter monitor; `text: ''` clears it. */
export class PresenterMessageCommand extends CeremonyScoped {
  /** "30 s", "stretch", or free text; at most 140 characters; '' clears the monitor. */
  @IsString() @Length(0, 140) text!: string;
  /** `urgent` for time calls (the page flashes it); default `info`. */
  @IsOptional() @IsIn(['info', 'urgent']) tone?: 'info' | 'urgent';
  @IsOptional() @IsBoolean() rehearsal?: boolean;
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
  'announcements.show.presenter-message': command(PresenterMessageCommand, ['producer', 'admin']).returns<PresenterMessageEvent>(),
  'announcements.results.list': command(ResultsQuery, ANYONE).returns<Omit<RevealedEvent, 'showAt'>[]>(),
  'announcements.results.csv': command(ResultsQuery, ANYONE).returns<{ csv: string; filename: string }>(),
  'announcements.rehearsal.reset': command(ResetRehearsalCommand, ['producer', 'admin']).returns<{ reset: true; seq: number }>(),
} as const;
