import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { LaurelError, type CategoryScoped, type SetShortlistCommand, type ShortlistView } from '#contracts';
import { Outbox } from '#messaging';
import { Category } from '../ceremonies/category.entity.js';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { nomineeView } from '../ceremonies/ceremony-view.js';
import { Nominee } from '../ceremonies/nominee.entity.js';
import { EntriesService } from '../entries/entries.service.js';
import { slugify } from '../entries/entry-rules.js';

/** The fewest nominees a published shortlist may have: the category's min, else one. */
function minimum(category: Category): number {
  return category.minNominees ?? 1;
}

@Injectable()
export class ShortlistsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly ceremonies: CeremoniesService,
    private readonly entries: EntriesService,
  ) {}

  async get(query: CategoryScoped): Promise<ShortlistView> {
    const category = await this.ceremonies.findCategory(query.ceremony, query.category);
    return this.view(this.dataSource.manager, category);
  }

  /**
   * Replaces the category's draft shortlist with these entries, in this order (400 outside the
   * category's bounds or naming an entry of another category; 409 once published). A nominee keeps
   * its id while its entry stays on the list, so a re-ordered draft does not churn ids.
   */
  async set(command: SetShortlistCommand): Promise<ShortlistView> {
    return this.dataSource.transaction(async (manager) => {
      const category = await this.ceremonies.findCategory(command.ceremony, command.category, manager, true);
      return this.replace(manager, category, command.entryIds);
    });
  }

  /** `set` in the caller's transaction, the category row already locked. */
  async replace(manager: EntityManager, category: Category, entryIds: readonly string[]): Promise<ShortlistView> {
    this.assertOpen(category);
    const problems: { path: string; message: string }[] = [];
    const firstIndex = new Map<string, number>();
    entryIds.forEach((id, i) => {
      const first = firstIndex.get(id);
      if (first !== undefined) problems.push({ path: `entryIds/${i}`, message: `repeats entryIds/${first}` });
      else firstIndex.set(id, i);
    });
    const found = await this.entries.byIds(manager, category.id, [...firstIndex.keys()]);
    entryIds.forEach((id, i) => {
      if (firstIndex.get(id) === i && !found.has(id)) problems.push({ path: `entryIds/${i}`, message: `no entry ${id} in ${category.name}` });
    });
    const count = firstIndex.size;
    if (category.maxNominees !== null && count > category.maxNominees)
      problems.push({ path: 'entryIds', message: `lists ${count} nominees, more than the ${category.maxNominees} allowed for ${category.name}` });
    if (count < minimum(category)) problems.push({ path: 'entryIds', message: `lists ${count} nominees, fewer than the ${minimum(category)} required for ${category.name}` });
    if (problems.length) throw LaurelError.badRequest(`the shortlist has ${problems.length} problem(s)`, problems);

    const previous = await manager.find(Nominee, { where: { categoryId: category.id } });
    const idByEntry = new Map(previous.filter((n) => n.entryId).map((n) => [n.entryId!, n.id]));
    await manager.delete(Nominee, { categoryId: category.id });
    const slugs = new Set<string>();
    const nominees = [...firstIndex.keys()].map((entryId, position) => {
      const entry = found.get(entryId)!;
      const base = slugify(entry.organisation ?? entry.title ?? 'nominee');
      let slug = base;
      for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`;
      slugs.add(slug);
      return Object.assign(new Nominee(), {
        id: idByEntry.get(entryId) ?? randomUUID(),
        ceremonyId: category.ceremonyId,
        categoryId: category.id,
        slug,
        organisation: entry.organisation,
        kind: entry.kind,
        title: entry.title,
        pronunciation: null,
        position,
        entryId,
      });
    });
    await manager.insert(Nominee, nominees);
    return this.view(manager, category);
  }

  /**
   * Publishes the shortlist: checked against the bounds, stamped, and announced through the outbox
   * (`shortlist.published`; jury and announcements replace the category's nominees with it). From then
   * on the shortlist is frozen: set and publish answer 409.
   */
  async publish(command: CategoryScoped): Promise<ShortlistView> {
    return this.outbox.transaction(async (manager) => {
      const category = await this.ceremonies.findCategory(command.ceremony, command.category, manager, true);
      return this.publishIn(manager, category, null);
    });
  }

  /**
   * `publish` in the caller's transaction (the category row locked), recording the jury's screening round
   * when the shortlist is the one it froze (`gala.events.jury.shortlist.frozen`, shortlists.handler.ts).
   */
  async publishIn(manager: EntityManager, category: Category, roundId: string | null): Promise<ShortlistView> {
    this.assertOpen(category);
    const nominees = await manager.find(Nominee, { where: { categoryId: category.id }, order: { position: 'ASC' } });
    if (nominees.length < minimum(category))
      throw LaurelError.conflict(`the shortlist of ${category.name} has ${nominees.length} nominee(s); at least ${minimum(category)} are needed to publish`);
    if (category.maxNominees !== null && nominees.length > category.maxNominees)
      throw LaurelError.conflict(`the shortlist of ${category.name} has ${nominees.length} nominees; at most ${category.maxNominees} may be published`);
    category.shortlistPublishedAt = new Date();
    category.shortlistRoundId = roundId;
    await manager.update(Category, { id: category.id }, { shortlistPublishedAt: category.shortlistPublishedAt, shortlistRoundId: roundId });
    await this.outbox.add(manager, 'gala.events.nominations.shortlist.published', category.ceremonyId, {
      categoryId: category.id,
      nominees: nominees.map(nomineeView),
    });
    return this.view(manager, category);
  }

  private assertOpen(category: Category): void {
    if (category.shortlistPublishedAt)
      throw LaurelError.conflict(`the shortlist of ${category.name} was published at ${category.shortlistPublishedAt.toISOString()}; it is frozen`, {
        publishedAt: category.shortlistPublishedAt.toISOString(),
      });
  }

  private async view(manager: EntityManager, category: Category): Promise<ShortlistView> {
    const nominees = await manager.find(Nominee, { where: { categoryId: category.id }, order: { position: 'ASC' } });
    return {
      categoryId: category.id,
      nominees: nominees.map((n) => ({ ...nomineeView(n), entryId: n.entryId })),
      bounds: { min: category.minNominees, max: category.maxNominees },
      publishedAt: category.shortlistPublishedAt?.toISOString() ?? null,
      roundId: category.shortlistRoundId,
    };
  }
}
