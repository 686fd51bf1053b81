import type { AuditAnchor } from './audit-anchor.js';
import type { CeremonyHeader, Criterion, NomineeView, Prize } from './ceremony.js';
import type { ShowClock } from './show-clock.js';
import type { VoteReceipt } from './vote-receipt.js';
import type { LaurelErrorBody } from './errors.js';

/**
 * What browsers receive on socket.io namespace `/live` — contract v1. Frozen wire names:
 * add fields freely, rename or remove only with a new version.
 */
export const LIVE_NAMESPACE = '/live';
export const LIVE_CONTRACT_VERSION = 1;

export const SCENE_KINDS = ['blackout', 'welcome', 'category', 'nominees', 'envelope', 'winner', 'motivation', 'interlude', 'closing'] as const;
export type SceneKind = (typeof SCENE_KINDS)[number];

export const ROLES = ['admin', 'producer', 'juror', 'press', 'screen', 'public'] as const;
export type Role = (typeof ROLES)[number];

export interface CategoryCard {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  theme: string | null;
  prize: Prize | null;
  presenter: string | null;
  criteria: Criterion[];
  /** 1-based position in the run of show and the number of categories. */
  number: number;
  of: number;
}

export interface WinnerView {
  id: string;
  slug: string;
  organisation: string | null;
  title: string | null;
  name: string;
}

/** A revealed result: everything a screen needs, plus what anyone needs to check the seal. */
export interface RevealedEvent {
  ceremonyId: string;
  seq: number;
  categoryId: string;
  category: { id: string; slug: string; name: string };
  winnerId: string;
  winner: WinnerView;
  motivation: string;
  salt: string;
  commitment: string;
  revealedAt: string;
  /** Gateway time (ISO) at which every screen flips together. */
  showAt: string;
  rehearsal: boolean;
  /** Swedish press release, copy-ready (sent with the reveal, never before). */
  pressRelease?: string;
  /**
   * The newest jury audit head announcements held when it opened the envelope: the one published with
   * the ceremony's latest seal that reached announcements before this cue (absent in rehearsals).
   */
  auditHead?: AuditAnchor;
  /** The ballot root and count published at the seal (absent in rehearsals and for older seals). */
  ballotRoot?: string;
  ballotCount?: number;
}

export interface SceneData {
  ceremony: Pick<CeremonyHeader, 'id' | 'slug' | 'name' | 'venue' | 'date' | 'locale' | 'host'>;
  category?: CategoryCard;
  nominees?: NomineeView[];
  /** Only on `winner` and `motivation`, after the reveal. */
  result?: Omit<RevealedEvent, 'showAt'>;
  /** The scene that a blackout covers, so `resume` and screens know what comes back. */
  covered?: SceneKind;
  message?: string;
  /** Rehearsal reset: the rehearsal's results so far are void. */
  reset?: boolean;
}

/** Who cued a scene: the producer token's label (as issued), or the admin. */
export interface CueOperator {
  label: string;
  role: 'producer' | 'admin';
}

/** `details` of the 409 that refuses a cue whose `expectedSeq` is stale (another operator cued first). */
export interface StaleCueDetails {
  expectedSeq: number;
  /** The show's seq now (the scene's seq). */
  seq: number;
  /** The scene on stage now, as in the `scene` event. */
  scene: SceneEvent;
}

export interface SceneEvent {
  ceremonyId: string;
  seq: number;
  kind: SceneKind;
  categoryId?: string;
  data: SceneData;
  at: string;
  rehearsal: boolean;
  /** On the winner scene of a reveal: flip at this gateway time, with the `revealed` event. */
  showAt?: string;
  /** Who cued this scene (crew only: producers and admins get it; other roles get the scene without it). */
  cuedBy?: CueOperator;
  /**
   * The show clock at this scene change (producers, admins and screens, e.g. the presenter monitor; not
   * press or public): read it with `readClock(scene.clock, serverNow)`. Absent on scenes from before it existed.
   */
  clock?: ShowClock;
}

/**
 * A producer's short message to the presenter monitor ("30 s", "stretch", free text), shown in very large
 * type until the next one; `text: ''` clears it. Screens, producers and admins only (never press or public).
 */
export interface PresenterMessageEvent {
  ceremonyId: string;
  /** Unique per message (a page shows each once, e.g. to flash it). */
  id: string;
  text: string;
  /** `urgent` is for time calls (flash, red); `info` for the rest. */
  tone: 'info' | 'urgent';
  /** Server time (ISO) it was sent. */
  sentAt: string;
  by: CueOperator;
  rehearsal: boolean;
}

export interface SealedEvent {
  ceremonyId: string;
  categoryId: string;
  commitment: string;
  sealedAt: string;
  /** The jury audit head right after the seal's own audit entry. */
  auditHead?: AuditAnchor;
  /** RFC 6962 root of the panel's locked ballots' receipts at the seal, and their number. */
  ballotRoot?: string;
  ballotCount?: number;
}

export interface JuryProgressEvent {
  ceremonyId: string;
  categoryId: string;
  locked: number;
  total: number;
  sealed: boolean;
}

export interface SnapshotEvent {
  ceremonyId: string;
  role: Role;
  scene: SceneEvent | null;
  results: Omit<RevealedEvent, 'showAt'>[];
  /** Gateway clock at send time (ms since epoch), a first clock-offset sample. */
  serverTime: number;
  /** Seals so far (press, producer only). */
  seals?: SealedEvent[];
  /** Jury progress per category (producer only). */
  juryProgress?: JuryProgressEvent[];
  /** True when the gateway has lost NATS and what it shows may be behind. */
  stale?: boolean;
  /** The producer's message on the presenter monitor now (screen, producer, admin; absent when none or cleared). */
  presenterMessage?: PresenterMessageEvent;
}

export interface ScreenPresence {
  socketId: string;
  label: string;
  role: Role;
  lastSeq: number;
  behind: number;
  lastSeenAt: string;
}

export interface GatewayStatusEvent {
  stale: boolean;
  reason?: string;
  /**
   * Producer and admin only: this gateway's clock offset to announcements (ms, announcements − gateway),
   * sent when it exceeds 50 ms (and once more when it is back under). The gateway corrects showAt for it.
   */
  clockOffsetMs?: number;
}

export type VoteWindowState = 'pending' | 'open' | 'closed' | 'sealed';

/** An audience vote's window (issue 16): what everybody may know, and turnout for the crew; never the standings. */
export interface VoteWindowEvent {
  ceremonyId: string;
  categoryId: string;
  state: VoteWindowState;
  openedAt: string | null;
  /** When it closes (or closed): server time. */
  closesAt: string | null;
  /** Accepted votes so far: producer, admin and screens only (null for everyone else). */
  turnout: number | null;
  /** Once sealed: the vote root and how many votes it holds. */
  voteRoot?: string | null;
  voteCount?: number | null;
}

/** Server → client events (contract v1). */
export interface LiveServerEvents {
  snapshot: (payload: SnapshotEvent) => void;
  scene: (payload: SceneEvent) => void;
  sealed: (payload: SealedEvent) => void;
  revealed: (payload: RevealedEvent) => void;
  'jury-progress': (payload: JuryProgressEvent) => void;
  /** Every role: an audience vote opened, closed or was sealed; turnout (crew and screens) about once a second while open. */
  vote: (payload: VoteWindowEvent) => void;
  /** Screens, producers and admins: a producer's message to the presenter (`text: ''` clears it). */
  'presenter-message': (payload: PresenterMessageEvent) => void;
  screens: (payload: { ceremonyId: string; screens: ScreenPresence[] }) => void;
  'gateway-status': (payload: GatewayStatusEvent) => void;
  /** The socket's token was revoked or expired: the gateway disconnects it right after this. */
  'session-ended': (payload: { reason: string }) => void;
  /**
   * Jurors only, and only those who may read the thread (own ballot locked, not conflicted with the nominee):
   * a nominee's deliberation thread changed; fetch it with GET …/deliberation. Never carries the text.
   */
  deliberation: (payload: DeliberationFrame) => void;
}

export interface DeliberationFrame {
  ceremonyId: string;
  categoryId: string;
  nomineeId: string;
  comments: number;
  discussed: boolean;
}

/** Client → server events. */
export interface LiveClientEvents {
  /** NTP-style clock sample: the ack returns the gateway's receive/send times. */
  'clock:ping': (clientSentAt: number, ack: (reply: { clientSentAt: number; serverTime: number }) => void) => void;
  /** Stage screens and other clients report what they hold. */
  presence: (report: { lastSeq: number; label?: string }) => void;
  /**
   * An audience vote over the socket (issue 16), any role, the public included: the ack answers exactly as
   * `POST /ceremonies/:c/categories/:cat/votes` would, its status and body (201 with the receipt, or the error
   * body: 400, 401, 409, 429, 503). The ceremony is the socket's.
   */
  'vote:cast': (vote: SocketVote, ack: (reply: SocketVoteReply) => void) => void;
}

/** A vote sent over the socket: the REST body plus the category (id or slug). */
export interface SocketVote {
  category: string;
  ticket: string;
  nomineeId: string;
}

/** The socket's answer to a vote: what REST would answer, as status and body. */
export type SocketVoteReply = { status: 201; body: VoteReceipt } | { status: number; body: LaurelErrorBody };

export interface LiveHandshakeAuth {
  token?: string;
  ceremony: string;
}
