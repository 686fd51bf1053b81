import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { categoryVoteOf, LaurelError, showTimingOf, validateCeremonyFile, type CeremonyFile, type FieldProblem, type CeremonyHeader, type CeremonyView, type ImportCeremonyResult, type ShowTiming } from '#contracts';
import { Outbox } from '#messaging';
import { Category } from './category.entity.js';
import { Ceremony } from './ceremony.entity.js';
import { ceremonyView, juryByCategory } from './ceremony-view.js';
import { Nominee } from './nominee.entity.js';
import { Entry } from '../entries/entry.entity.js';
import { canonicalKind, ineligibility, naturalKey } from '../entries/entry-rules.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class CeremoniesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** Imports a ceremony file in one transaction (nothing half-imported) and announces it. */
  async import(input: Record<string, unknown>): Promise<ImportCeremonyResult> {
    const checked = validateCeremonyFile(input);
    if (!checked.ok) throw LaurelError.badRequest(`the ceremony file has ${checked.problems.length} problem(s)`, checked.problems);
    const file = checked.file;
    const problems = fileRuleProblems(file);
    if (problems.length) throw LaurelError.badRequest(`the ceremony file has ${problems.length} problem(s)`, problems);
    try {
      return await this.store(file);
    } catch (error) {
      // Two imports of one slug at once: both pass the existence check, the unique index stops the second.
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505')
        throw LaurelError.conflict(`a ceremony with slug "${file.ceremony.slug}" already exists`);
      throw error;
    }
  }

  private async store(file: CeremonyFile): Promise<ImportCeremonyResult> {
    return this.outbox.transaction(async (manager) => {
      const existing = await manager.findOne(Ceremony, { where: { slug: file.ceremony.slug }, lock: { mode: 'pessimistic_read' } });
      if (existing) throw LaurelError.conflict(`a ceremony with slug "${file.ceremony.slug}" already exists`, { id: existing.id });
      const { ceremony, categories, nominees, entries } = buildCeremony(file);
      await manager.save(Ceremony, ceremony);
      await manager.insert(Category, categories);
      if (nominees.length) await manager.insert(Nominee, nominees);
      for (let i = 0; i < entries.length; i += 500) await manager.insert(Entry, entries.slice(i, i + 500));
      const view = ceremonyView(ceremony, categories, nominees);
      await this.outbox.add(manager, 'gala.events.nominations.ceremony.imported', ceremony.id, {
        ceremony: view.ceremony,
        categories: view.categories,
        jury: juryByCategory(categories),
        about: view.about,
        ...timingOf(file, categories),
      });
      return {
        id: ceremony.id,
        slug: ceremony.slug,
        categories: view.categories.map((c) => ({
          id: c.id,
          slug: c.slug,
          nominees: c.nominees.map((n) => ({ id: n.id, slug: n.slug })),
          entries: entries.filter((e) => e.categoryId === c.id).length,
        })),
      };
    });
  }

  async findCeremony(idOrSlug: string, manager: EntityManager = this.dataSource.manager): Promise<Ceremony> {
    const ceremony = await manager.findOne(Ceremony, { where: UUID.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug } });
    if (!ceremony) throw LaurelError.notFound(`no ceremony "${idOrSlug}"`);
    return ceremony;
  }

  /** A category of a ceremony by id or slug; `lock` takes the row for the rest of the transaction. */
  async findCategory(ceremonyRef: string, categoryRef: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<Category> {
    const ceremony = await this.findCeremony(ceremonyRef, manager);
    const category = await manager.findOne(Category, {
      where: UUID.test(categoryRef) ? { ceremonyId: ceremony.id, id: categoryRef } : { ceremonyId: ceremony.id, slug: categoryRef },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!category) throw LaurelError.notFound(`no category "${categoryRef}" in ceremony "${ceremony.slug}"`);
    return category;
  }

  async view(idOrSlug: string): Promise<CeremonyView> {
    const ceremony = await this.findCeremony(idOrSlug);
    const [categories, nominees] = await Promise.all([
      this.dataSource.manager.find(Category, { where: { ceremonyId: ceremony.id } }),
      this.dataSource.manager.find(Nominee, { where: { ceremonyId: ceremony.id } }),
    ]);
    // A draft shortlist is the organiser's working list, not news: only published nominees are public.
    const published = new Set(categories.filter((c) => c.shortlistPublishedAt).map((c) => c.id));
    return ceremonyView(
      ceremony,
      categories,
      nominees.filter((n) => published.has(n.categoryId)),
    );
  }
}

/**
 * The nominations rules a JSON Schema cannot say, with JSON paths: entries must be eligible for their
 * category and not repeat one another; a nominee whose kind is given must be eligible too.
 */
export function fileRuleProblems(file: CeremonyFile): FieldProblem[] {
  const problems: FieldProblem[] = [];
  file.categories.forEach((source, i) => {
    const category = { name: source.name, eligibleKinds: source.eligibleKinds ?? [] };
    (source.nominees ?? []).forEach((n, j) => {
      const refusal = n.kind ? ineligibility(category, n.kind) : null;
      if (refusal) problems.push({ path: `/categories/${i}/nominees/${j}/kind`, message: refusal });
    });
    const byKey = new Map<string, number>();
    const byExternalId = new Map<string, number>();
    (source.entries ?? []).forEach((e, j) => {
      const refusal = ineligibility(category, e.kind);
      if (refusal) problems.push({ path: `/categories/${i}/entries/${j}/kind`, message: refusal });
      const external = e.externalId === undefined ? undefined : byExternalId.get(e.externalId);
      const key = naturalKey(e);
      const same = byKey.get(key);
      if (external !== undefined) problems.push({ path: `/categories/${i}/entries/${j}/externalId`, message: `repeats /categories/${i}/entries/${external} (same external id "${e.externalId}")` });
      else if (same !== undefined) problems.push({ path: `/categories/${i}/entries/${j}`, message: `repeats /categories/${i}/entries/${same} (same organisation and title)` });
      if (e.externalId !== undefined && external === undefined) byExternalId.set(e.externalId, j);
      if (same === undefined) byKey.set(key, j);
    });
  });
  return problems.slice(0, 100);
}

/** Turns a validated file into rows with fresh ids, categories in run-of-show order. */
/** The show clock's plan for the imported event (announcements keeps it in its read model); nothing when the file plans none. */
function timingOf(file: CeremonyFile, categories: Category[]): { timing?: ShowTiming } {
  const timing = showTimingOf(file, (slug) => categories.find((c) => c.slug === slug)?.id);
  return timing ? { timing } : {};
}

export function buildCeremony(file: CeremonyFile): { ceremony: Ceremony; categories: Category[]; nominees: Nominee[]; entries: Entry[] } {
  const id = randomUUID();
  const importedAt = new Date();
  const meta = file.ceremony;
  const header: CeremonyHeader = {
    id,
    slug: meta.slug,
    name: meta.name,
    edition: meta.edition ?? null,
    venue: meta.venue ?? null,
    date: meta.date ?? null,
    timezone: meta.timezone ?? null,
    locale: meta.locale ?? 'sv-SE',
    host: meta.host ?? null,
    fair: meta.fair ?? null,
  };
  const stageOrder = file.runOfShow ?? file.categories.map((c) => c.slug);
  const categories: Category[] = [];
  const nominees: Nominee[] = [];
  const entries: Entry[] = [];
  for (const source of file.categories) {
    const categoryId = randomUUID();
    const order = stageOrder.indexOf(source.slug);
    categories.push(
      Object.assign(new Category(), {
        id: categoryId,
        ceremonyId: id,
        slug: source.slug,
        name: source.name,
        order: order === -1 ? stageOrder.length + categories.length : order,
        description: source.description ?? null,
        theme: source.theme ?? null,
        eligibility: source.eligibility ?? null,
        eligibleKinds: source.eligibleKinds ?? [],
        prize: source.prize ? { amount: source.prize.amount ?? null, currency: source.prize.currency ?? null, items: source.prize.items ?? [] } : null,
        presenter: source.presenter ?? null,
        criteria: (source.criteria ?? []).map((c) => ({ key: c.key, label: c.label, weight: c.weight ?? 1, ...(c.anchors ? { anchors: c.anchors } : {}) })),
        nomineesCount: source.nomineesCount ?? null,
        minNominees: source.nomineeBounds?.min ?? null,
        maxNominees: source.nomineeBounds?.max ?? source.nomineesCount ?? null,
        entriesReceived: source.entriesReceived ?? null,
        quorum: source.quorum ?? null,
        jury: (source.jury ?? []).map((j) => ({ name: j.name, affiliation: j.affiliation ?? null, title: j.title ?? null, chair: j.chair ?? false })),
        notes: { nominees: source.nomineesNote ?? null, jury: source.juryNote ?? null },
        vote: categoryVoteOf(source.vote) ?? null,
        // A category whose nominees the file names is published at import: the file is the organiser's
        // final word, and `ceremony.imported` already carries those nominees to the jury and
        // announcements read models, so treating them as a draft would let the shortlist change under
        // a panel that has started scoring. A category without nominees starts open: its shortlist is
        // chosen from entries and published later (`shortlist.published` replaces the read models' list).
        shortlistPublishedAt: source.nominees?.length ? importedAt : null,
      }),
    );
    (source.nominees ?? []).forEach((n, position) =>
      nominees.push(
        Object.assign(new Nominee(), {
          id: randomUUID(),
          ceremonyId: id,
          categoryId,
          slug: n.slug,
          organisation: n.organisation ?? null,
          kind: n.kind ?? null,
          title: n.title ?? null,
          pronunciation: n.pronunciation ?? null,
          position,
          entryId: null,
        }),
      ),
    );
    for (const e of source.entries ?? [])
      entries.push(
        Object.assign(new Entry(), {
          id: randomUUID(),
          ceremonyId: id,
          categoryId,
          externalId: e.externalId ?? null,
          naturalKey: naturalKey(e),
          organisation: e.organisation || null,
          kind: canonicalKind({ eligibleKinds: source.eligibleKinds ?? [] }, e.kind),
          title: e.title || null,
          description: e.description ?? null,
          contactName: e.contactName ?? null,
          contactEmail: e.contactEmail ?? null,
          contactPhone: e.contactPhone ?? null,
          source: 'file' as const,
          sourceRow: null,
          createdAt: importedAt,
        }),
      );
  }
  const ceremony = Object.assign(new Ceremony(), {
    id,
    slug: meta.slug,
    name: meta.name,
    header,
    about: file.about ?? null,
    // Entries (with contact details) live in their own table, not twice.
    sourceFile: { ...file, categories: file.categories.map(({ entries: _entries, ...rest }) => rest) },
    runOfShow: [...categories].sort((a, b) => a.order - b.order).map((c) => c.id),
  });
  return { ceremony, categories, nominees, entries };
}
