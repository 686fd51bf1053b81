/**
 * The part of Laurel's public contract v1 this module reads (socket.io `/live` and REST `/api/v1`), kept
 * here so the module builds on its own outside the monorepo. test/types/companion-wire.ts checks that
 * Laurel's own payload types still fit these, so a contract change that breaks the module fails to compile.
 */

export type SceneKind = 'blackout' | 'welcome' | 'category' | 'nominees' | 'envelope' | 'winner' | 'motivation' | 'interlude' | 'closing';

export interface WireCategoryCard {
  id: string;
  slug: string;
  name: string;
  number: number;
  of: number;
}

export interface WireClockSegment {
  id: string;
  kind: 'welcome' | 'category' | 'closing' | 'interlude';
  categoryId?: string;
  label: string;
  plannedSeconds: number | null;
  actualSeconds: number;
  since: string | null;
  visited: boolean;
}

export interface WireShowClock {
  startedAt: string | null;
  sceneStartedAt: string;
  scenePlannedSeconds: number | null;
  segmentId: string | null;
  segments: WireClockSegment[];
  plannedSeconds: number | null;
}

export interface WireScene {
  ceremonyId: string;
  seq: number;
  kind: SceneKind;
  categoryId?: string;
  data: { ceremony: { id: string; slug: string; name: string }; category?: WireCategoryCard; covered?: SceneKind };
  at: string;
  rehearsal: boolean;
  cuedBy?: { label: string; role: 'producer' | 'admin' };
  clock?: WireShowClock;
}

export interface WireJuryProgress {
  ceremonyId: string;
  categoryId: string;
  locked: number;
  total: number;
  sealed: boolean;
}

export interface WireSealed {
  ceremonyId: string;
  categoryId: string;
}

export interface WireRevealed {
  ceremonyId: string;
  seq: number;
  categoryId: string;
  rehearsal: boolean;
}

export interface WireSnapshot {
  ceremonyId: string;
  scene: WireScene | null;
  results: { categoryId: string }[];
  serverTime: number;
  seals?: WireSealed[];
  juryProgress?: WireJuryProgress[];
  stale?: boolean;
}

export interface WireGatewayStatus {
  stale: boolean;
  reason?: string;
}

export type CueAction = 'next' | 'prev' | 'goto' | 'blackout' | 'resume' | 'reveal';
/** The audience vote's cues (issue 16): they open or close a category's vote and change no scene. */
export type VoteCueAction = 'vote-open' | 'vote-close';

export interface CueBody {
  action: CueAction | VoteCueAction;
  categoryId?: string;
  /** vote-open only: how long the vote stays open (5–3600 s). */
  durationSeconds?: number;
  scene?: SceneKind;
  idempotencyKey: string;
  expectedSeq?: number;
  rehearsal?: boolean;
}

/** What a vote cue answers: the vote's window as the vote service now holds it (server time). */
export interface VoteCueAnswer {
  action: VoteCueAction;
  vote: { categoryId: string; state: string; openedAt: string | null; closesAt: string | null };
}

export interface CueAnswer {
  seq: number;
  scene: WireScene;
  /** false with HTTP 202: committed, not on the screens yet. */
  onScreens?: boolean;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}
