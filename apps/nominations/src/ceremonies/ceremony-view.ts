import type { CategoryView, CeremonyView, JuryMemberView, NomineeView } from '#contracts';
import type { Category } from './category.entity.js';
import type { Ceremony } from './ceremony.entity.js';
import type { Nominee } from './nominee.entity.js';

export function nomineeView(n: Nominee): NomineeView {
  return { id: n.id, slug: n.slug, organisation: n.organisation, kind: n.kind, title: n.title, pronunciation: n.pronunciation };
}

/** The public view of a ceremony: categories in stage order with their nominees; no jury data. */
export function ceremonyView(ceremony: Ceremony, categories: Category[], nominees: Nominee[]): CeremonyView {
  const byCategory = new Map<string, Nominee[]>();
  for (const n of [...nominees].sort((a, b) => a.position - b.position)) {
    byCategory.set(n.categoryId, [...(byCategory.get(n.categoryId) ?? []), n]);
  }
  const views: CategoryView[] = [...categories]
    .sort((a, b) => a.order - b.order)
    .map((c) => ({
      id: c.id,
      slug: c.slug,
      name: c.name,
      order: c.order,
      description: c.description,
      theme: c.theme,
      eligibility: c.eligibility,
      eligibleKinds: c.eligibleKinds,
      prize: c.prize,
      presenter: c.presenter,
      criteria: c.criteria,
      nominees: (byCategory.get(c.id) ?? []).map(nomineeView),
      nomineesCount: c.nomineesCount,
      quorum: c.quorum,
      notes: c.notes,
      ...(c.vote ? { vote: c.vote } : {}),
    }));
  return { ceremony: ceremony.header, categories: views, about: ceremony.about };
}

export function juryByCategory(categories: Category[]): Record<string, JuryMemberView[]> {
  return Object.fromEntries(categories.map((c) => [c.id, c.jury]));
}
