import { Injectable } from '@nestjs/common';
import { LaurelError, type EventData, type EventEnvelope } from '#contracts';
import { OnEvent, PermanentEventError, type EventContext } from '#messaging';
import { contextLogger } from '#observability';
import { Category } from '../ceremonies/category.entity.js';
import { ShortlistsService } from './shortlists.service.js';

const log = contextLogger('ShortlistsHandler');

/**
 * The jury froze a screening round's shortlist: its entries become the category's nominees and the
 * shortlist is published (recording the round), so the nominees go on to the final round as before.
 */
@Injectable()
export class ShortlistsHandler {
  constructor(private readonly shortlists: ShortlistsService) {}

  @OnEvent('gala.events.jury.shortlist.frozen')
  async onFrozen(event: EventEnvelope<EventData<'gala.events.jury.shortlist.frozen'>>, { manager }: EventContext): Promise<void> {
    const { categoryId, roundId, entryIds } = event.data;
    const category = await manager.findOne(Category, { where: { id: categoryId }, lock: { mode: 'pessimistic_write' } });
    if (!category) throw new PermanentEventError(`shortlist frozen for unknown category ${categoryId}`);
    if (category.shortlistPublishedAt) {
      log.warn(`the frozen shortlist of round ${roundId} arrived for category ${categoryId}, whose shortlist is already published; ignored`);
      return;
    }
    try {
      await this.shortlists.replace(manager, category, entryIds);
      await this.shortlists.publishIn(manager, category, roundId);
    } catch (error) {
      // The same entries will be refused however often the event comes: park it, with the reason in the log.
      if (error instanceof LaurelError) throw new PermanentEventError(`the frozen shortlist of round ${roundId} cannot be published: ${error.message}`);
      throw error;
    }
  }
}
