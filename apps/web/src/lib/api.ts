/** Typed REST client for `/api/v1` (contract v1). Errors surface the server's `message`. */
import type { CeremonyView, PresenterMessageEvent, RevealedEvent, SceneEvent, SceneKind, SealedToPage } from '@laurel/contracts';

export const API_BASE = '/api/v1';

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly network = false,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get fieldProblems(): FieldProblem[] {
    return Array.isArray(this.details)
      ? (this.details as unknown[]).filter((d): d is FieldProblem => typeof d === 'object' && d !== null && 'path' in d && 'message' in d)
      : [];
  }

  get tied(): string[] | null {
    const d = this.details as { tied?: unknown } | undefined;
    return d && Array.isArray(d.tied) ? (d.tied as string[]) : null;
  }
}

export type CueAction = 'next' | 'prev' | 'goto' | 'blackout' | 'resume' | 'reveal';
export interface CueBody {
  action: CueAction;
  categoryId?: string;
  scene?: SceneKind;
  idempotencyKey: string;
  /** Cue the rehearsal show instead of the live one. */
  rehearsal?: boolean;
  /** The seq this operator sees: a cue after another operator's is refused (409 stale, details = StaleCueDetails). */
  expectedSeq?: number;
}

export class Api {
  constructor(private readonly token: string | null) {}

  async request<T>(method: string, path: string, body?: unknown, init?: { raw?: boolean; headers?: Record<string, string> }): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...init?.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${API_BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, err instanceof Error ? err.message : String(err), undefined, true);
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const b = (json ?? {}) as { message?: unknown; details?: unknown };
      const message = typeof b.message === 'string' ? b.message : Array.isArray(b.message) ? b.message.join('; ') : `${res.status} ${res.statusText}`;
      throw new ApiError(res.status, message, b.details, res.status >= 500 && res.status !== 501);
    }
    if (init?.raw) return text as T;
    return json as T;
  }

  ceremony(c: string): Promise<CeremonyView> {
    return this.request('GET', `/ceremonies/${enc(c)}`);
  }
  results(c: string): Promise<Omit<RevealedEvent, 'showAt'>[]> {
    return this.request('GET', `/ceremonies/${enc(c)}/results`);
  }
  /** 200 once the scene is on the screens; 202 (`onScreens: false`) when it is committed but not there yet. */
  cue(c: string, body: CueBody): Promise<{ seq: number; scene: SceneEvent; onScreens?: boolean }> {
    return this.request('POST', `/ceremonies/${enc(c)}/show/cues`, body);
  }
  /** A short message to the presenter monitor ("30 s", "stretch", free text); `''` clears it. */
  presenterMessage(c: string, body: { text: string; tone?: 'info' | 'urgent'; rehearsal?: boolean }): Promise<PresenterMessageEvent> {
    return this.request('POST', `/ceremonies/${enc(c)}/show/presenter-message`, body);
  }
  /** Report a reveal made from a key card (idempotent: the same idempotencyKey answers the first result). */
  cardReveal(c: string, body: { categoryId: string; key: string; idempotencyKey: string }): Promise<unknown> {
    return this.request('POST', `/ceremonies/${enc(c)}/show/card-reveals`, body);
  }
  /** The envelope kit (every staged envelope, no keys), as the file to save. */
  envelopeKit(c: string): Promise<string> {
    return this.request('GET', `/ceremonies/${enc(c)}/envelope-kit`, undefined, { raw: true });
  }
  /** The key cards, sealed end to end to `publicKey` (base64url X25519). */
  keycards(c: string, publicKey: string): Promise<SealedToPage> {
    return this.request('POST', `/ceremonies/${enc(c)}/keycards`, { publicKey });
  }
}

export function enc(s: string): string {
  return encodeURIComponent(s);
}

export function csvUrl(c: string): string {
  return `${API_BASE}/ceremonies/${enc(c)}/results?format=csv`;
}
