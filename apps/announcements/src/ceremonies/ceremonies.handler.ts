import { Injectable } from '@nestjs/common';
import type { EventData, EventEnvelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { CeremonyReadModel } from './ceremony-read-model.entity.js';

@Injectable()
export class CeremoniesHandler {
  @OnEvent('gala.events.nominations.ceremony.imported')
  async onImported(event: EventEnvelope<EventData<'gala.events.nominations.ceremony.imported'>>, { manager }: EventContext): Promise<void> {
    const { ceremony, categories, about, timing } = event.data;
    await manager.upsert(CeremonyReadModel, { id: ceremony.id, slug: ceremony.slug, view: { ceremony, categories, about, ...(timing ? { timing } : {}) } }, ['id']);
  }

  @OnEvent('gala.events.nominations.shortlist.published')
  async onShortlist(event: EventEnvelope<EventData<'gala.events.nominations.shortlist.published'>>, { manager }: EventContext): Promise<void> {
    const row = await manager.findOne(CeremonyReadModel, { where: { id: event.ceremonyId }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw new Error(`shortlist for unknown ceremony ${event.ceremonyId}; will retry`);
    const categories = row.view.categories.map((c) => (c.id === event.data.categoryId ? { ...c, nominees: event.data.nominees } : c));
    await manager.update(CeremonyReadModel, { id: row.id }, { view: { ...row.view, categories } });
  }
}
