import { Controller } from '@nestjs/common';
import type { GetShortlistQuery, PublishShortlistCommand, SetShortlistCommand, ShortlistView } from '#contracts';
import { Command } from '#messaging';
import { requireAdmin } from '../entries/entries.controller.js';
import { ShortlistsService } from './shortlists.service.js';

@Controller()
export class ShortlistsController {
  constructor(private readonly shortlists: ShortlistsService) {}

  @Command('nominations.shortlist.get')
  async get(request: GetShortlistQuery): Promise<ShortlistView> {
    requireAdmin(request.actor);
    return this.shortlists.get(request);
  }

  @Command('nominations.shortlist.set')
  async set(request: SetShortlistCommand): Promise<ShortlistView> {
    requireAdmin(request.actor);
    return this.shortlists.set(request);
  }

  @Command('nominations.shortlist.publish')
  async publish(request: PublishShortlistCommand): Promise<ShortlistView> {
    requireAdmin(request.actor);
    return this.shortlists.publish(request);
  }
}
