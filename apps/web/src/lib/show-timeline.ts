/**
 * ShowTimeline: the one rule, shared by the stage, presenter, public and press pages, for what is on screen
 * and when it flips. Pure (no DOM, no timers, no clock of its own): every input carries `now`, the gateway's
 * clock in epoch ms as the page's LiveClient estimates it; `view(now)` answers the scene to render now, the
 * results visible now, and the gateway time of the next flip (the page schedules one wake-up for it).
 *
 * Inputs: a (re)connect snapshot (the truth), scene frames (already seq-filtered by LiveClient), reveals
 * (a v1 `revealed` frame, a v2 envelope opened by its key, or a key card typed on the stage), and archive
 * results fetched over REST. A winner is never visible before its `showAt`.
 */
import type { RevealedEvent, SceneData, SceneEvent, SnapshotEvent } from '@laurel/contracts';

export type Result = Omit<RevealedEvent, 'showAt'>;

/** A v1 winner scene that arrives without `showAt` waits this long for its `revealed` frame (which has it). */
export const REVEAL_GRACE_MS = 300;
/** A flip this close ahead counts as due: the page wakes on the animation frame just before the instant. */
export const FLIP_TOLERANCE_MS = 8;

export interface TimelineOptions {
  /** Public and press pages: rehearsal scenes and results never count (they are not sent there anyway). */
  liveOnly?: boolean;
}

export interface RevealInput {
  result: Result;
  /** The seq of the reveal's winner scene. */
  seq: number;
  /** Gateway time (epoch ms) at which every screen flips. */
  showAt: number;
  rehearsal: boolean;
  /** The winner scene's data as the envelope carries it (v2, screen audience); built from the last scene otherwise. */
  winnerData?: SceneData;
  /** Revealed on this page from a key card, not (yet) by the system. */
  local?: boolean;
}

export interface TimelineResult {
  result: Result;
  /** When it became visible on this page (gateway ms); null when it was already revealed as the page learnt it. */
  at: number | null;
}

export interface TimelineView {
  /** The scene to render now; null before any scene is known. */
  scene: SceneEvent | null;
  /** True when `scene` came from a (re)connect snapshot: render without the entrance animation. */
  instant: boolean;
  /** Results visible now, in the order they became visible. */
  results: TimelineResult[];
  /** The newest visible result. */
  latest: Result | null;
  /** Gateway time of the next flip, or null when nothing is scheduled. */
  nextFlipAt: number | null;
  /** A category whose winner is held back until `nextFlipAt`. */
  pendingCategoryId: string | null;
}

interface Shown {
  scene: SceneEvent;
  instant: boolean;
}

interface Entry {
  result: Result;
  at: number | null;
  /** Tie-break for the order of results known from a snapshot. */
  order: number;
}

export class ShowTimeline {
  private current: Shown | null = null;
  private pending: { scene: SceneEvent; at: number } | null = null;
  private readonly entries = new Map<string, Entry>();
  private readonly revealTimes = new Map<string, number>();
  private readonly local = new Map<string, RevealInput>();
  private lastData: SceneData | null = null;
  private counter = 0;

  constructor(private readonly opts: TimelineOptions = {}) {}

  /** A (re)connect snapshot is the truth: its scene and its results replace what the page held. */
  snapshot(snap: Pick<SnapshotEvent, 'ceremonyId' | 'scene' | 'results'>, now: number): void {
    this.pending = null;
    this.entries.clear();
    for (const r of snap.results ?? []) this.learn(r, null);
    // A reveal made from a key card that the system has not applied yet stays on screen.
    for (const [categoryId, input] of this.local) {
      if (this.entries.has(categoryId)) this.local.delete(categoryId);
      else this.learn(input.result, input.showAt);
    }
    const s = snap.scene && !this.skip(snap.scene) ? snap.scene : null;
    if (!s) return;
    if (s.data) this.lastData = s.data;
    if (s.kind === 'winner' && s.categoryId && s.data?.result) {
      const showAt = sceneShowAt(s) ?? this.revealTimes.get(s.categoryId);
      if (showAt !== undefined && showAt > now + FLIP_TOLERANCE_MS) {
        // Joined between the cue and the flip: hold the winner back like everyone else.
        this.entries.delete(s.categoryId);
        this.learn(s.data.result, showAt);
        this.pending = { scene: s, at: showAt };
        if (!this.current) this.current = { scene: { ...s, kind: 'envelope', data: withoutResult(s.data) }, instant: true };
        return;
      }
    }
    const held = s.kind === 'envelope' && s.categoryId ? this.local.get(s.categoryId) : undefined;
    if (held) {
      this.current = { scene: this.winnerScene(held, s.seq), instant: true };
      return;
    }
    if (this.current && sameScene(this.current.scene, s)) {
      // The scene already on screen (a reconnect): keep it untouched, no new entrance.
      return;
    }
    this.current = { scene: s, instant: true };
    if (s.data?.result && !this.entries.has(s.data.result.categoryId)) this.learn(s.data.result, null);
  }

  /** A scene frame (newer seq than the last one held). */
  scene(s: SceneEvent, now: number): void {
    if (this.skip(s)) return;
    if (s.data?.reset) {
      // Rehearsal reset: the rehearsal's results so far are void.
      for (const [k, e] of this.entries) if (e.result.rehearsal) this.entries.delete(k);
      for (const [k, e] of this.local) if (e.rehearsal) this.local.delete(k);
    }
    if (this.pending && s.seq === this.pending.scene.seq) {
      // The authoritative scene for a reveal already held: keep its flip time, take its data.
      this.pending.scene = s;
      return;
    }
    if (this.current && s.seq <= this.current.scene.seq) return;
    const cur = this.current?.scene;
    if (cur && s.kind === 'winner' && cur.kind === 'winner' && cur.categoryId === s.categoryId) {
      // The system confirms a winner already on screen (a key card's reveal): same picture, no new entrance.
      cur.seq = s.seq;
      this.local.delete(s.categoryId ?? '');
      return;
    }
    if (s.kind === 'winner' && s.categoryId && s.data?.result) {
      const showAt = sceneShowAt(s) ?? this.revealTimes.get(s.categoryId) ?? now + REVEAL_GRACE_MS;
      this.learn(s.data.result, showAt);
      this.pending = { scene: s, at: showAt };
      return;
    }
    this.pending = null;
    this.show(s, now);
  }

  /** A reveal: a v1 `revealed` frame, a v2 envelope opened by its key, or a key card typed on this page. */
  reveal(input: RevealInput, now: number): void {
    if (this.opts.liveOnly && input.rehearsal) return;
    const { categoryId } = input.result;
    if (input.local) this.local.set(categoryId, input);
    else this.local.delete(categoryId);
    const known = this.entries.get(categoryId);
    if (known && (known.at === null || known.at <= now + FLIP_TOLERANCE_MS)) return; // already on screen
    this.revealTimes.set(categoryId, input.showAt);
    this.learn(input.result, input.showAt);
    const cur = this.current?.scene;
    if (cur && (cur.kind === 'winner' || cur.kind === 'motivation') && cur.categoryId === categoryId) return;
    if (this.pending && this.pending.scene.categoryId === categoryId) {
      this.pending.at = input.showAt;
      return;
    }
    if (cur && input.seq <= cur.seq && !input.local) {
      // The show has moved on past this reveal's scene: the result still flips, the scene stays.
      return;
    }
    this.pending = { scene: this.winnerScene(input, input.seq), at: input.showAt };
  }

  /** Results already revealed, fetched over REST (the archive): visible at once, never re-flipped. */
  archive(results: readonly Result[]): void {
    for (const r of results) if (!this.entries.has(r.categoryId)) this.learn(r, null);
  }

  /** Card reveals not yet confirmed by the system (to report when the network is back). */
  localReveals(): RevealInput[] {
    return [...this.local.values()];
  }

  /** What to render at gateway time `now`, and when the next flip is due. */
  view(now: number): TimelineView {
    if (this.pending && this.pending.at <= now + FLIP_TOLERANCE_MS) {
      const s = this.pending.scene;
      this.pending = null;
      this.show(s, now);
    }
    const visible = [...this.entries.values()].filter((e) => this.skipResult(e.result) === false && (e.at === null || e.at <= now + FLIP_TOLERANCE_MS));
    visible.sort((a, b) => key(a) - key(b) || a.order - b.order);
    let next: number | null = this.pending?.at ?? null;
    for (const e of this.entries.values()) if (e.at !== null && e.at > now + FLIP_TOLERANCE_MS && (next === null || e.at < next)) next = e.at;
    return {
      scene: this.current?.scene ?? null,
      instant: this.current?.instant ?? false,
      results: visible.map((e) => ({ result: e.result, at: e.at })),
      latest: visible.length ? visible[visible.length - 1].result : null,
      nextFlipAt: next,
      pendingCategoryId: this.pending?.scene.categoryId ?? null,
    };
  }

  private show(s: SceneEvent, now: number): void {
    this.current = { scene: s, instant: false };
    if (s.data) this.lastData = s.data;
    if (s.data?.result) {
      const known = this.entries.get(s.data.result.categoryId);
      if (!known) this.learn(s.data.result, now);
      else if (known.at !== null && known.at > now) known.at = now;
    }
  }

  private learn(result: Result, at: number | null): void {
    if (this.skipResult(result)) return;
    this.entries.set(result.categoryId, { result, at, order: this.counter++ });
  }

  private winnerScene(input: RevealInput, seq: number): SceneEvent {
    const { result } = input;
    const base = this.lastData;
    const sameCategory = base?.category?.id === result.categoryId;
    const data: SceneData = input.winnerData
      ? { ...input.winnerData, result }
      : {
          ceremony: base?.ceremony ?? { id: result.ceremonyId, slug: '', name: '', venue: null, date: null, locale: 'sv-SE', host: null },
          category: sameCategory ? base?.category : undefined,
          nominees: sameCategory ? base?.nominees : undefined,
          result,
        };
    return { ceremonyId: result.ceremonyId, seq, kind: 'winner', categoryId: result.categoryId, data, at: result.revealedAt, rehearsal: input.rehearsal, showAt: new Date(input.showAt).toISOString() };
  }

  private skip(s: SceneEvent): boolean {
    return !!this.opts.liveOnly && s.rehearsal;
  }

  private skipResult(r: Result): boolean {
    return !!this.opts.liveOnly && r.rehearsal;
  }
}

function key(e: Entry): number {
  return e.at ?? Date.parse(e.result.revealedAt);
}

function sceneShowAt(s: SceneEvent): number | undefined {
  if (typeof s.showAt !== 'string') return undefined;
  const ms = Date.parse(s.showAt);
  return Number.isFinite(ms) ? ms : undefined;
}

function sameScene(a: SceneEvent, b: SceneEvent): boolean {
  return a.seq === b.seq && a.kind === b.kind && a.categoryId === b.categoryId;
}

function withoutResult(d: SceneData): SceneData {
  const { result: _result, ...rest } = d;
  return rest;
}
