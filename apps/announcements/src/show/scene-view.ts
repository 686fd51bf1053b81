import type { CategoryCard, CategoryView, CeremonyView, RevealedEvent, SceneData, SceneEvent } from '#contracts';
import { categoriesInShowOrder } from './run-of-show.js';
import type { Scene } from './show-machine.js';

/** A revealed result as stored and replayed (the `revealed` event without the gateway's showAt). */
export type RevealedResultView = Omit<RevealedEvent, 'showAt'>;

/** Revealed results by category id, or as a list (as in a snapshot). */
export type RevealedResults = Readonly<Record<string, RevealedResultView>> | readonly RevealedResultView[];

const ENVELOPE_LINE: Record<string, string> = { sv: 'Och priset går till…', en: 'And the award goes to…' };

/**
 * The `scene` event for what is on stage: everything a screen needs, without another request.
 * A result is included only on the winner and motivation scenes of a category in `results`
 * (i.e. revealed); nothing else ever carries a winner, so a scene cannot spoil a reveal. Scenes go
 * to every screen and phone, so they carry no press release.
 */
export function renderScene(
  ceremony: CeremonyView,
  scene: Scene,
  results: RevealedResults,
  seq: number,
  at: Date | string,
  rehearsal: boolean,
): SceneEvent {
  const { id, slug, name, venue, date, locale, host } = ceremony.ceremony;
  const data: SceneData = { ceremony: { id, slug, name, venue, date, locale, host } };

  const order = categoriesInShowOrder(ceremony);
  const position = scene.categoryId === undefined ? -1 : order.findIndex((c) => c.id === scene.categoryId);
  const category = order[position];
  if (scene.categoryId !== undefined && !category) throw new Error(`Scene ${scene.kind} names category ${scene.categoryId}, not in ceremony ${slug}`);

  if (category) data.category = categoryCard(category, position + 1, order.length);
  if (category && (scene.kind === 'nominees' || scene.kind === 'envelope')) data.nominees = category.nominees.map((n) => ({ ...n }));
  if (category && (scene.kind === 'winner' || scene.kind === 'motivation')) {
    const result = findResult(results, category.id);
    if (result) {
      // The press release is for the press (it comes with their `revealed` frame), not for the stage.
      const { pressRelease: _forPress, ...shown } = result;
      data.result = { ...shown, category: { ...result.category }, winner: { ...result.winner } };
    }
  }
  if (scene.kind === 'envelope') data.message = ENVELOPE_LINE[locale.split('-')[0] ?? ''] ?? ENVELOPE_LINE.en;
  if (scene.kind === 'blackout' && scene.covered) data.covered = scene.covered;

  return {
    ceremonyId: id,
    seq,
    kind: scene.kind,
    ...(category ? { categoryId: category.id } : {}),
    data,
    at: typeof at === 'string' ? at : at.toISOString(),
    rehearsal,
  };
}

export function categoryCard(category: CategoryView, number: number, of: number): CategoryCard {
  return {
    id: category.id,
    slug: category.slug,
    name: category.name,
    description: category.description,
    theme: category.theme,
    prize: category.prize ? { ...category.prize, items: [...category.prize.items] } : null,
    presenter: category.presenter,
    criteria: category.criteria.map((c) => ({ ...c })),
    number,
    of,
  };
}

function findResult(results: RevealedResults, categoryId: string): RevealedResultView | undefined {
  const found = isList(results) ? results.find((r) => r.categoryId === categoryId) : results[categoryId];
  // A result filed under the wrong key is not this category's result.
  return found?.categoryId === categoryId ? found : undefined;
}

function isList(results: RevealedResults): results is readonly RevealedResultView[] {
  return Array.isArray(results);
}
