import { Inject, type OnModuleDestroy } from '@nestjs/common';
import { contextLogger, traceHop } from '#observability';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  audienceOf,
  ENVELOPE_AUDIENCES,
  envelopeFrameFor,
  LaurelError,
  LIVE_NAMESPACE,
  ROLES,
  serviceCredential,
  type EnvelopeAudience,
  type EnvelopeStagedEvent,
  type DeliberationFrame,
  type DeliberationUpdatedData,
  type JuryProgressEvent,
  type LiveClientEvents,
  type LiveClientEventsV2,
  type PresenterMessageEvent,
  type LiveServerEvents,
  type LiveServerEventsV2,
  type RevealedEvent,
  type RevealedV2Frame,
  type Role,
  type VoteWindowView,
  type SceneEvent,
  type ScreenPresence,
  type SealedEvent,
  type SnapshotEvent,
  type SnapshotV2Event,
  type SocketVote,
  type SocketVoteReply,
} from '#contracts';
import { AccessResolver, ServiceClient } from '#messaging';
import type { Principal } from '../auth/principal.js';
import { RateLimits, tooMany } from '../edge/rate-limits.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { CeremonyDirectory } from './ceremony-directory.service.js';
import { CLOCK_WARNING_MS, ClockSync, GatewayClock } from './clock.js';
import { CLOCK_ROLES, CREW_ROLES, sceneFor } from './crew-view.js';
import { LiveState, type AppliedReveal } from './live-state.service.js';
import { PrebuiltFrame } from './prebuilt-frame.js';
import { castVoteFields, VoteSender } from '../vote/vote-sender.js';

/** What a socket may receive: v1, plus what protocol v2 adds or changes (docs/reveal-v2.md). */
type ServerEvents = Omit<LiveServerEvents, 'snapshot' | 'revealed'> &
  Omit<LiveServerEventsV2, 'snapshot' | 'revealed'> & {
    snapshot: (payload: SnapshotEvent | SnapshotV2Event) => void;
    revealed: (payload: RevealedEvent | RevealedV2Frame) => void;
  };
type ClientEvents = LiveClientEvents & LiveClientEventsV2;
type LiveSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, SocketData>;
type LiveNamespace = Namespace<ClientEvents, ServerEvents, Record<string, never>, SocketData>;

/** Socket protocol version a client asked for at its handshake (`auth.v`). */
export type ProtocolVersion = 1 | 2;

interface SocketData {
  principal: Principal;
  ceremonyId: string;
  rehearsal: boolean;
  v: ProtocolVersion;
  label: string;
  lastSeq: number;
  lastSeenAt: number;
  /** Alarms this socket has sent (bounded: a client cannot flood the control room). */
  alarms: number;
}

/**
 * Rooms: one per ceremony and show (live or rehearsal), and one per role within it, apart for each socket
 * protocol version (a v2 socket is in no v1 room, so it never gets a v1-only frame).
 */
export function room(ceremonyId: string, rehearsal: boolean, role?: Role, v: ProtocolVersion = 1): string {
  return `${rehearsal ? 'r' : 'c'}${v === 2 ? '2' : ''}:${ceremonyId}${role ? `:${role}` : ''}`;
}

/**
 * One juror's own room (any protocol version): deliberation notices go to the jurors the jury names as
 * their recipients, never to a role-wide room (a conflicted juror is in no room that gets that nominee's).
 */
export function jurorRoom(ceremonyId: string, jurorId: string): string {
  return `j:${ceremonyId}:${jurorId}`;
}

/** Alarms a socket may raise in its lifetime: enough for every category of a show, not a flood. */
const MAX_ALARMS_PER_SOCKET = 20;

const REHEARSAL_ROLES: Role[] = ['admin', 'producer', 'screen'];

/**
 * Roles served first in a show-wide broadcast, stage screens first of all. A room is walked in join
 * order, so with thousands of public sockets a stage screen that joined late would get a reveal only at
 * the end of the fan-out (bench/reveal: ~100+ ms at 10,000 sockets); sending to these rooms first, then
 * to the rest, puts the stage and the crew ahead of the public without sending anything twice.
 */
const FIRST_ROLES: Role[] = ['screen', 'producer', 'admin', 'press'];
/** Roles that get the press release with a reveal (and in their snapshot's results). */
const PRESS_RELEASE_ROLES: Role[] = ['press', 'producer', 'admin'];

function firstRooms(ceremonyId: string, rehearsal: boolean, v: ProtocolVersion = 1): string[] {
  return FIRST_ROLES.map((role) => room(ceremonyId, rehearsal, role, v));
}

/** The roles whose sockets get one audience's envelope. */
const ROLES_OF_AUDIENCE: Record<EnvelopeAudience, Role[]> = {
  screen: ROLES.filter((r) => audienceOf(r) === 'screen'),
  press: ROLES.filter((r) => audienceOf(r) === 'press'),
  public: ROLES.filter((r) => audienceOf(r) === 'public'),
};

/** A result as screens and the public get it: without the press release (a third of the frame, for the press only). */
function withoutPressRelease<T extends { pressRelease?: string }>(result: T): Omit<T, 'pressRelease'> {
  if (result.pressRelease === undefined) return result;
  const { pressRelease: _forPress, ...rest } = result;
  return rest;
}

/**
 * socket.io namespace `/live` (contract v1). Authenticates at the handshake (a bad token is refused
 * with its reason, never downgraded to public), joins rooms by ceremony and role, sends the snapshot
 * first on every (re)connect, then pushes only what each role may see.
 */
@WebSocketGateway({
  namespace: LIVE_NAMESPACE,
  cors: { origin: true, credentials: true },
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
  pingInterval: 10000,
  pingTimeout: 8000,
})
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  @WebSocketServer() private readonly server!: LiveNamespace;
  private readonly logger = contextLogger('Live');
  private presenceTimer: NodeJS.Timeout | null = null;
  /** Shows that had screens at the last tick: when the last screen goes, producers hear an empty list. */
  private showsWithScreens = new Set<string>();
  private stale = false;
  private stopInvalidation: (() => void) | null = null;

  constructor(
    private readonly access: AccessResolver,
    private readonly directory: CeremonyDirectory,
    private readonly state: LiveState,
    private readonly services: ServiceClient,
    private readonly limits: RateLimits,
    private readonly clock: GatewayClock,
    private readonly clockSync: ClockSync,
    private readonly votes: VoteSender,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  private stopClockWatch: (() => void) | null = null;
  /** Ceremonies whose staged envelopes were asked of announcements (once each; the events keep them current). */
  private readonly envelopeLoads = new Map<string, Promise<void>>();
  /** The offset last reported to producers as a warning (null: none outstanding). */
  private clockWarning: number | null = null;

  afterInit(server: LiveNamespace): void {
    // Long-polling answers bypass Express (and helmet): the two headers that matter for them.
    server.server.engine.on('headers', (headers: Record<string, string>) => {
      headers['X-Content-Type-Options'] = 'nosniff';
      headers['Referrer-Policy'] = 'no-referrer';
    });
    // Handshakes count against the caller's budget (per token, or per address without one), before the token is checked.
    server.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      this.limits.handshake(socket.request, token).then(
        (retryAfter) => (retryAfter === null ? next() : next(Object.assign(new Error(tooMany(retryAfter).message), { data: { statusCode: 429, retryAfter } }))),
        (error: unknown) => {
          // A counting failure must not keep a stage screen out during the show.
          this.logger.warn(`handshake rate limit not counted: ${(error as Error)?.message ?? String(error)}`);
          next();
        },
      );
    });
    server.use((socket, next) => {
      void this.authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          const message = error instanceof LaurelError ? error.message : 'cannot connect';
          if (!(error instanceof LaurelError)) this.logger.error(`handshake failed: ${(error as Error)?.stack ?? String(error)}`);
          next(Object.assign(new Error(message), { data: { statusCode: error instanceof LaurelError ? error.statusCode : 500 } }));
        },
      );
    });
    // A token revoked or expired while its socket is open: the socket goes too, not just the next handshake.
    this.stopInvalidation = this.access.onInvalidated((tokenId, reason) => this.endSessions((p) => p.tokenId === tokenId, reason));
    this.presenceTimer = setInterval(() => {
      const now = Date.now();
      this.endSessions((p) => p.expiresAt !== undefined && p.expiresAt <= now, 'this token has expired');
      this.broadcastPresence();
    }, 2000);
    this.presenceTimer.unref();
    this.stopClockWatch = this.clockSync.onMeasured((offsetMs) => this.reportClock(offsetMs));
  }

  onModuleDestroy(): void {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.stopInvalidation?.();
    this.stopClockWatch?.();
  }

  /** Producers see this gateway's clock offset when it is over CLOCK_WARNING_MS, and once more when it is back under. */
  private reportClock(offsetMs: number | null): void {
    if (offsetMs === null) return;
    const over = Math.abs(offsetMs) > CLOCK_WARNING_MS;
    if (!over && this.clockWarning === null) return;
    if (over && this.clockWarning !== null && Math.abs(offsetMs - this.clockWarning) <= 5) return;
    this.clockWarning = over ? offsetMs : null;
    this.server.to(this.crewRooms()).emit('gateway-status', { stale: this.stale, clockOffsetMs: Math.round(offsetMs) });
  }

  /** Every producer and admin room this gateway has (any ceremony, show and protocol version). */
  private crewRooms(): string[] {
    return [...this.server.adapter.rooms.keys()].filter((name) => name.endsWith(':producer') || name.endsWith(':admin'));
  }

  private endSessions(matches: (principal: Principal) => boolean, reason: string): void {
    for (const socket of this.server.sockets.values()) {
      const principal = socket.data?.principal;
      if (!principal || principal.tokenId === null || !matches(principal)) continue;
      socket.emit('session-ended', { reason });
      socket.disconnect(true);
    }
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; ceremony?: unknown; rehearsal?: unknown; label?: unknown; v?: unknown };
    if (auth.v !== undefined && auth.v !== 1 && auth.v !== 2) throw LaurelError.badRequest('auth.v must be 1 or 2 (socket protocol version)');
    if (typeof auth.ceremony !== 'string' || auth.ceremony.length === 0 || auth.ceremony.length > 80) throw LaurelError.badRequest('auth.ceremony (id or slug) is required');
    if (auth.token !== undefined && typeof auth.token !== 'string') throw LaurelError.badRequest('auth.token must be a string');
    const principal = await this.access.authenticate(auth.token);
    const ceremonyId = await this.directory.resolve(auth.ceremony);
    if (principal.ceremonyId !== null && principal.ceremonyId !== ceremonyId) throw LaurelError.forbidden('this token belongs to another ceremony');
    const rehearsal = auth.rehearsal === true;
    if (rehearsal && !REHEARSAL_ROLES.includes(principal.role)) throw LaurelError.forbidden('the rehearsal is for the crew only');
    socket.data = {
      principal,
      ceremonyId,
      rehearsal,
      v: auth.v === 2 ? 2 : 1,
      label: typeof auth.label === 'string' ? auth.label.slice(0, 60) : socket.id.slice(0, 6),
      lastSeq: 0,
      lastSeenAt: Date.now(),
      alarms: 0,
    };
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const { principal, ceremonyId, rehearsal, v } = socket.data;
    if (!principal) return;
    await socket.join([room(ceremonyId, rehearsal, undefined, v), room(ceremonyId, rehearsal, principal.role, v)]);
    if (principal.role === 'juror' && principal.jurorId && !rehearsal) await socket.join(jurorRoom(ceremonyId, principal.jurorId));
    // Client payloads are untrusted: read numbers only as numbers. Number(x) on a client's
    // `[{ "toString": 1 }]` throws, and a throw in a socket handler is an uncaught exception that
    // took the whole gateway down (found by test/security/fuzz).
    socket.on('clock:ping', (clientSentAt, ack) => {
      if (typeof ack === 'function') ack({ clientSentAt: typeof clientSentAt === 'number' && Number.isFinite(clientSentAt) ? clientSentAt : 0, serverTime: this.clock.now() });
    });
    socket.on('presence', (report) => {
      if (typeof report !== 'object' || report === null) return;
      const seq = (report as { lastSeq?: unknown }).lastSeq;
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) socket.data.lastSeq = seq;
      const label = (report as { label?: unknown }).label;
      if (typeof label === 'string' && label.length > 0) socket.data.label = label.slice(0, 60);
      socket.data.lastSeenAt = Date.now();
    });
    if (v === 2) socket.on('reveal-alarm', (report) => this.forwardAlarm(socket, report));
    socket.on('vote:cast', (vote, ack) => void this.castVote(socket, vote, ack));
    await this.sendSnapshot(socket);
  }

  handleDisconnect(): void {
    // Presence is recomputed from the connected sockets on the next tick.
  }

  /**
   * A v2 client could not open or verify a reveal: producers hear it at once (`alarm`). Untrusted input:
   * strings only, bounded, and a bounded number per socket.
   */
  private forwardAlarm(socket: LiveSocket, report: unknown): void {
    if (typeof report !== 'object' || report === null) return;
    const { categoryId, reason } = report as { categoryId?: unknown; reason?: unknown };
    if (typeof categoryId !== 'string' || categoryId.length === 0 || typeof reason !== 'string') return;
    if (++socket.data.alarms > MAX_ALARMS_PER_SOCKET) return;
    const { ceremonyId, principal } = socket.data;
    this.logger.warn(`reveal alarm from ${principal.role} socket ${socket.id} (${ceremonyId}/${categoryId.slice(0, 80)}): ${reason.slice(0, 200)}`);
    const targets = (['producer', 'admin'] as const).flatMap((role) => [room(ceremonyId, false, role, 1), room(ceremonyId, false, role, 2)]);
    this.server.to(targets).emit('alarm', { ceremonyId, categoryId: categoryId.slice(0, 80), reason: reason.slice(0, 200), role: principal.role, socketId: socket.id, at: new Date(this.clock.now()).toISOString() });
  }

  /**
   * An audience vote over the socket: counted against the caller's rate budget like a REST call, checked by the
   * REST body's rules, and cast through the same VoteSender; the ack carries what REST would answer. Untrusted
   * input: a vote without an ack callback is dropped (its receipt could not be given).
   */
  private async castVote(socket: LiveSocket, vote: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return;
    const reply = ack as (reply: SocketVoteReply) => void;
    try {
      const retryAfter = await this.limits.socketCall(socket.request, socket.handshake.auth?.token);
      if (retryAfter !== null) throw tooMany(retryAfter);
      const { ticket, nomineeId } = castVoteFields(vote, ['category']);
      const receipt = await this.votes.cast({ ceremony: socket.data.ceremonyId, category: (vote as SocketVote).category, ticket, nomineeId });
      reply({ status: 201, body: receipt });
    } catch (error) {
      const refusal = error instanceof LaurelError ? error : new LaurelError(500, 'the vote could not be taken');
      if (!(error instanceof LaurelError)) this.logger.error(`socket vote failed: ${(error as Error)?.stack ?? String(error)}`);
      reply({ status: refusal.statusCode, body: refusal.toBody() });
    }
  }

  private async sendSnapshot(socket: LiveSocket): Promise<void> {
    const { principal, ceremonyId, rehearsal, v } = socket.data;
    if (v === 2 && !rehearsal && !this.state.hasEnvelopes(ceremonyId)) await this.loadEnvelopes(ceremonyId);
    if (!this.state.show(ceremonyId, rehearsal).scene) {
      // Nothing held yet (fresh gateway, or no cue so far): ask announcements once, as the gateway's own
      // service identity (whatever the socket's role: the public gets its filtered view of the answer).
      try {
        const snapshot = await this.services.request('announcements.show.snapshot', { ceremony: ceremonyId, rehearsal }, { credential: serviceCredential(this.config.serviceToken), timeoutMs: 3000 });
        this.state.applySnapshot(snapshot, rehearsal);
      } catch (error) {
        this.logger.warn(`no snapshot for ${ceremonyId}: ${(error as Error).message}`);
      }
    }
    socket.emit('snapshot', this.snapshotFor(principal.role, ceremonyId, rehearsal, v));
    // A clock warning outstanding: the crew hears it when it connects, not only at the next measurement.
    if (this.clockWarning !== null && (principal.role === 'producer' || principal.role === 'admin')) {
      socket.emit('gateway-status', { stale: this.stale, clockOffsetMs: Math.round(this.clockWarning) });
    }
  }

  /**
   * Nothing staged held for this ceremony (a fresh gateway whose event replay has not got there, or none
   * staged yet): the staged envelopes from announcements, as the gateway's own service identity (no keys in them).
   */
  private loadEnvelopes(ceremonyId: string): Promise<void> {
    // Once per ceremony (thousands of phones connect before the first seal): concurrent sockets share the
    // request, and after an answer the event feed keeps the envelopes current. A failure is asked again.
    let load = this.envelopeLoads.get(ceremonyId);
    if (!load) {
      load = (async () => {
        try {
          const kit = await this.services.request('announcements.envelopes.kit', { ceremony: ceremonyId }, { credential: serviceCredential(this.config.serviceToken), timeoutMs: 3000 });
          for (const staged of kit.envelopes) this.state.applyStaged(staged);
        } catch (error) {
          this.envelopeLoads.delete(ceremonyId);
          this.logger.warn(`no staged envelopes for ${ceremonyId}: ${(error as Error).message}`);
        }
      })();
      this.envelopeLoads.set(ceremonyId, load);
    }
    return load;
  }

  snapshotFor(role: Role, ceremonyId: string, rehearsal: boolean, v: 2): SnapshotV2Event;
  snapshotFor(role: Role, ceremonyId: string, rehearsal: boolean, v?: ProtocolVersion): SnapshotEvent | SnapshotV2Event;
  snapshotFor(role: Role, ceremonyId: string, rehearsal: boolean, v: ProtocolVersion = 1): SnapshotEvent | SnapshotV2Event {
    const view = this.state.show(ceremonyId, rehearsal);
    const snapshot: SnapshotEvent = {
      ceremonyId,
      role,
      scene: sceneFor(role, view.scene),
      results: PRESS_RELEASE_ROLES.includes(role) ? [...view.results.values()] : [...view.results.values()].map(withoutPressRelease),
      serverTime: this.clock.now(),
      stale: this.stale,
    };
    if (role === 'press' || role === 'producer' || role === 'admin') snapshot.seals = this.state.seals(ceremonyId);
    if (role === 'producer' || role === 'admin') snapshot.juryProgress = this.state.progress(ceremonyId);
    const message = CLOCK_ROLES.includes(role) ? this.state.presenterMessage(ceremonyId, rehearsal) : undefined;
    if (message) snapshot.presenterMessage = message;
    if (v === 1) return snapshot;
    // Rehearsal results are stand-ins with no envelope: a rehearsal v2 socket gets none (and v1 reveals).
    return { ...snapshot, v: 2, envelopes: rehearsal ? [] : this.state.envelopes(ceremonyId, audienceOf(role)) };
  }

  /**
   * To v1 and v2 sockets, the crew first. The winner scene of a key-only reveal goes to v1 sockets only: a
   * v2 socket takes it from its envelope (one frame per client per reveal).
   */
  pushScene(scene: SceneEvent): void {
    const { ceremonyId: c, rehearsal: r } = scene;
    const toV2 = !(scene.kind === 'winner' && !r && this.state.keyedReveal(c, scene.seq));
    const versions: ProtocolVersion[] = toV2 ? [1, 2] : [1];
    // Screens first (with the clock), then the crew (with who cued it), then the press and everyone else (neither).
    const screens = versions.map((v) => room(c, r, 'screen', v));
    const crew = versions.flatMap((v) => CREW_ROLES.map((role) => room(c, r, role, v)));
    const first = versions.flatMap((v) => firstRooms(c, r, v));
    const lean = sceneFor('public', scene);
    this.server.to(screens).emit('scene', sceneFor('screen', scene));
    this.server.to(crew).emit('scene', scene);
    this.server.to(first).except([...screens, ...crew]).emit('scene', lean);
    this.server.to(versions.map((v) => room(c, r, undefined, v))).except(first).emit('scene', lean);
  }

  /**
   * v1: stage screens first, then the crew (with the press release), then everyone else; each frame encoded
   * once. v2: with a key, one pre-built frame, the same bytes for every role, stage screens first; without
   * one (a rehearsal, an envelope that could not be staged) v2 sockets get the v1 frames.
   */
  pushRevealed({ revealed, key }: AppliedReveal): void {
    traceHop('push.revealed');
    const { ceremonyId, rehearsal } = revealed;
    const lean = withoutPressRelease(revealed);
    if (key !== null) {
      const frame: RevealedV2Frame = { v: 2, ceremonyId, seq: revealed.seq, categoryId: revealed.categoryId, key, commitment: revealed.commitment, showAt: Date.parse(revealed.showAt) };
      this.writeToRooms(PrebuiltFrame.of(this.server, 'revealed', frame), firstRooms(ceremonyId, rehearsal, 2), room(ceremonyId, rehearsal, undefined, 2));
    }
    const versions: ProtocolVersion[] = key === null ? [1, 2] : [1];
    this.server.to(versions.map((v) => room(ceremonyId, rehearsal, 'screen', v))).emit('revealed', lean);
    this.server.to(versions.flatMap((v) => PRESS_RELEASE_ROLES.map((role) => room(ceremonyId, rehearsal, role, v)))).emit('revealed', revealed);
    this.server.to(versions.map((v) => room(ceremonyId, rehearsal, undefined, v))).except(versions.flatMap((v) => firstRooms(ceremonyId, rehearsal, v))).emit('revealed', lean);
  }

  /**
   * Writes one pre-built frame to every socket of the `first` rooms (in their order), then to every other
   * socket of the show's room, each socket once. Only the few sockets of the first rooms are remembered:
   * the thousands of the show's room are walked once with a lookup in that small set.
   */
  private writeToRooms(frame: PrebuiltFrame, first: string[], show: string): void {
    traceHop('push.frame-built');
    const rooms = this.server.adapter.rooms;
    const sockets = this.server.sockets;
    const sent = new Set<string>();
    for (const name of first) {
      const ids = rooms.get(name);
      if (!ids) continue;
      for (const id of ids) {
        if (sent.has(id)) continue;
        sent.add(id);
        const socket = sockets.get(id);
        if (socket) frame.writeTo(socket);
      }
    }
    traceHop('push.first-rooms-written');
    const ids = rooms.get(show);
    if (!ids) return;
    for (const id of ids) {
      if (sent.size > 0 && sent.has(id)) continue;
      const socket = sockets.get(id);
      if (socket) frame.writeTo(socket);
    }
    traceHop('push.all-written');
  }

  /** A staged category's envelope to the v2 sockets of the live show, each audience its own. */
  pushEnvelope(staged: EnvelopeStagedEvent): void {
    for (const audience of ENVELOPE_AUDIENCES) {
      const rooms = ROLES_OF_AUDIENCE[audience].map((role) => room(staged.ceremonyId, false, role, 2));
      this.server.to(rooms).emit('envelope', envelopeFrameFor(staged, audience));
    }
  }

  /** The presenter monitor (a screen), and the crew who sent it; never press or public. */
  pushPresenterMessage(message: PresenterMessageEvent): void {
    this.server.to(([1, 2] as const).flatMap((v) => CLOCK_ROLES.map((role) => room(message.ceremonyId, message.rehearsal, role, v)))).emit('presenter-message', message);
  }

  pushSealed(sealed: SealedEvent): void {
    this.server.to(([1, 2] as const).flatMap((v) => [room(sealed.ceremonyId, false, 'press', v), room(sealed.ceremonyId, false, 'producer', v), room(sealed.ceremonyId, false, 'admin', v)])).emit('sealed', sealed);
  }

  /** A deliberation thread changed: a notice (no text) to each recipient juror's own room, nobody else. */
  pushDeliberation(update: DeliberationUpdatedData): void {
    if (update.recipients.length === 0) return;
    const frame: DeliberationFrame = { ceremonyId: update.ceremonyId, categoryId: update.categoryId, nomineeId: update.nomineeId, comments: update.comments, discussed: update.discussed };
    this.server.to(update.recipients.map((jurorId) => jurorRoom(update.ceremonyId, jurorId))).emit('deliberation', frame);
  }

  /**
   * An audience vote's window: turnout to the crew and the stage (producer, admin, screen), the window alone to
   * everyone else (phones get their ballot when it opens). Standings never pass here: the event has none.
   */
  pushVoteWindow(window: VoteWindowView): void {
    const crew: Role[] = ['producer', 'admin', 'screen'];
    const others: Role[] = ['press', 'juror', 'public'];
    this.server.to(([1, 2] as const).flatMap((v) => crew.map((role) => room(window.ceremonyId, false, role, v)))).emit('vote', window);
    this.server.to(([1, 2] as const).flatMap((v) => others.map((role) => room(window.ceremonyId, false, role, v)))).emit('vote', { ...window, turnout: null });
  }

  pushProgress(progress: JuryProgressEvent): void {
    this.server.to(([1, 2] as const).flatMap((v) => [room(progress.ceremonyId, false, 'producer', v), room(progress.ceremonyId, false, 'admin', v)])).emit('jury-progress', progress);
  }

  /** Tells every client whether this gateway can vouch for what it shows (NATS reachable). */
  setStale(stale: boolean, reason?: string): void {
    if (this.stale === stale) return;
    this.stale = stale;
    this.server.emit('gateway-status', { stale, reason });
  }

  /** Producers see which screens are live and how far behind each is. */
  private broadcastPresence(): void {
    const byShow = new Map<string, ScreenPresence[]>();
    for (const socket of this.server.sockets.values()) {
      const data = socket.data;
      if (!data?.principal || data.principal.role !== 'screen') continue;
      const current = this.state.show(data.ceremonyId, data.rehearsal).scene?.seq ?? 0;
      const key = `${data.ceremonyId}|${data.rehearsal ? 'r' : 'c'}`;
      const list = byShow.get(key) ?? [];
      list.push({ socketId: socket.id, label: data.label, role: 'screen', lastSeq: data.lastSeq, behind: Math.max(0, current - data.lastSeq), lastSeenAt: new Date(data.lastSeenAt).toISOString() });
      byShow.set(key, list);
    }
    for (const key of this.showsWithScreens) if (!byShow.has(key)) byShow.set(key, []);
    this.showsWithScreens = new Set([...byShow.keys()].filter((key) => byShow.get(key)!.length > 0));
    for (const [key, screens] of byShow) {
      const [ceremonyId, mode] = key.split('|');
      this.server.to(([1, 2] as const).flatMap((v) => [room(ceremonyId, mode === 'r', 'producer', v), room(ceremonyId, mode === 'r', 'admin', v)])).emit('screens', { ceremonyId, screens });
    }
  }
}
