import type { WireGatewayStatus, WireJuryProgress, WireRevealed, WireScene, WireSealed, WireSnapshot } from './wire.js';

/**
 * What the module knows of the show, as the producer's socket pushed it. Pure: every input returns a
 * new state (no I/O, no clock of its own: `now` is passed in), so the feedbacks and variables are plain
 * functions of it and are unit-tested without Companion or a gateway.
 */
export interface ShowState {
  /** The socket is connected and has had its snapshot. */
  connected: boolean;
  /** The gateway says it lost NATS: what it shows may be behind. */
  gatewayStale: boolean;
  scene: WireScene | null;
  /** Jury progress per category id (locked/total, sealed). */
  progress: Record<string, WireJuryProgress>;
  /** Categories revealed so far. */
  revealed: string[];
  /** Gateway clock minus ours (ms), from the snapshot: the show clock reads in server time. */
  clockOffsetMs: number;
  /** The reveal armed on this deck (a local two-step guard: arm, then confirm), or null. */
  armed: { categoryId: string; name: string } | null;
  /** The last cue's outcome, for the status line ("stale: show moved to seq 12", "next ok"). */
  lastOutcome: string;
  /** When the last frame came (our clock, ms), to tell a quiet socket from a dead one. */
  lastFrameAt: number;
}

export function initialState(): ShowState {
  return { connected: false, gatewayStale: false, scene: null, progress: {}, revealed: [], clockOffsetMs: 0, armed: null, lastOutcome: '', lastFrameAt: 0 };
}

/** A (re)connect's snapshot: the truth, replacing what was held (an armed reveal stays only if its envelope is still on stage). */
export function onSnapshot(state: ShowState, snapshot: WireSnapshot, now: number): ShowState {
  const progress: Record<string, WireJuryProgress> = {};
  for (const p of snapshot.juryProgress ?? []) progress[p.categoryId] = p;
  const next: ShowState = {
    ...state,
    connected: true,
    gatewayStale: snapshot.stale === true,
    scene: snapshot.scene,
    progress,
    revealed: snapshot.results.map((r) => r.categoryId),
    clockOffsetMs: snapshot.serverTime - now,
    lastFrameAt: now,
  };
  return keepArmedOnlyAtItsEnvelope(next);
}

/** A newer scene replaces the one held; an older or repeated seq is ignored. */
export function onScene(state: ShowState, scene: WireScene, now: number): ShowState {
  if (state.scene && scene.seq <= state.scene.seq) return { ...state, lastFrameAt: now };
  return keepArmedOnlyAtItsEnvelope({ ...state, scene, lastFrameAt: now });
}

export function onRevealed(state: ShowState, revealed: WireRevealed, now: number): ShowState {
  if (state.revealed.includes(revealed.categoryId)) return { ...state, lastFrameAt: now };
  const armed = state.armed?.categoryId === revealed.categoryId ? null : state.armed;
  return { ...state, revealed: [...state.revealed, revealed.categoryId], armed, lastFrameAt: now };
}

export function onProgress(state: ShowState, progress: WireJuryProgress, now: number): ShowState {
  return { ...state, progress: { ...state.progress, [progress.categoryId]: progress }, lastFrameAt: now };
}

export function onSealed(state: ShowState, sealed: WireSealed, now: number): ShowState {
  const held = state.progress[sealed.categoryId];
  const progress = { ...state.progress, [sealed.categoryId]: { ...(held ?? { ceremonyId: sealed.ceremonyId, categoryId: sealed.categoryId, locked: 0, total: 0 }), sealed: true } };
  return { ...state, progress, lastFrameAt: now };
}

export function onGatewayStatus(state: ShowState, status: WireGatewayStatus): ShowState {
  return { ...state, gatewayStale: status.stale };
}

export function onDisconnect(state: ShowState): ShowState {
  return { ...state, connected: false };
}

/** Arms the reveal of the category on stage: only at its envelope, sealed and not revealed; otherwise says why not. */
export function arm(state: ShowState): { state: ShowState; refused?: string } {
  const scene = state.scene;
  const category = scene?.data.category;
  if (!scene || scene.kind !== 'envelope' || !category) return { state, refused: 'arm: no envelope on stage' };
  if (state.revealed.includes(category.id)) return { state, refused: `arm: ${category.name} is already revealed` };
  // The rehearsal opens a stand-in envelope for every category; the live show needs the jury's seal.
  if (!scene.rehearsal && state.progress[category.id] && !state.progress[category.id].sealed) return { state, refused: `arm: ${category.name} is not sealed yet` };
  return { state: { ...state, armed: { categoryId: category.id, name: category.name } } };
}

export function disarm(state: ShowState): ShowState {
  return state.armed ? { ...state, armed: null } : state;
}

/** An armed reveal lapses when its envelope leaves the stage (another operator moved on). */
function keepArmedOnlyAtItsEnvelope(state: ShowState): ShowState {
  if (!state.armed) return state;
  const scene = state.scene;
  return scene?.kind === 'envelope' && scene.categoryId === state.armed.categoryId ? state : { ...state, armed: null };
}
