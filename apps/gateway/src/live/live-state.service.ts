import { Injectable } from '@nestjs/common';
import type { JuryProgressEvent, RevealedEvent, SceneEvent, SealedEvent, ShowSnapshot } from '#contracts';

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
}

/**
 * The gateway's in-memory view of every show, fed by the KV snapshots and the event stream. Every
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

  /** A reveal not held yet; stamps the moment every screen flips. */
  applyReveal(result: ResultView, showAt: string): RevealedEvent | null {
    const view = this.show(result.ceremonyId, result.rehearsal);
    if (view.results.has(result.categoryId)) return null;
    view.results.set(result.categoryId, result);
    this.get(result.ceremonyId).showAt.set(result.seq, showAt);
    return { ...result, showAt };
  }

  applySeal(seal: SealedEvent): boolean {
    const seals = this.get(seal.ceremonyId).seals;
    if (seals.has(seal.categoryId)) return false;
    seals.set(seal.categoryId, seal);
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
