import { Controller } from '@nestjs/common';
import type { GetShortlistQuery, PublishShortlistCommand, SetShortlistCommand, ShortlistView } from '#contracts';
import { Command } from '#messaging';
import { ShortlistsService } from './shortlists.service.js';

/** The shortlist is the organiser's: its subjects admit the admin only (libs/contracts). */
@Controller()
export class ShortlistsController {
  constructor(private readonly shortlists: ShortlistsService) {}

  @Command('nominations.shortlist.get')
  async get(request: GetShortlistQuery): Promise<ShortlistView> {
    return this.shortlists.get(request);
  }

  @Command('nominations.shortlist.set')
  async set(request: SetShortlistCommand): Promise<ShortlistView> {
    return this.shortlists.set(request);
  }

  @Command('nominations.shortlist.publish')
  async publish(request: PublishShortlistCommand): Promise<ShortlistView> {
    return this.shortlists.publish(request);
  }
}
