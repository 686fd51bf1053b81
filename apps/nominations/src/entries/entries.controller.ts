import { Controller } from '@nestjs/common';
import type { EntryPage, EntryView, ImportEntriesCommand, ImportEntriesResult, ListEntriesQuery, SubmitEntryCommand } from '#contracts';
import { Command } from '#messaging';
import { EntriesService } from './entries.service.js';

/** Entries are admin business (they hold contact details): their subjects admit the admin only (libs/contracts). */
@Controller()
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Command('nominations.entry.submit')
  async submit(request: SubmitEntryCommand): Promise<EntryView> {
    return this.entries.submit(request);
  }

  @Command('nominations.entry.import')
  async import(request: ImportEntriesCommand): Promise<ImportEntriesResult> {
    return this.entries.import(request);
  }

  @Command('nominations.entry.list')
  async list(request: ListEntriesQuery): Promise<EntryPage> {
    return this.entries.list(request);
  }
}
