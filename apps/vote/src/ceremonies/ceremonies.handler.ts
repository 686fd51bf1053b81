import { Injectable } from '@nestjs/common';
import type { EventData, EventEnvelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { VoteCategory, VoteCeremony } from './vote-ceremony.entity.js';

/** The vote's read model of ceremonies and categories, from nominations' public events. */
@Injectable()
export class CeremoniesHandler {
  @OnEvent('gala.events.nominations.ceremony.imported')
  async onImported(event: EventEnvelope<EventData<'gala.events.nominations.ceremony.imported'>>, { manager }: EventContext): Promise<void> {
    const { ceremony, categories } = event.data;
    await manager.upsert(VoteCeremony, { id: ceremony.id, slug: ceremony.slug, locale: ceremony.locale ?? 'sv-SE' }, ['id']);
    for (const c of categories) {
      await manager.upsert(VoteCategory, { id: c.id, ceremonyId: ceremony.id, slug: c.slug, name: c.name, vote: c.vote ?? null, nominees: c.nominees }, ['id']);
    }
  }

  @OnEvent('gala.events.nominations.shortlist.published')
  async onShortlist(event: EventEnvelope<EventData<'gala.events.nominations.shortlist.published'>>, { manager }: EventContext): Promise<void> {
    const updated = await manager.update(VoteCategory, { id: event.data.categoryId }, { nominees: event.data.nominees });
    if (!updated.affected) throw new Error(`shortlist for unknown category ${event.data.categoryId}; will retry`);
  }
}
