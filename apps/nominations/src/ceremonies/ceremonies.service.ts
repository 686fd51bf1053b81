import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { LaurelError, validateCeremonyFile, type CeremonyFile, type CeremonyHeader, type CeremonyView, type ImportCeremonyResult } from '#contracts';
import { Outbox } from '#messaging';
import { Category } from './category.entity.js';
import { Ceremony } from './ceremony.entity.js';
import { ceremonyView, juryByCategory } from './ceremony-view.js';
import { Nominee } from './nominee.entity.js';

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
      const { ceremony, categories, nominees } = buildCeremony(file);
      await manager.save(Ceremony, ceremony);
      await manager.insert(Category, categories);
      if (nominees.length) await manager.insert(Nominee, nominees);
      const view = ceremonyView(ceremony, categories, nominees);
      await this.outbox.add(manager, 'gala.events.nominations.ceremony.imported', ceremony.id, {
        ceremony: view.ceremony,
        categories: view.categories,
        jury: juryByCategory(categories),
        about: view.about,
      });
      return {
        id: ceremony.id,
        slug: ceremony.slug,
        categories: view.categories.map((c) => ({ id: c.id, slug: c.slug, nominees: c.nominees.map((n) => ({ id: n.id, slug: n.slug })) })),
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

/** Turns a validated file into rows with fresh ids, categories in run-of-show order. */
export function buildCeremony(file: CeremonyFile): { ceremony: Ceremony; categories: Category[]; nominees: Nominee[] } {
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
        criteria: (source.criteria ?? []).map((c) => ({ key: c.key, label: c.label, weight: c.weight ?? 1 })),
        nomineesCount: source.nomineesCount ?? null,
        minNominees: source.nomineeBounds?.min ?? null,
        maxNominees: source.nomineeBounds?.max ?? source.nomineesCount ?? null,
        entriesReceived: source.entriesReceived ?? null,
        quorum: source.quorum ?? null,
        jury: (source.jury ?? []).map((j) => ({ name: j.name, affiliation: j.affiliation ?? null, title: j.title ?? null, chair: j.chair ?? false })),
        notes: { nominees: source.nomineesNote ?? null, jury: source.juryNote ?? null },
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
  }
  const ceremony = Object.assign(new Ceremony(), {
    id,
    slug: meta.slug,
    name: meta.name,
    header,
    about: file.about ?? null,
    sourceFile: file,
    runOfShow: [...categories].sort((a, b) => a.order - b.order).map((c) => c.id),
  });
  return { ceremony, categories, nominees };
}
