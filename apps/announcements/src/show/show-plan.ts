import { scenePlan, type CeremonyView, type PlannedSegment, type ScenePlace } from '#contracts';
import { categoriesInShowOrder, type RunOfShow } from './run-of-show.js';
import type { ShowState } from './show-machine.js';

/** The run of show in segments, for the show clock: the welcome, each category in stage order, the closing. */
export function plannedSegments(ceremony: CeremonyView): PlannedSegment[] {
  return [
    { id: 'welcome', kind: 'welcome', label: 'Welcome' },
    ...categoriesInShowOrder(ceremony).map((c): PlannedSegment => ({ id: c.id, kind: 'category', categoryId: c.id, label: c.name })),
    { id: 'closing', kind: 'closing', label: 'Closing' },
  ];
}

/**
 * Where the show is in the plan: an interlude counts as the interludes' segment, a blackout as the
 * segment it covers (the clock runs on), before the show as none. The scene's own plan is that of the
 * scene on stage (none for a blackout).
 */
export function scenePlace(ceremony: CeremonyView, state: ShowState, runOfShow: RunOfShow): ScenePlace {
  const step = state.stepIndex === null ? undefined : runOfShow[state.stepIndex];
  const segmentId = state.interlude ? 'interlude' : step === undefined ? null : step.kind === 'welcome' || step.kind === 'closing' ? step.kind : (step.categoryId ?? null);
  if (state.blackout) return { segmentId, plannedSeconds: null };
  if (state.interlude) return { segmentId, plannedSeconds: scenePlan(ceremony.timing, 'interlude') };
  return { segmentId, plannedSeconds: step ? scenePlan(ceremony.timing, step.kind, step.categoryId) : null };
}
