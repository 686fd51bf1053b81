import { Inject, type OnModuleDestroy } from '@nestjs/common';
import { contextLogger } from '#observability';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  LaurelError,
  LIVE_NAMESPACE,
  serviceCredential,
  type JuryProgressEvent,
  type LiveClientEvents,
  type LiveServerEvents,
  type RevealedEvent,
  type Role,
  type SceneEvent,
  type ScreenPresence,
  type SealedEvent,
  type SnapshotEvent,
} from '#contracts';
import { AccessResolver, ServiceClient } from '#messaging';
import type { Principal } from '../auth/principal.js';
import { RateLimits, tooMany } from '../edge/rate-limits.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { CeremonyDirectory } from './ceremony-directory.service.js';
import { LiveState } from './live-state.service.js';

type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, Record<string, never>, SocketData>;
type LiveNamespace = Namespace<LiveClientEvents, LiveServerEvents, Record<string, never>, SocketData>;

interface SocketData {
  principal: Principal;
  ceremonyId: string;
  rehearsal: boolean;
  label: string;
  lastSeq: number;
  lastSeenAt: number;
}

/** Rooms: one per ceremony and show (live or rehearsal), and one per role within it. */
export function room(ceremonyId: string, rehearsal: boolean, role?: Role): string {
  return `${rehearsal ? 'r' : 'c'}:${ceremonyId}${role ? `:${role}` : ''}`;
}

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

function firstRooms(ceremonyId: string, rehearsal: boolean): string[] {
  return FIRST_ROLES.map((role) => room(ceremonyId, rehearsal, role));
}

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
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

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
      void this.authenticate(socket as LiveSocket).then(
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
  }

  onModuleDestroy(): void {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.stopInvalidation?.();
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
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; ceremony?: unknown; rehearsal?: unknown; label?: unknown };
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
      label: typeof auth.label === 'string' ? auth.label.slice(0, 60) : socket.id.slice(0, 6),
      lastSeq: 0,
      lastSeenAt: Date.now(),
    };
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const { principal, ceremonyId, rehearsal } = socket.data;
    if (!principal) return;
    await socket.join([room(ceremonyId, rehearsal), room(ceremonyId, rehearsal, principal.role)]);
    // Client payloads are untrusted: read numbers only as numbers. Number(x) on a client's
    // `[{ "toString": 1 }]` throws, and a throw in a socket handler is an uncaught exception that
    // took the whole gateway down (found by test/security/fuzz).
    socket.on('clock:ping', (clientSentAt, ack) => {
      if (typeof ack === 'function') ack({ clientSentAt: typeof clientSentAt === 'number' && Number.isFinite(clientSentAt) ? clientSentAt : 0, serverTime: Date.now() });
    });
    socket.on('presence', (report) => {
      if (typeof report !== 'object' || report === null) return;
      const seq = (report as { lastSeq?: unknown }).lastSeq;
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) socket.data.lastSeq = seq;
      const label = (report as { label?: unknown }).label;
      if (typeof label === 'string' && label.length > 0) socket.data.label = label.slice(0, 60);
      socket.data.lastSeenAt = Date.now();
    });
    await this.sendSnapshot(socket);
  }

  handleDisconnect(): void {
    // Presence is recomputed from the connected sockets on the next tick.
  }

  private async sendSnapshot(socket: LiveSocket): Promise<void> {
    const { principal, ceremonyId, rehearsal } = socket.data;
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
    socket.emit('snapshot', this.snapshotFor(principal.role, ceremonyId, rehearsal));
  }

  snapshotFor(role: Role, ceremonyId: string, rehearsal: boolean): SnapshotEvent {
    const view = this.state.show(ceremonyId, rehearsal);
    const snapshot: SnapshotEvent = {
      ceremonyId,
      role,
      scene: view.scene,
      results: PRESS_RELEASE_ROLES.includes(role) ? [...view.results.values()] : [...view.results.values()].map(withoutPressRelease),
      serverTime: Date.now(),
      stale: this.stale,
    };
    if (role === 'press' || role === 'producer' || role === 'admin') snapshot.seals = this.state.seals(ceremonyId);
    if (role === 'producer' || role === 'admin') snapshot.juryProgress = this.state.progress(ceremonyId);
    return snapshot;
  }

  /** Sends every socket of a show its snapshot again (after a gap, e.g. a NATS outage). */
  pushSnapshot(ceremonyId: string, rehearsal: boolean): void {
    for (const socket of this.server.sockets.values()) {
      const data = socket.data;
      if (data?.ceremonyId === ceremonyId && data.rehearsal === rehearsal) socket.emit('snapshot', this.snapshotFor(data.principal.role, ceremonyId, rehearsal));
    }
  }

  pushScene(scene: SceneEvent): void {
    const first = firstRooms(scene.ceremonyId, scene.rehearsal);
    this.server.to(first).emit('scene', scene);
    this.server.to(room(scene.ceremonyId, scene.rehearsal)).except(first).emit('scene', scene);
  }

  /** Stage screens first, then the crew (with the press release), then everyone else; each frame encoded once. */
  pushRevealed(revealed: RevealedEvent): void {
    const { ceremonyId, rehearsal } = revealed;
    const lean = withoutPressRelease(revealed);
    this.server.to(room(ceremonyId, rehearsal, 'screen')).emit('revealed', lean);
    this.server.to(PRESS_RELEASE_ROLES.map((role) => room(ceremonyId, rehearsal, role))).emit('revealed', revealed);
    this.server.to(room(ceremonyId, rehearsal)).except(firstRooms(ceremonyId, rehearsal)).emit('revealed', lean);
  }

  pushSealed(sealed: SealedEvent): void {
    this.server.to([room(sealed.ceremonyId, false, 'press'), room(sealed.ceremonyId, false, 'producer'), room(sealed.ceremonyId, false, 'admin')]).emit('sealed', sealed);
  }

  pushProgress(progress: JuryProgressEvent): void {
    this.server.to([room(progress.ceremonyId, false, 'producer'), room(progress.ceremonyId, false, 'admin')]).emit('jury-progress', progress);
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
      this.server.to([room(ceremonyId, mode === 'r', 'producer'), room(ceremonyId, mode === 'r', 'admin')]).emit('screens', { ceremonyId, screens });
    }
  }
}
