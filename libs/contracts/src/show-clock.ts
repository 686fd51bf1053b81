/**
 * The show clock: planned durations from the ceremony file against the scene changes as they happened
 * (server time). Pure and browser-safe: announcements advances it with every scene change and puts it
 * on the scene (`scene.clock`); a page ticks `readClock(scene.clock, serverNow)` every second with its
 * clock offset to the gateway, so every screen reads the same numbers, across reloads.
 */

/** Scenes of a category segment that may be given a planned duration. */
export const TIMED_CATEGORY_SCENES = ['category', 'nominees', 'envelope', 'winner', 'motivation'] as const;
export type TimedCategoryScene = (typeof TIMED_CATEGORY_SCENES)[number];

/** A category's planned durations (seconds): the whole segment (category → motivation) and/or its scenes. */
export interface SegmentTiming {
  segment?: number;
  scenes?: Partial<Record<TimedCategoryScene, number>>;
}

/** Planned durations of a ceremony (seconds), as the ceremony file gives them (`timing`), resolved per category id. */
export interface ShowTiming {
  welcome?: number;
  closing?: number;
  /** An interlude (reached with goto, outside the run of show). */
  interlude?: number;
  /** By category id; the file's `timing.categories` default already applied. */
  categories: Record<string, SegmentTiming>;
}

export type ClockSegmentKind = 'welcome' | 'category' | 'closing' | 'interlude';

/** A segment of the run of show (the welcome, one category, the closing) or the interludes (ad hoc, all counted together). */
export interface ClockSegment {
  /** `welcome`, `closing`, `interlude`, or the category id. */
  id: string;
  kind: ClockSegmentKind;
  categoryId?: string;
  label: string;
  /** null: no plan for this segment (not counted in over/under nor in the estimate). */
  plannedSeconds: number | null;
  /** Time spent in it in runs that have ended (seconds, ms precision). */
  actualSeconds: number;
  /** Start of the run going on now (ISO, server time); null when it is not the current segment. */
  since: string | null;
  /** Entered at least once. */
  visited: boolean;
}

/** The clock as it stands at a scene change (`scene.clock`, crew and screens). */
export interface ShowClock {
  /** When the show started (the first scene after the blackout before the show); null before. */
  startedAt: string | null;
  /** This scene's start (= scene.at) and its planned duration, if the file gives one. */
  sceneStartedAt: string;
  scenePlannedSeconds: number | null;
  /** The segment on stage now (null before the show). */
  segmentId: string | null;
  /** In run-of-show order; the interludes last. */
  segments: ClockSegment[];
  /** Sum of the planned segments of the run of show; null when the file plans none. */
  plannedSeconds: number | null;
}

/** What a page shows, read from a ShowClock at `now` (server time, ms since epoch). */
export interface ClockReading {
  sceneElapsedSeconds: number;
  /** Planned minus elapsed (negative: over); null without a plan for the scene. */
  sceneRemainingSeconds: number | null;
  segmentElapsedSeconds: number;
  /** Planned minus elapsed (negative: over); null without a plan for the segment. The presenter's countdown. */
  segmentRemainingSeconds: number | null;
  /**
   * The show against its plan, seconds (+ over, − under): for every planned segment that was on stage and
   * is left, actual − planned; for the one on stage, only what it has already run over.
   */
  overUnderSeconds: number;
  /** now + what is left of the planned segment on stage + the planned segments not reached yet; null without any plan. */
  estimatedEnd: string | null;
  /** False when a segment still to come has no plan (the estimate is then too early). */
  estimateComplete: boolean;
  /** startedAt + the planned total; null before the show or without a plan. */
  plannedEnd: string | null;
}

/** One planned segment of the run of show, in order (what announcements derives from the run of show). */
export interface PlannedSegment {
  id: string;
  kind: Exclude<ClockSegmentKind, 'interlude'>;
  categoryId?: string;
  label: string;
}

/** Where a scene is in the plan: its segment (null before the show) and its own planned duration. */
export interface ScenePlace {
  segmentId: string | null;
  plannedSeconds: number | null;
}

const seconds = (ms: number) => Math.round(ms) / 1000;

/** The planned seconds of a segment: its own, else the sum of its planned scenes, else null. */
export function segmentPlan(timing: ShowTiming | undefined, segment: Pick<PlannedSegment, 'kind' | 'categoryId'>): number | null {
  if (!timing) return null;
  if (segment.kind === 'welcome') return timing.welcome ?? null;
  if (segment.kind === 'closing') return timing.closing ?? null;
  const category = segment.categoryId === undefined ? undefined : timing.categories[segment.categoryId];
  if (!category) return null;
  if (category.segment !== undefined) return category.segment;
  const scenes = Object.values(category.scenes ?? {});
  return scenes.length ? scenes.reduce((a, b) => a + b, 0) : null;
}

/** The planned seconds of one scene: welcome, closing, interlude, or a category's scene; else null. */
export function scenePlan(timing: ShowTiming | undefined, kind: string, categoryId?: string): number | null {
  if (!timing) return null;
  if (kind === 'welcome' || kind === 'closing' || kind === 'interlude') return timing[kind] ?? null;
  if (categoryId === undefined) return null;
  return timing.categories[categoryId]?.scenes?.[kind as TimedCategoryScene] ?? null;
}

/** A fresh clock for a run of show (nothing on stage yet). */
export function startClock(timing: ShowTiming | undefined, plan: readonly PlannedSegment[], at: string): ShowClock {
  const segments: ClockSegment[] = plan.map((s) => ({ ...s, plannedSeconds: segmentPlan(timing, s), actualSeconds: 0, since: null, visited: false }));
  segments.push({ id: 'interlude', kind: 'interlude', label: 'Interlude', plannedSeconds: null, actualSeconds: 0, since: null, visited: false });
  const planned = segments.filter((s) => s.kind !== 'interlude' && s.plannedSeconds !== null);
  return {
    startedAt: null,
    sceneStartedAt: at,
    scenePlannedSeconds: null,
    segmentId: null,
    segments,
    plannedSeconds: planned.length ? planned.reduce((sum, s) => sum + s.plannedSeconds!, 0) : null,
  };
}

/**
 * The clock after a scene change at `at` to a scene in `place`. Leaving a segment closes its run (its
 * time is added to its actual); entering one opens a run. The interludes count as one segment, planned
 * with the file's `interlude` duration per visit.
 */
export function advanceClock(previous: ShowClock, place: ScenePlace, at: string, interludePlan: number | null = null): ShowClock {
  const atMs = Date.parse(at);
  const segments = previous.segments.map((s) => ({ ...s }));
  if (place.segmentId !== previous.segmentId) {
    const leaving = segments.find((s) => s.id === previous.segmentId);
    if (leaving?.since) {
      leaving.actualSeconds = seconds(leaving.actualSeconds * 1000 + Math.max(0, atMs - Date.parse(leaving.since)));
      leaving.since = null;
    }
    const entering = segments.find((s) => s.id === place.segmentId);
    if (entering) {
      entering.since = at;
      entering.visited = true;
      if (entering.kind === 'interlude' && interludePlan !== null) entering.plannedSeconds = (entering.plannedSeconds ?? 0) + interludePlan;
    }
  }
  return {
    ...previous,
    startedAt: previous.startedAt ?? (place.segmentId !== null ? at : null),
    sceneStartedAt: at,
    scenePlannedSeconds: place.plannedSeconds,
    segmentId: place.segmentId,
    segments,
  };
}

/** The numbers a page shows at `now` (server time, ms since epoch). */
export function readClock(clock: ShowClock, now: number): ClockReading {
  const current = clock.segments.find((s) => s.id === clock.segmentId);
  const segmentElapsedMs = current ? current.actualSeconds * 1000 + (current.since ? Math.max(0, now - Date.parse(current.since)) : 0) : 0;
  const sceneElapsedMs = Math.max(0, now - Date.parse(clock.sceneStartedAt));
  let overUnderMs = 0;
  for (const s of clock.segments) {
    if (s === current || !s.visited || s.plannedSeconds === null) continue;
    overUnderMs += s.actualSeconds * 1000 - s.plannedSeconds * 1000;
  }
  if (current?.plannedSeconds != null) overUnderMs += Math.max(0, segmentElapsedMs - current.plannedSeconds * 1000);

  // What is left: the rest of the segment on stage, then the run-of-show segments not reached yet.
  const index = current ? clock.segments.indexOf(current) : -1;
  const ahead = clock.segments.filter((s, i) => s.kind !== 'interlude' && !s.visited && (current?.kind === 'interlude' || i > index));
  const anyPlan = clock.segments.some((s) => s.plannedSeconds !== null);
  let leftMs = current?.plannedSeconds != null ? Math.max(0, current.plannedSeconds * 1000 - segmentElapsedMs) : 0;
  for (const s of ahead) leftMs += (s.plannedSeconds ?? 0) * 1000;

  return {
    sceneElapsedSeconds: seconds(sceneElapsedMs),
    sceneRemainingSeconds: clock.scenePlannedSeconds === null ? null : seconds(clock.scenePlannedSeconds * 1000 - sceneElapsedMs),
    segmentElapsedSeconds: seconds(segmentElapsedMs),
    segmentRemainingSeconds: current?.plannedSeconds == null ? null : seconds(current.plannedSeconds * 1000 - segmentElapsedMs),
    overUnderSeconds: seconds(overUnderMs),
    estimatedEnd: anyPlan ? new Date(now + leftMs).toISOString() : null,
    estimateComplete: ahead.every((s) => s.plannedSeconds !== null) && (current === undefined || current.plannedSeconds !== null),
    plannedEnd: clock.startedAt !== null && clock.plannedSeconds !== null ? new Date(Date.parse(clock.startedAt) + clock.plannedSeconds * 1000).toISOString() : null,
  };
}
