import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ANYONE, command } from '../contract.js';
import { SCENE_KINDS, type PresenterMessageEvent, type VoteWindowEvent, type RevealedEvent, type SceneEvent, type SceneKind, type SealedEvent } from '../live.js';
import type { EnvelopeStagedEvent, SealedToPage } from '../reveal-v2.js';
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

/**
 * Cues the producer gives the audience vote in the run of show (issue 16): the gateway sends them to the vote
 * service's own commands (`vote.window.open`/`close`) with the producer's credential; the show's scene is unchanged.
 */
export const VOTE_CUE_ACTIONS = ['vote-open', 'vote-close'] as const;
export type VoteCueAction = (typeof VOTE_CUE_ACTIONS)[number];
export const PRODUCER_CUE_ACTIONS = [...CUE_ACTIONS, ...VOTE_CUE_ACTIONS] as const;
export type ProducerCueAction = (typeof PRODUCER_CUE_ACTIONS)[number];

export function isVoteCue(action: string): action is VoteCueAction {
  return (VOTE_CUE_ACTIONS as readonly string[]).includes(action);
}

/** The producer's cue as the gateway takes it (POST …/show/cues): a show cue (CueCommand) or a vote cue. */
export class ProducerCueCommand extends CeremonyScoped {
  @IsIn(PRODUCER_CUE_ACTIONS) action!: ProducerCueAction;
  /** For `reveal`, `vote-open` and `vote-close` (required) and `goto`: category id or slug. */
  @IsOptional() @IsString() @Length(1, 80) categoryId?: string;
  /** For `goto`: the scene kind to go to. */
  @IsOptional() @IsIn(SCENE_KINDS) scene?: SceneKind;
  /** For `vote-open` (required): the stage's countdown; the vote closes by itself this many seconds after it opens. */
  @IsOptional() @IsInt() @Min(5) @Max(3600) durationSeconds?: number;
  /** Same key twice = one effect; the first answer is returned. */
  @IsString() @Length(1, 200) idempotencyKey!: string;
  /** Cue the rehearsal show instead of the live one (show cues only: the audience vote has no rehearsal). */
  @IsOptional() @IsBoolean() rehearsal?: boolean;
  /** The seq of the scene the operator saw (show cues only; a vote cue changes no scene). */
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) expectedSeq?: number;
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

/**
 * The answer to a vote cue: the vote's window as the vote service answered it (the stage's band shows it from its
 * `vote` event), and the scene on stage as this gateway holds it (unchanged by the cue; null before the show starts).
 */
export interface VoteCueResult {
  action: VoteCueAction;
  vote: VoteWindowEvent;
  seq: number | null;
  scene: SceneEvent | null;
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

const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/;

/**
 * A reveal reported from a key card (docs/reveal-v2.md): the stage revealed `categoryId` with `key` while the
 * network was down. Announcements checks the key against its own (constant time) and applies an idempotent
 * reveal cue; the category must be on stage as for any reveal.
 */
export class CardRevealCommand extends CeremonyScoped {
  /** Category id or slug. */
  @IsString() @Length(1, 80) categoryId!: string;
  /** The category's key, base64url (43 characters), as parsed from the card's code. */
  @Matches(BASE64URL_32, { message: 'key must be 32 bytes as base64url (43 characters)' }) key!: string;
  @IsString() @Length(1, 200) idempotencyKey!: string;
}

export interface CardRevealResult extends CueResult {
  /** True when the category was revealed already (by a cue or an earlier report): nothing changed. */
  alreadyRevealed: boolean;
}

export class EnvelopeKitQuery extends CeremonyScoped {}

/** Every staged envelope of every audience with its commitment, no keys: for a standby stage laptop. */
export interface EnvelopeKit {
  v: 2;
  ceremonyId: string;
  ceremonySlug: string;
  ceremonyName: string;
  exportedAt: string;
  envelopes: EnvelopeStagedEvent[];
}

/** The admin page's fresh X25519 public key: the key cards come back sealed to it. */
export class KeyCardsExportCommand extends CeremonyScoped {
  @Matches(BASE64URL_32, { message: 'publicKey must be an X25519 public key (32 bytes as base64url, 43 characters)' }) publicKey!: string;
}

export class ClockQuery {
  /** The asker's clock when it sent the request (echoed nowhere; for the asker's own logs). */
  @IsOptional() @IsNumber() sentAt?: number;
}

/** Announcements' clock (epoch ms) when it answered: gateways measure their offset to it. */
export interface ServerClockReading {
  now: number;
}

export const announcementsCommands = {
  'announcements.show.cue': command(CueCommand, ['producer', 'admin']).returns<CueResult>(),
  'announcements.show.snapshot': command(ShowQuery, ['producer', 'admin']).returns<ShowSnapshot>(),
  'announcements.show.presenter-message': command(PresenterMessageCommand, ['producer', 'admin']).returns<PresenterMessageEvent>(),
  'announcements.results.list': command(ResultsQuery, ANYONE).returns<Omit<RevealedEvent, 'showAt'>[]>(),
  'announcements.results.csv': command(ResultsQuery, ANYONE).returns<{ csv: string; filename: string }>(),
  'announcements.rehearsal.reset': command(ResetRehearsalCommand, ['producer', 'admin']).returns<{ reset: true; seq: number }>(),
  'announcements.show.card-reveal': command(CardRevealCommand, ['screen', 'producer', 'admin']).returns<CardRevealResult>(),
  'announcements.envelopes.kit': command(EnvelopeKitQuery, ['producer', 'admin']).returns<EnvelopeKit>(),
  'announcements.keycards.export': command(KeyCardsExportCommand, ['admin']).returns<SealedToPage>(),
  // Service identities only (the gateway's clock offset): no user role.
  'announcements.clock': command(ClockQuery, []).returns<ServerClockReading>(),
} as const;
