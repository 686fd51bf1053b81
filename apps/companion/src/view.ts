import { readClock } from '../../../libs/contracts/src/show-clock.js';
import type { ShowState } from './show-state.js';
import type { WireScene } from './wire.js';

/** A socket that has been silent this long while connected is shown as stale (the gateway pings every 10 s). */
export const QUIET_MS = 30_000;

/**
 * Feedbacks and variables as plain functions of the state: what the buttons show. Companion asks the
 * module to re-evaluate them on every change (and once a second for the clock).
 */
export const feedbackState = {
  /** A scene is on the screens (the show has started and is not blacked out). */
  onAir: (s: ShowState): boolean => s.connected && s.scene !== null && s.scene.kind !== 'blackout',
  /** A reveal is armed on this deck: the confirm button is live. */
  revealArmed: (s: ShowState): boolean => s.armed !== null,
  /** The armed category is the envelope on stage now (confirming will reveal it). */
  armedMatchesStage: (s: ShowState): boolean => s.armed !== null && s.scene?.kind === 'envelope' && s.scene.categoryId === s.armed.categoryId,
  /** What the buttons show may be behind: no socket, the gateway lost NATS, or nothing heard for QUIET_MS. */
  connectionStale: (s: ShowState, now: number): boolean => !s.connected || s.gatewayStale || (s.lastFrameAt > 0 && now - s.lastFrameAt > QUIET_MS),
};

const KIND_LABEL: Record<WireScene['kind'], string> = {
  blackout: 'Blackout',
  welcome: 'Welcome',
  category: 'Intro',
  nominees: 'Nominees',
  envelope: 'Envelope',
  winner: 'Winner',
  motivation: 'Motivation',
  interlude: 'Interlude',
  closing: 'Closing',
};

export function sceneLabel(scene: WireScene | null): string {
  if (!scene) return '—';
  if (scene.kind === 'blackout') return scene.data.covered ? `Blackout (${KIND_LABEL[scene.data.covered]})` : 'Before the show';
  const category = scene.data.category?.name;
  return category ? `${KIND_LABEL[scene.kind]}: ${category}` : KIND_LABEL[scene.kind];
}

/**
 * What `next` brings, from the scene and the run of show's segments on the clock. At an envelope the
 * next thing is the reveal (next alone does not open it).
 */
export function nextSceneLabel(scene: WireScene | null): string {
  if (!scene) return '—';
  const name = scene.data.category?.name ?? '';
  switch (scene.kind) {
    case 'blackout':
      return scene.data.covered ? `Resume: ${KIND_LABEL[scene.data.covered]}` : 'Welcome';
    case 'welcome':
      return `Intro: ${followingSegment(scene) ?? 'first award'}`;
    case 'category':
      return `Nominees: ${name}`;
    case 'nominees':
      return `Envelope: ${name}`;
    case 'envelope':
      return `REVEAL ${name}`;
    case 'winner':
      return `Motivation: ${name}`;
    case 'motivation': {
      const following = followingSegment(scene);
      return following === 'Closing' || following === null ? 'Closing' : `Intro: ${following}`;
    }
    case 'interlude':
      return 'Back to the show';
    case 'closing':
      return '— (end)';
  }
}

/** The label of the segment after the one on stage, from the clock's run of show (null when unknown). */
function followingSegment(scene: WireScene): string | null {
  const segments = scene.clock?.segments.filter((s) => s.kind !== 'interlude');
  if (!segments) return null;
  const here = segments.findIndex((s) => s.id === (scene.kind === 'welcome' ? 'welcome' : scene.categoryId));
  return here === -1 ? null : (segments[here + 1]?.label ?? null);
}

export function formatSeconds(total: number, signed = false): string {
  const sign = total < 0 ? '-' : signed ? '+' : '';
  const abs = Math.round(Math.abs(total));
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const mm = h > 0 ? `${h}:${String(m).padStart(2, '0')}` : String(m);
  return `${sign}${mm}:${String(s).padStart(2, '0')}`;
}

/** A server instant as HH:MM on this machine's clock (the one the crew's watches agree with). */
export function localClockTime(iso: string, clockOffsetMs: number): string {
  const local = new Date(Date.parse(iso) - clockOffsetMs);
  return `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
}

export type Variables = {
  current_scene: string;
  next_scene: string;
  category_on_stage: string;
  jury_progress: string;
  show_clock: string;
  over_under: string;
  estimated_end: string;
  last_cued_by: string;
  seq: number;
  armed_category: string;
  connection: string;
  last_outcome: string;
};

/** Every variable at `now` (our clock; the show clock is read in server time with the snapshot's offset). */
export function variables(s: ShowState, now: number): Variables {
  const scene = s.scene;
  const category = scene?.data.category;
  const progress = category ? s.progress[category.id] : undefined;
  const sealedCount = Object.values(s.progress).filter((p) => p.sealed).length;
  const juryProgress = progress
    ? `${progress.sealed ? 'SEALED' : `${progress.locked}/${progress.total} locked`}`
    : `${sealedCount}/${Object.keys(s.progress).length} sealed`;
  let showClock = '';
  let overUnder = '';
  let estimatedEnd = '';
  if (scene?.clock && scene.clock.startedAt !== null) {
    const reading = readClock(scene.clock, now + s.clockOffsetMs);
    showClock = reading.segmentRemainingSeconds !== null ? formatSeconds(reading.segmentRemainingSeconds) : formatSeconds(reading.segmentElapsedSeconds);
    overUnder = scene.clock.plannedSeconds !== null ? formatSeconds(reading.overUnderSeconds, true) : '';
    estimatedEnd = reading.estimatedEnd ? localClockTime(reading.estimatedEnd, s.clockOffsetMs) + (reading.estimateComplete ? '' : '+') : '';
  }
  return {
    current_scene: sceneLabel(scene),
    next_scene: nextSceneLabel(scene),
    category_on_stage: category?.name ?? '',
    jury_progress: juryProgress,
    show_clock: showClock,
    over_under: overUnder,
    estimated_end: estimatedEnd,
    last_cued_by: scene?.cuedBy?.label ?? '',
    seq: scene?.seq ?? 0,
    armed_category: s.armed?.name ?? '',
    connection: feedbackState.connectionStale(s, now) ? (s.connected ? 'STALE' : 'OFFLINE') : 'OK',
    last_outcome: s.lastOutcome,
  };
}
