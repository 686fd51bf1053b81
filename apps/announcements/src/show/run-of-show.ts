import type { CategoryView, CeremonyView, SceneKind } from '#contracts';

/** Scenes the producer steps through. `blackout` is an overlay and `interlude` is reached with `goto`. */
export type StepKind = Exclude<SceneKind, 'blackout' | 'interlude'>;

/** The scenes every category walks through, in order. */
export const CATEGORY_STEP_KINDS = ['category', 'nominees', 'envelope', 'winner', 'motivation'] as const satisfies readonly StepKind[];
export type CategoryStepKind = (typeof CATEGORY_STEP_KINDS)[number];

export interface RunOfShowStep {
  index: number;
  kind: StepKind;
  categoryId?: string;
}

export type RunOfShow = readonly RunOfShowStep[];

export function isCategoryStepKind(kind: SceneKind): kind is CategoryStepKind {
  return (CATEGORY_STEP_KINDS as readonly SceneKind[]).includes(kind);
}

/** Categories in the order they are presented: by `order`, ties kept in file order. */
export function categoriesInShowOrder(ceremony: CeremonyView): CategoryView[] {
  return ceremony.categories
    .map((category, position) => ({ category, position }))
    .sort((a, b) => a.category.order - b.category.order || a.position - b.position)
    .map(({ category }) => category);
}

/** welcome, then category → nominees → envelope → winner → motivation per category, then closing. */
export function buildRunOfShow(ceremony: CeremonyView): RunOfShowStep[] {
  const kinds: { kind: StepKind; categoryId?: string }[] = [{ kind: 'welcome' }];
  for (const category of categoriesInShowOrder(ceremony)) {
    for (const kind of CATEGORY_STEP_KINDS) kinds.push({ kind, categoryId: category.id });
  }
  kinds.push({ kind: 'closing' });
  return kinds.map((step, index) => ({ index, ...step }));
}

/** The step of that kind (and category, for category scenes), or undefined. */
export function findStep(runOfShow: RunOfShow, kind: StepKind, categoryId?: string): RunOfShowStep | undefined {
  return runOfShow.find((step) => step.kind === kind && (!isCategoryStepKind(kind) || step.categoryId === categoryId));
}
