import type { CeremonyView } from '#contracts';
import { buildRunOfShow, categoriesInShowOrder, findStep, isCategoryStepKind } from './run-of-show.js';
import { ceremony2017, smallCeremony } from '../testing/kvalitetsmassan-2017.js';

describe('buildRunOfShow', () => {
  it('walks welcome, five scenes per category, closing', () => {
    const ceremony = smallCeremony();
    const [alfa, beta] = ceremony.categories.map((c) => c.id);
    expect(buildRunOfShow(ceremony)).toEqual([
      { index: 0, kind: 'welcome' },
      { index: 1, kind: 'category', categoryId: alfa },
      { index: 2, kind: 'nominees', categoryId: alfa },
      { index: 3, kind: 'envelope', categoryId: alfa },
      { index: 4, kind: 'winner', categoryId: alfa },
      { index: 5, kind: 'motivation', categoryId: alfa },
      { index: 6, kind: 'category', categoryId: beta },
      { index: 7, kind: 'nominees', categoryId: beta },
      { index: 8, kind: 'envelope', categoryId: beta },
      { index: 9, kind: 'winner', categoryId: beta },
      { index: 10, kind: 'motivation', categoryId: beta },
      { index: 11, kind: 'closing' },
    ]);
  });

  it('has 27 steps for the five 2017 awards, in file order, never blackout or interlude', () => {
    const ceremony = ceremony2017();
    const run = buildRunOfShow(ceremony);
    expect(run).toHaveLength(1 + 5 * 5 + 1);
    expect(run.every((step, i) => step.index === i)).toBe(true);
    expect(run.some((step) => (step.kind as string) === 'blackout' || (step.kind as string) === 'interlude')).toBe(false);
    const intros = run.filter((s) => s.kind === 'category').map((s) => ceremony.categories.find((c) => c.id === s.categoryId)?.slug);
    expect(intros).toEqual(['gotapriset', 'sveapriset', 'sveriges-digitaliseringskommun', 'sveriges-kvalitetskommun', 'sveriges-modernaste-myndighet']);
  });

  it('follows each category’s order, not its position in the list', () => {
    const base = smallCeremony();
    const [alfa, beta] = base.categories;
    const reordered: CeremonyView = { ...base, categories: [{ ...alfa, order: 1 }, { ...beta, order: 0 }] };
    expect(categoriesInShowOrder(reordered).map((c) => c.slug)).toEqual(['beta', 'alfa']);
    expect(buildRunOfShow(reordered)[1]).toEqual({ index: 1, kind: 'category', categoryId: beta.id });
  });

  it('keeps file order on equal order values', () => {
    const base = smallCeremony();
    const tied: CeremonyView = { ...base, categories: base.categories.map((c) => ({ ...c, order: 0 })) };
    expect(categoriesInShowOrder(tied).map((c) => c.slug)).toEqual(['alfa', 'beta']);
  });

  it('is welcome then closing for a ceremony without categories', () => {
    expect(buildRunOfShow({ ...smallCeremony(), categories: [] })).toEqual([
      { index: 0, kind: 'welcome' },
      { index: 1, kind: 'closing' },
    ]);
  });
});

describe('findStep', () => {
  const ceremony = smallCeremony();
  const run = buildRunOfShow(ceremony);
  const beta = ceremony.categories[1].id;

  it('finds a category scene by kind and category', () => {
    expect(findStep(run, 'envelope', beta)).toEqual({ index: 8, kind: 'envelope', categoryId: beta });
  });

  it('finds welcome and closing without a category', () => {
    expect(findStep(run, 'welcome')?.index).toBe(0);
    expect(findStep(run, 'closing', beta)?.index).toBe(11);
  });

  it('finds nothing for an unknown category', () => {
    expect(findStep(run, 'winner', 'nope')).toBeUndefined();
  });

  it('tells category scenes apart', () => {
    expect(isCategoryStepKind('envelope')).toBe(true);
    expect(isCategoryStepKind('welcome')).toBe(false);
    expect(isCategoryStepKind('interlude')).toBe(false);
  });
});
