import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { arm, disarm, initialState, onDisconnect, onGatewayStatus, onProgress, onRevealed, onScene, onSealed, onSnapshot, type ShowState } from './show-state.js';
import { feedbackState } from './view.js';
import type { CueAction, CueAnswer, CueBody, ErrorBody, SceneKind, VoteCueAction, VoteCueAnswer, WireGatewayStatus, WireJuryProgress, WireRevealed, WireScene, WireSealed, WireSnapshot } from './wire.js';

export interface LaurelTarget {
  /** The gateway's origin, e.g. http://laurel.local:3000 */
  base: string;
  /** The ceremony's slug or id. */
  ceremony: string;
  token: string;
  /** Follow and cue the rehearsal instead of the live show. */
  rehearsal: boolean;
}

/**
 * The connection settings as the operator typed them: the Laurel URL may be the gateway's address or any
 * page of the ceremony (…/control/<slug>), in which case the ceremony is taken from it when not given.
 */
export function parseTarget(config: { url?: string; ceremony?: string; token?: string; rehearsal?: boolean }): LaurelTarget | { problem: string } {
  let url: URL;
  try {
    url = new URL((config.url ?? '').trim());
  } catch {
    return { problem: 'Laurel URL is not a URL (e.g. http://laurel.local:3000)' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'Laurel URL must start with http:// or https://' };
  const fromPath = /^\/(?:control|stage|presenter|press|c)\/([^/]+)/.exec(url.pathname)?.[1];
  const ceremony = (config.ceremony ?? '').trim() || (fromPath ? decodeURIComponent(fromPath) : '');
  if (!ceremony) return { problem: 'Ceremony is missing (its slug, e.g. kvalitetsmassan-2017, or a control-room URL)' };
  const token = (config.token ?? '').trim();
  if (!token) return { problem: 'Producer token is missing' };
  return { base: url.origin, ceremony, token, rehearsal: config.rehearsal === true };
}

export interface CueOutcome {
  ok: boolean;
  /** 200 (on screens) or 202 (committed, not on screens yet), or the refusal's status (409 stale or refused by the show), or 0 for no answer. */
  status: number;
  message: string;
  scene?: WireScene;
}

/**
 * The module's connection to Laurel: the producer's socket (push; snapshot on every reconnect) and the
 * cue endpoint. Every cue carries the seq of the scene on the buttons (`expectedSeq`), so a press made on a
 * stale view is refused and the buttons jump to the scene on stage, and an idempotency key, reused when
 * a press is retried after no answer (so a retry never applies twice).
 */
export class LaurelClient {
  state: ShowState = initialState();
  /** The producer socket (open for diagnostics and tests: a test cuts it to make the view stale). */
  socket: Socket | null = null;

  constructor(
    private readonly target: LaurelTarget,
    private readonly onChange: (state: ShowState) => void,
    private readonly log: (level: 'info' | 'warn', message: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    const socket = io(`${this.target.base}/live`, {
      auth: { token: this.target.token, ceremony: this.target.ceremony, rehearsal: this.target.rehearsal, label: 'Companion' },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 3000,
    });
    this.socket = socket;
    socket.on('snapshot', (s: WireSnapshot) => this.update(onSnapshot(this.state, s, this.now())));
    socket.on('scene', (s: WireScene) => this.update(onScene(this.state, s, this.now())));
    socket.on('revealed', (r: WireRevealed) => this.update(onRevealed(this.state, r, this.now())));
    socket.on('jury-progress', (p: WireJuryProgress) => this.update(onProgress(this.state, p, this.now())));
    socket.on('sealed', (s: WireSealed) => this.update(onSealed(this.state, s, this.now())));
    socket.on('gateway-status', (g: WireGatewayStatus) => this.update(onGatewayStatus(this.state, g)));
    socket.on('disconnect', () => this.update(onDisconnect(this.state)));
    socket.on('connect_error', (error: Error) => {
      this.log('warn', `Laurel refused the connection: ${error.message}`);
      this.update({ ...onDisconnect(this.state), lastOutcome: `offline: ${error.message}` });
    });
    socket.on('session-ended', (e: { reason: string }) => this.update({ ...onDisconnect(this.state), lastOutcome: `session ended: ${e.reason}` }));
  }

  stop(): void {
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.socket = null;
  }

  private update(state: ShowState): void {
    this.state = state;
    this.onChange(state);
  }

  /** A cue against the scene on the buttons. A refusal updates the buttons (a stale press shows the scene on stage). */
  async cue(action: CueAction, extra: { categoryId?: string; scene?: SceneKind } = {}): Promise<CueOutcome> {
    const body: CueBody = { action, ...extra, idempotencyKey: randomUUID(), rehearsal: this.target.rehearsal || undefined };
    if (this.state.scene) body.expectedSeq = this.state.scene.seq;
    let answer: { status: number; body: unknown } | null = null;
    for (let attempt = 0; attempt < 2 && answer === null; attempt++) {
      try {
        answer = await this.post(`/api/v1/ceremonies/${encodeURIComponent(this.target.ceremony)}/show/cues`, body);
        // No answer from the gateway (5xx from a proxy): the same key again is safe.
        if (answer.status >= 502 && attempt === 0) answer = null;
      } catch (error) {
        if (attempt === 1) answer = { status: 0, body: { message: (error as Error).message } };
      }
    }
    const outcome = this.outcomeOf(action, answer!);
    if (outcome.scene) this.state = onScene(this.state, outcome.scene, this.now());
    this.update({ ...this.state, lastOutcome: outcome.message });
    return outcome;
  }

  /**
   * Opens or closes a category's audience vote (the run of show's vote cues). No expectedSeq (a vote cue changes no
   * scene) and never in rehearsal (the audience vote has none): refused here before anything is sent.
   */
  async voteCue(action: VoteCueAction, categoryId: string, durationSeconds?: number): Promise<CueOutcome> {
    let outcome: CueOutcome;
    if (this.target.rehearsal) outcome = { ok: false, status: 0, message: `${action} refused: the audience vote has no rehearsal (this deck drives the rehearsal)` };
    else if (!categoryId) outcome = { ok: false, status: 0, message: `${action} refused: no category set on the button` };
    else {
      const body: CueBody = { action, categoryId, idempotencyKey: randomUUID(), ...(action === 'vote-open' ? { durationSeconds } : {}) };
      let answer: { status: number; body: unknown };
      try {
        answer = await this.post(`/api/v1/ceremonies/${encodeURIComponent(this.target.ceremony)}/show/cues`, body);
      } catch (error) {
        answer = { status: 0, body: { message: (error as Error).message } };
      }
      if (answer.status === 200) {
        const vote = (answer.body as VoteCueAnswer).vote;
        const until = vote.closesAt ? new Date(vote.closesAt).toTimeString().slice(0, 8) : '';
        outcome = { ok: true, status: 200, message: vote.state === 'open' ? `vote open until ${until}` : `vote ${vote.state}` };
      } else {
        outcome = { ok: false, status: answer.status, message: `${action} refused: ${(answer.body as Partial<ErrorBody>).message ?? `HTTP ${answer.status}`}` };
      }
    }
    this.update({ ...this.state, lastOutcome: outcome.message });
    return outcome;
  }

  private outcomeOf(action: CueAction, answer: { status: number; body: unknown }): CueOutcome {
    // 202: committed, but not on the screens yet (JetStream not taking writes); it goes out later. Never re-press it with a new key.
    if (answer.status === 200 || answer.status === 202) {
      const ok = answer.body as CueAnswer;
      return { ok: true, status: answer.status, message: `${action} → seq ${ok.seq}${answer.status === 202 ? ' (not on screens yet)' : ''}`, scene: ok.scene };
    }
    const error = answer.body as Partial<ErrorBody>;
    const details = error.details as { scene?: WireScene; seq?: number } | undefined;
    if (answer.status === 409 && details?.scene) {
      return { ok: false, status: 409, message: `not applied: the show had moved on (seq ${details.seq ?? details.scene.seq})`, scene: details.scene };
    }
    return { ok: false, status: answer.status, message: `${action} refused: ${error.message ?? `HTTP ${answer.status}`}` };
  }

  private async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.target.base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.target.token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    let parsed: unknown = { message: text.slice(0, 200) };
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text as the message
    }
    return { status: res.status, body: parsed };
  }

  /** Arms the reveal of the envelope on stage (step one of two). */
  arm(): boolean {
    const { state, refused } = arm(this.state);
    this.update({ ...state, lastOutcome: refused ?? `armed: ${state.armed!.name}` });
    return !refused;
  }

  disarm(): void {
    this.update({ ...disarm(this.state), lastOutcome: 'disarmed' });
  }

  /** Step two: reveals the armed category, only while it is the envelope on stage. */
  async confirmReveal(): Promise<CueOutcome> {
    const armed = this.state.armed;
    if (!armed || !feedbackState.armedMatchesStage(this.state)) {
      const message = armed ? `not revealed: ${armed.name} is not the envelope on stage` : 'not revealed: arm first';
      this.update({ ...disarm(this.state), lastOutcome: message });
      return { ok: false, status: 0, message };
    }
    const outcome = await this.cue('reveal', { categoryId: armed.categoryId });
    if (outcome.ok) this.update(disarm(this.state));
    return outcome;
  }
}
