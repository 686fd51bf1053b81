/**
 * The control room's preview: the scene the next cue brings, built from the run of show the page holds. Pure.
 * It mirrors announcements' `next` (apps/announcements/src/show/show-machine.ts): before the show the welcome;
 * in a blackout the scene it covers (the next cue is `resume`); from an interlude the step after the one it was
 * shown over; at the closing nothing. A winner or motivation whose category is not revealed is never previewed:
 * the cue that brings it is the reveal, and its preview is the sealed envelope (no result in it, so the renderer
 * cannot draw a winner).
 */
import type { CategoryCard, CategoryView, CeremonyView, RevealedEvent, SceneData, SceneEvent, SceneKind } from '@laurel/contracts';

type Result = Omit<RevealedEvent, 'showAt'>;

export const CATEGORY_SCENES: SceneKind[] = ['category', 'nominees', 'envelope', 'winner', 'motivation'];

export interface Step {
  kind: SceneKind;
  categoryId?: string;
}

/** What the next cue is, and the scene to preview. */
export interface NextCue {
  /** `next`, `resume` (blackout), `reveal` (the envelope on stage), or null (nothing after the closing). */
  action: 'next' | 'resume' | 'reveal' | null;
  scene: SceneEvent | null;
}

/** The run of show as announcements derives it: welcome, each category's five scenes in order, closing. */
export function runOfShow(view: Pick<CeremonyView, 'categories'>): Step[] {
  const steps: Step[] = [{ kind: 'welcome' }];
  for (const c of [...view.categories].sort((a, b) => a.order - b.order)) for (const k of CATEGORY_SCENES) steps.push({ kind: k, categoryId: c.id });
  steps.push({ kind: 'closing' });
  return steps;
}

/**
 * @param current the scene on stage (as the control room holds it)
 * @param lastStep the last scene on stage that was a run-of-show step (not a blackout, not an interlude)
 */
export function nextCue(view: CeremonyView | null, current: SceneEvent | null, lastStep: SceneEvent | null, results: ReadonlyMap<string, Result>): NextCue {
  if (!view) return { action: null, scene: null };
  const steps = runOfShow(view);
  const rehearsal = current?.rehearsal ?? false;
  const make = (step: Step, seq: number): SceneEvent => ({
    ceremonyId: view.ceremony.id,
    seq,
    kind: step.kind,
    categoryId: step.categoryId,
    data: sceneData(view, step, results),
    at: new Date(0).toISOString(),
    rehearsal,
  });
  const seq = (current?.seq ?? 0) + 1;
  if (!current || (current.kind === 'blackout' && !current.data?.covered && !lastStep)) return { action: 'next', scene: make(steps[0], seq) };
  if (current.kind === 'blackout') {
    if (lastStep) return { action: 'resume', scene: { ...lastStep, seq, data: safeData(lastStep, results) } };
    // Reloaded during a blackout: only the covered kind is known (a blackout names no category).
    const covered = current.data?.covered;
    return { action: 'resume', scene: covered === 'welcome' || covered === 'closing' || covered === 'interlude' ? make({ kind: covered }, seq) : null };
  }
  const from = current.kind === 'interlude' ? lastStep : current;
  if (!from) return { action: 'next', scene: make(steps[0], seq) };
  const i = steps.findIndex((s) => s.kind === from.kind && (s.categoryId ?? undefined) === (from.categoryId ?? undefined));
  if (i < 0 || i + 1 >= steps.length) return { action: null, scene: null };
  const to = steps[i + 1];
  if ((to.kind === 'winner' || to.kind === 'motivation') && to.categoryId && !results.has(to.categoryId)) {
    // Only the reveal cue brings this winner: preview the sealed envelope it opens.
    return { action: 'reveal', scene: make({ kind: 'envelope', categoryId: to.categoryId }, seq) };
  }
  return { action: 'next', scene: make(to, seq) };
}

function sceneData(view: CeremonyView, step: Step, results: ReadonlyMap<string, Result>): SceneData {
  const c = view.ceremony;
  const data: SceneData = { ceremony: { id: c.id, slug: c.slug, name: c.name, venue: c.venue, date: c.date, locale: c.locale, host: c.host } };
  if (!step.categoryId) return data;
  const sorted = [...view.categories].sort((a, b) => a.order - b.order);
  const index = sorted.findIndex((x) => x.id === step.categoryId);
  const cat = sorted[index];
  if (!cat) return data;
  data.category = card(cat, index + 1, sorted.length);
  data.nominees = cat.nominees;
  const r = results.get(cat.id);
  if (r && (step.kind === 'winner' || step.kind === 'motivation')) data.result = r;
  return data;
}

/** A scene's data with a result only if that category is revealed as the page knows it. */
function safeData(s: SceneEvent, results: ReadonlyMap<string, Result>): SceneData {
  const { result, ...rest } = s.data ?? ({} as SceneData);
  return result && results.has(result.categoryId) ? { ...rest, result } : (rest);
}

function card(c: CategoryView, number: number, of: number): CategoryCard {
  return { id: c.id, slug: c.slug, name: c.name, description: c.description, theme: c.theme, prize: c.prize, presenter: c.presenter, criteria: c.criteria, number, of };
}

/** A key that changes when what a monitor draws changes (to skip redundant re-renders). */
export function sceneKey(s: SceneEvent | null): string {
  if (!s) return '';
  return `${s.kind}:${s.categoryId ?? ''}:${s.data?.result ? 'r' : ''}:${s.data?.covered ?? ''}:${s.rehearsal ? 'R' : ''}`;
}
