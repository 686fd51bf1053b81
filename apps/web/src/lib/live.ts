/**
 * socket.io client for namespace `/live`: handshake auth, NTP-style clock offset to the gateway, scene
 * sequence filtering, presence reports and the reveal flip scheduler. With an EnvelopeStore it speaks
 * protocol v2 (docs/reveal-v2.md): keeps `envelope` frames and snapshot.envelopes, opens a key-only
 * `revealed` frame, verifies it and hands the reveal to the page's ShowTimeline; a reveal that does not
 * verify shows nothing and is reported as `reveal-alarm`.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  EnvelopeFrame,
  GatewayStatusEvent,
  JuryProgressEvent,
  LiveClientEvents,
  LiveServerEvents,
  RevealAlarmEvent,
  RevealAlarmReport,
  RevealedEvent,
  PresenterMessageEvent,
  DeliberationFrame,
  RevealedV2Frame,
  SceneEvent,
  ScreenPresence,
  SealedEvent,
  SnapshotEvent,
  SocketVote,
  SocketVoteReply,
  VoteWindowEvent,
} from '@laurel/contracts';
import type { EnvelopeStore } from './envelope-store.js';
import { openRevealFrame } from './reveal-open.js';
import type { RevealInput, ShowTimeline, TimelineView } from './show-timeline.js';

/** A snapshot as v1 and v2 send it (v2 adds the staged envelopes of the socket's audience). */
export type LiveSnapshot = SnapshotEvent & { v?: 2; envelopes?: EnvelopeFrame[] };

/** Server → client frames of both protocol versions (v2 adds `envelope`, `alarm` and the key-only `revealed`). */
type ServerEvents = Omit<LiveServerEvents, 'revealed' | 'snapshot'> & {
  snapshot: (payload: LiveSnapshot) => void;
  revealed: (payload: RevealedEvent | RevealedV2Frame) => void;
  envelope: (payload: EnvelopeFrame) => void;
  alarm: (payload: RevealAlarmEvent) => void;
};
type ClientEvents = LiveClientEvents & { 'reveal-alarm': (report: RevealAlarmReport) => void };

function isV2(r: RevealedEvent | RevealedV2Frame): r is RevealedV2Frame {
  return (r as { v?: unknown }).v === 2;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'auth-error';

/** Local monotonic-ish wall clock (immune to system clock jumps during a page's life). */
export function localNow(): number {
  return performance.timeOrigin + performance.now();
}

interface ClockSample {
  offset: number;
  rtt: number;
  at: number;
}

/** Gateway clock estimate: keeps recent samples and trusts the one with the smallest round trip. */
export class Clock {
  private samples: ClockSample[] = [];
  private rough: number | null = null;
  static readonly WINDOW_MS = 10 * 60_000;

  add(clientSentAt: number, serverTime: number, receivedAt: number): void {
    const rtt = receivedAt - clientSentAt;
    if (!(rtt >= 0) || !Number.isFinite(serverTime)) return;
    this.samples.push({ offset: serverTime - (clientSentAt + receivedAt) / 2, rtt, at: receivedAt });
    const cutoff = receivedAt - Clock.WINDOW_MS;
    this.samples = this.samples.filter((s) => s.at >= cutoff).slice(-40);
  }

  /** A first, rough sample (e.g. snapshot.serverTime) used only until a real ping answers. */
  addRough(serverTime: number): void {
    if (Number.isFinite(serverTime)) this.rough = serverTime - localNow();
  }

  private best(): ClockSample | null {
    let best: ClockSample | null = null;
    for (const s of this.samples) if (!best || s.rtt < best.rtt) best = s;
    return best;
  }

  /** serverTime − localTime in ms. */
  get offset(): number {
    return this.best()?.offset ?? this.rough ?? 0;
  }

  get rtt(): number | null {
    return this.best()?.rtt ?? null;
  }

  serverNow(): number {
    return localNow() + this.offset;
  }

  /** Gateway time (ms or ISO) → local performance-based time. */
  toLocal(server: number | string): number {
    const ms = typeof server === 'string' ? Date.parse(server) : server;
    return ms - this.offset;
  }
}

/**
 * Run `fn` when the gateway clock reaches `serverAt`: a coarse setTimeout, then requestAnimationFrame
 * so the flip lands on the first frame at or after the instant. Returns a cancel function.
 */
export function atServerTime(clock: Clock, serverAt: number | string, fn: () => void, maxWaitMs = 15_000): () => void {
  const target = typeof serverAt === 'string' ? Date.parse(serverAt) : serverAt;
  let cancelled = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let raf = 0;
  const fire = (): void => {
    if (cancelled) return;
    cancelled = true;
    fn();
  };
  if (!Number.isFinite(target)) {
    fire();
    return () => undefined;
  }
  const delay = Math.min(target - clock.serverNow(), maxWaitMs);
  const frame = (): void => {
    if (cancelled) return;
    if (clock.serverNow() >= target - 8 || document.hidden) fire();
    else raf = requestAnimationFrame(frame);
  };
  if (delay <= 0) {
    fire();
  } else {
    timer = setTimeout(() => {
      if (document.hidden) fire();
      else raf = requestAnimationFrame(frame);
    }, Math.max(0, delay - 30));
  }
  return () => {
    cancelled = true;
    if (timer) clearTimeout(timer);
    if (raf) cancelAnimationFrame(raf);
  };
}

export interface LiveHandlers {
  connection?(state: ConnectionState, message?: string): void;
  snapshot?(s: LiveSnapshot): void;
  /** Only scenes newer than the last one held (seq filter applied). */
  scene?(s: SceneEvent): void;
  /** A v1 `revealed` frame as it came (the control room's delivery figures). */
  revealed?(r: RevealedEvent, receivedServerTime: number): void;
  /** A reveal for the ShowTimeline: a v1 `revealed` frame, or a v2 one whose envelope opened and verified. */
  reveal?(r: RevealInput): void;
  /** A v2 reveal that did not open or verify: nothing is shown, the gateway got a `reveal-alarm`. */
  revealRefused?(categoryId: string, reason: string): void;
  /** A v2 envelope arrived (kept in the store already). */
  envelope?(e: EnvelopeFrame): void;
  /** `alarm` (producer): a client could not open or verify a reveal. */
  alarm?(a: RevealAlarmEvent): void;
  sealed?(s: SealedEvent): void;
  juryProgress?(p: JuryProgressEvent): void;
  screens?(p: { ceremonyId: string; screens: ScreenPresence[] }): void;
  gatewayStatus?(s: GatewayStatusEvent): void;
  /** `presenter-message` (screens, producers, admins): the latest replaces the one before; `text: ''` clears. */
  presenterMessage?(m: PresenterMessageEvent): void;
  /** `deliberation` (jurors who may read that thread only): a nominee's thread changed; fetch it. */
  deliberation?(d: DeliberationFrame): void;
  /** `vote`: an audience vote opened, closed or was sealed; turnout for crew and screens (null for the rest). */
  vote?(v: VoteWindowEvent): void;
}

export interface LiveOptions {
  ceremony: string;
  token: string | null;
  /** When set, a `presence` report is sent every 5 s (stage screens, presenter monitor). */
  presenceLabel?: string;
  /** Join the rehearsal show (crew roles only: producer, screen, admin). */
  rehearsal?: boolean;
  /** Speak protocol v2: the page's envelopes (per ceremony and audience). */
  envelopes?: EnvelopeStore;
  handlers: LiveHandlers;
}

export class LiveClient {
  readonly clock = new Clock();
  lastSeq = 0;
  state: ConnectionState = 'connecting';
  stale = false;
  private socket: Socket<ServerEvents, ClientEvents>;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private sessionEnded = false;
  private presenceTimer: ReturnType<typeof setInterval> | null = null;
  private seenReveals = new Set<string>();

  constructor(private readonly opts: LiveOptions) {
    const auth: { ceremony: string; token?: string; rehearsal?: boolean; label?: string; v?: 2 } = { ceremony: opts.ceremony };
    if (opts.token) auth.token = opts.token;
    if (opts.envelopes) auth.v = 2;
    if (opts.rehearsal) auth.rehearsal = true;
    if (opts.presenceLabel) auth.label = opts.presenceLabel;
    this.socket = io('/live', {
      auth,
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      randomizationFactor: 0.3,
      timeout: 8000,
      autoConnect: false,
    });
    this.wire();
  }

  start(): void {
    this.setState('connecting');
    this.socket.connect();
    if (this.opts.presenceLabel) {
      this.presenceTimer = setInterval(() => this.sendPresence(), 5000);
    }
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  private setState(s: ConnectionState, message?: string): void {
    this.state = s;
    this.opts.handlers.connection?.(s, message);
  }

  private wire(): void {
    const s = this.socket;
    const h = this.opts.handlers;
    s.on('connect', () => {
      this.setState('connected');
      this.syncClock(5);
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.syncClock(1), 30_000);
    });
    s.on('disconnect', (reason) => {
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      // Ended by the gateway (token revoked or expired): the auth error stays on screen, no retry.
      if (this.sessionEnded) return;
      this.setState('reconnecting', reason);
      // The server closed us otherwise: try again; a rejected handshake then says why.
      if (reason === 'io server disconnect') setTimeout(() => s.connect(), 1000);
    });
    s.on('session-ended', ({ reason }) => {
      // Token revoked or expired: say so at once instead of looking like a network drop.
      this.sessionEnded = true;
      this.setState('auth-error', reason);
    });
    s.on('connect_error', (err: Error & { data?: { message?: string; statusCode?: number; retryAfter?: number } }) => {
      if (err.data?.statusCode === 429) {
        // Over the gateway's handshake budget: not an auth error, try again once the budget is back (spread out).
        this.setState('reconnecting', err.message);
        const seconds = typeof err.data.retryAfter === 'number' && err.data.retryAfter > 0 ? err.data.retryAfter : 10;
        setTimeout(() => s.connect(), (seconds + Math.random() * 5) * 1000);
      } else if (!s.active) {
        // The gateway refused the handshake: bad, expired or revoked token. Never downgrade silently.
        const message = err.data?.message ?? err.message;
        this.setState('auth-error', message);
      } else {
        this.setState('reconnecting', err.message);
      }
    });
    s.on('snapshot', (snap) => {
      // On (re)connect the snapshot is the truth.
      this.lastSeq = snap.scene?.seq ?? 0;
      this.stale = !!snap.stale;
      if (typeof snap.serverTime === 'number') this.clock.addRough(snap.serverTime);
      for (const r of snap.results ?? []) this.seenReveals.add(`${r.categoryId}:${r.seq}`);
      if (snap.envelopes?.length) this.opts.envelopes?.put(snap.envelopes);
      // A revealed category's envelope has done its job: the snapshot carries its plaintext from now on.
      if (snap.results?.length) this.opts.envelopes?.drop(snap.results.map((r) => r.categoryId));
      h.snapshot?.(snap);
      this.sendPresence();
    });
    s.on('scene', (scene) => {
      if (typeof scene.seq !== 'number' || scene.seq <= this.lastSeq) return;
      this.lastSeq = scene.seq;
      h.scene?.(scene);
    });
    s.on('revealed', (r) => {
      const key = `${r.categoryId}:${r.seq}`;
      if (this.seenReveals.has(key)) return;
      this.seenReveals.add(key);
      if (isV2(r)) {
        this.onRevealV2(r);
        return;
      }
      h.revealed?.(r, this.clock.serverNow());
      const { showAt, ...result } = r;
      h.reveal?.({ result, seq: r.seq, showAt: Date.parse(showAt), rehearsal: r.rehearsal });
    });
    s.on('envelope', (e) => {
      this.opts.envelopes?.put([e]);
      h.envelope?.(e);
    });
    s.on('alarm', (a) => h.alarm?.(a));
    s.on('presenter-message', (m) => h.presenterMessage?.(m));
    s.on('sealed', (e) => h.sealed?.(e));
    s.on('jury-progress', (e) => h.juryProgress?.(e));
    s.on('deliberation', (e) => h.deliberation?.(e));
    s.on('vote', (e) => h.vote?.(e));
    s.on('screens', (e) => h.screens?.(e));
    s.on('gateway-status', (e) => {
      this.stale = !!e.stale;
      h.gatewayStatus?.(e);
    });
  }

  /** A key-only reveal: open the held envelope, verify, hand over; nothing is shown unless it verifies. */
  private onRevealV2(frame: RevealedV2Frame): void {
    const store = this.opts.envelopes;
    const h = this.opts.handlers;
    // No winner scene follows on v2: the reveal's seq is the winner scene's.
    if (typeof frame.seq === 'number' && frame.seq > this.lastSeq) this.lastSeq = frame.seq;
    const out = openRevealFrame(frame, store?.get(frame.categoryId), store?.audience ?? 'public');
    if (out.ok) {
      h.reveal?.(out.reveal);
      store?.drop([frame.categoryId]);
      return;
    }
    if (out.missing) {
      // Joined late or storage wiped: the snapshot after the reveal carries the plaintext. Fetch it once the
      // flip is due, spread out so that many such clients do not reconnect at once.
      const wait = Math.max(0, this.clock.toLocal(frame.showAt) - localNow()) + 200 + Math.random() * 800;
      setTimeout(() => this.resync(), wait);
      return;
    }
    if (this.socket.connected) this.socket.emit('reveal-alarm', { categoryId: frame.categoryId, reason: out.reason });
    h.revealRefused?.(frame.categoryId, out.reason);
  }

  /** Tell the gateway (→ the control room's `alarm`) that a reveal did not verify here. */
  reportAlarm(categoryId: string, reason: string): void {
    if (this.socket.connected) this.socket.emit('reveal-alarm', { categoryId, reason });
  }

  /** A fresh snapshot: reconnect (the snapshot is the truth). */
  resync(): void {
    if (!this.socket.connected) return;
    this.socket.disconnect();
    this.socket.connect();
  }

  private syncClock(samples: number): void {
    let n = 0;
    const one = (): void => {
      if (!this.socket.connected) return;
      const sent = localNow();
      this.socket.timeout(4000).emit('clock:ping', sent, (err: Error | null, reply?: { clientSentAt: number; serverTime: number }) => {
        if (err || !reply) return;
        this.clock.add(reply.clientSentAt ?? sent, reply.serverTime, localNow());
      });
      if (++n < samples) setTimeout(one, 120);
    };
    one();
  }

  sendPresence(): void {
    if (!this.opts.presenceLabel || !this.socket.connected) return;
    this.socket.emit('presence', { lastSeq: this.lastSeq, label: this.opts.presenceLabel });
  }

  /**
   * An audience vote over the open socket (`vote:cast`): REST's answer as status and body, or null when the socket is
   * not connected or no answer came in time (then the caller votes over REST; a vote that did land is answered 409
   * "already voted" there).
   */
  castVote(vote: SocketVote, timeoutMs = 5000): Promise<SocketVoteReply | null> {
    if (!this.socket.connected) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.socket.timeout(timeoutMs).emit('vote:cast', vote, (err: Error | null, reply?: SocketVoteReply) => resolve(err || !reply ? null : reply));
    });
  }

  close(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.socket.close();
  }
}

/**
 * Drives a page's ShowTimeline with the gateway clock: after every input (and at every flip it asks for) it
 * renders the timeline's view and schedules one wake-up for the next flip. The page keeps no timers of its own.
 */
export class TimelineDriver {
  private cancel: (() => void) | null = null;

  constructor(
    readonly timeline: ShowTimeline,
    private readonly clock: Clock,
    private readonly render: (view: TimelineView) => void,
  ) {}

  /** Gateway time now (what the timeline's inputs carry). */
  now(): number {
    return this.clock.serverNow();
  }

  /** A snapshot in, then what is due now rendered: the pages feed the timeline through these three. */
  snapshot(snap: Parameters<ShowTimeline['snapshot']>[0]): void {
    this.timeline.snapshot(snap, this.now());
    this.update();
  }

  scene(scene: Parameters<ShowTimeline['scene']>[0]): void {
    this.timeline.scene(scene, this.now());
    this.update();
  }

  reveal(reveal: RevealInput): void {
    this.timeline.reveal(reveal, this.now());
    this.update();
  }

  /** Render what is due now; `due` is the flip instant that woke us (never render earlier than it). */
  update(due?: number): void {
    this.cancel?.();
    this.cancel = null;
    const view = this.timeline.view(due === undefined ? this.clock.serverNow() : Math.max(due, this.clock.serverNow()));
    this.render(view);
    const next = view.nextFlipAt;
    if (next !== null) this.cancel = atServerTime(this.clock, next, () => this.update(next));
  }
}
