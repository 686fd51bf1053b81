import { Injectable } from '@nestjs/common';
import { envelopeFrameFor, type EnvelopeAudience, type EnvelopeFrame, type EnvelopeStagedEvent, type JuryProgressEvent, type PresenterMessageEvent, type RevealedEvent, type SceneEvent, type SealedEvent, type ShowSnapshot } from '#contracts';

type ResultView = Omit<RevealedEvent, 'showAt'>;

/** What one show (live or rehearsal) of one ceremony looks like now, as this gateway knows it. */
export interface ShowView {
  scene: SceneEvent | null;
  results: Map<string, ResultView>;
}

interface CeremonyState {
  live: ShowView;
  rehearsal: ShowView;
  seals: Map<string, SealedEvent>;
  progress: Map<string, JuryProgressEvent>;
  /** showAt per revealed seq, so the winner scene of that seq flips with the reveal. */
  showAt: Map<number, string>;
  /** Socket protocol v2: staged envelopes by category (live show only). */
  envelopes: Map<string, EnvelopeStagedEvent>;
  /** Seqs of the live reveals that came with a key: v2 sockets get no winner scene for them. */
  keyedSeqs: Set<number>;
}

/** What a reveal event brings: the result as v1 sends it (no key), and the key when it has one. */
export interface AppliedReveal {
  revealed: RevealedEvent;
  key: string | null;
}

/**
 * The gateway's in-memory view of every show, fed by the event stream (EventFeed; the KV snapshots at cold start). Every
 * apply* says whether the input was new, so replays and duplicates are never pushed twice.
 */
@Injectable()
export class LiveState {
  private readonly ceremonies = new Map<string, CeremonyState>();
  /** Waiters for a scene seq to be held (pushed to this gateway's screens), by ceremony and show. */
  private readonly sceneWaiters = new Set<{ ceremonyId: string; rehearsal: boolean; seq: number; done: () => void }>();

  /**
   * Resolves true once this gateway holds a scene of the show with at least `seq` (it pushes every scene
   * it takes to its screens as it takes it), false after `timeoutMs`.
   */
  waitForScene(ceremonyId: string, rehearsal: boolean, seq: number, timeoutMs: number): Promise<boolean> {
    if ((this.show(ceremonyId, rehearsal).scene?.seq ?? -Infinity) >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        ceremonyId,
        rehearsal,
        seq,
        done: () => {
          clearTimeout(timer);
          this.sceneWaiters.delete(waiter);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.sceneWaiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.sceneWaiters.add(waiter);
    });
  }

  private sceneHeld(ceremonyId: string, rehearsal: boolean, seq: number): void {
    for (const w of this.sceneWaiters) if (w.ceremonyId === ceremonyId && w.rehearsal === rehearsal && seq >= w.seq) w.done();
  }

  private get(ceremonyId: string): CeremonyState {
    let state = this.ceremonies.get(ceremonyId);
    if (!state) {
      state = {
        live: { scene: null, results: new Map() },
        rehearsal: { scene: null, results: new Map() },
        seals: new Map(),
        progress: new Map(),
        showAt: new Map(),
        envelopes: new Map(),
        keyedSeqs: new Set(),
      };
      this.ceremonies.set(ceremonyId, state);
    }
    return state;
  }

  has(ceremonyId: string): boolean {
    return this.ceremonies.has(ceremonyId);
  }

  show(ceremonyId: string, rehearsal: boolean): ShowView {
    const state = this.get(ceremonyId);
    return rehearsal ? state.rehearsal : state.live;
  }

  seals(ceremonyId: string): SealedEvent[] {
    return [...this.get(ceremonyId).seals.values()];
  }

  progress(ceremonyId: string): JuryProgressEvent[] {
    return [...this.get(ceremonyId).progress.values()];
  }

  applySnapshot(snapshot: ShowSnapshot, rehearsal: boolean): boolean {
    const view = this.show(snapshot.ceremonyId, rehearsal);
    let changed = false;
    for (const r of snapshot.results) {
      if (!view.results.has(r.categoryId)) {
        view.results.set(r.categoryId, r);
        changed = true;
      }
    }
    if (snapshot.scene && (!view.scene || snapshot.scene.seq > view.scene.seq)) {
      const showAt = this.get(snapshot.ceremonyId).showAt.get(snapshot.scene.seq);
      view.scene = showAt ? { ...snapshot.scene, showAt } : snapshot.scene;
      changed = true;
      if (this.sceneWaiters.size) this.sceneHeld(snapshot.ceremonyId, rehearsal, snapshot.scene.seq);
    }
    for (const seal of snapshot.seals ?? []) this.applySeal(seal);
    return changed;
  }

  /** A scene newer than the one held; stale or repeated seqs are dropped. */
  applyScene(scene: SceneEvent): SceneEvent | null {
    const view = this.show(scene.ceremonyId, scene.rehearsal);
    if (view.scene && scene.seq <= view.scene.seq) return null;
    if (!view.scene && scene.seq < 0) return null;
    if (scene.data.reset) view.results.clear();
    const showAt = this.get(scene.ceremonyId).showAt.get(scene.seq);
    const stamped = showAt ? { ...scene, showAt } : scene;
    view.scene = stamped;
    if (this.sceneWaiters.size) this.sceneHeld(scene.ceremonyId, !!scene.rehearsal, scene.seq);
    return stamped;
  }

  /**
   * A reveal not held yet; stamps the moment every screen flips. The key (v2) is kept apart from the
   * result, so v1 frames and snapshots stay exactly as they were.
   */
  applyReveal(event: ResultView & { key?: string }, showAt: string): AppliedReveal | null {
    const { key, ...result } = event;
    const view = this.show(result.ceremonyId, result.rehearsal);
    if (view.results.has(result.categoryId)) return null;
    // Older than the scene held (a reveal precedes its winner scene in the stream): the show has moved past
    // it, so it is in the results held, or a rehearsal reset after it dropped it (a replay over a cold start's snapshot).
    if (view.scene && result.seq <= view.scene.seq) return null;
    view.results.set(result.categoryId, result);
    const state = this.get(result.ceremonyId);
    state.showAt.set(result.seq, showAt);
    const keyed = typeof key === 'string' && !result.rehearsal && state.envelopes.has(result.categoryId);
    if (keyed) state.keyedSeqs.add(result.seq);
    return { revealed: { ...result, showAt }, key: keyed ? key : null };
  }

  /** True when the reveal of this seq went to v2 sockets as a key-only frame (they take the winner scene from their envelope). */
  keyedReveal(ceremonyId: string, seq: number): boolean {
    return this.get(ceremonyId).keyedSeqs.has(seq);
  }

  /** A staged envelope not held yet. */
  applyStaged(staged: EnvelopeStagedEvent): boolean {
    const envelopes = this.get(staged.ceremonyId).envelopes;
    if (envelopes.has(staged.categoryId)) return false;
    envelopes.set(staged.categoryId, staged);
    return true;
  }

  /** The staged, not yet revealed envelopes of a ceremony for one audience (a v2 snapshot's `envelopes`). */
  envelopes(ceremonyId: string, audience: EnvelopeAudience): EnvelopeFrame[] {
    const state = this.get(ceremonyId);
    return [...state.envelopes.values()].filter((e) => !state.live.results.has(e.categoryId)).map((e) => envelopeFrameFor(e, audience));
  }

  hasEnvelopes(ceremonyId: string): boolean {
    return this.get(ceremonyId).envelopes.size > 0;
  }

  applySeal(seal: SealedEvent): boolean {
    const seals = this.get(seal.ceremonyId).seals;
    if (seals.has(seal.categoryId)) return false;
    seals.set(seal.categoryId, seal);
    return true;
  }

  /** The presenter monitor's message now, per show (`text: ''` = cleared). */
  private readonly messages = new Map<string, PresenterMessageEvent>();

  presenterMessage(ceremonyId: string, rehearsal: boolean): PresenterMessageEvent | undefined {
    const message = this.messages.get(`${ceremonyId}:${rehearsal}`);
    return message?.text ? message : undefined;
  }

  /** A message newer than the one held (the stream replays in order; a repeat is dropped). */
  applyPresenterMessage(message: PresenterMessageEvent): boolean {
    const key = `${message.ceremonyId}:${message.rehearsal}`;
    const held = this.messages.get(key);
    if (held && (held.id === message.id || held.sentAt > message.sentAt)) return false;
    this.messages.set(key, message);
    return true;
  }

  applyProgress(progress: JuryProgressEvent): boolean {
    const map = this.get(progress.ceremonyId).progress;
    const held = map.get(progress.categoryId);
    if (held && held.locked === progress.locked && held.total === progress.total && held.sealed === progress.sealed) return false;
    map.set(progress.categoryId, progress);
    return true;
  }
}
