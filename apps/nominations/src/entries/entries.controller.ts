import { Controller } from '@nestjs/common';
import { LaurelError, type Actor, type EntryPage, type EntryView, type ImportEntriesCommand, type ImportEntriesResult, type ListEntriesQuery, type SubmitEntryCommand } from '#contracts';
import { Command } from '#messaging';
import { EntriesService } from './entries.service.js';

/** Entries and shortlists are the organiser's: the gateway checks the token, and this checks the actor it names. */
export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw LaurelError.forbidden('only the organiser (admin) manages entries and shortlists');
}

/** Entries are admin business (they hold contact details); the gateway lets only the admin through. */
@Controller()
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Command('nominations.entry.submit')
  async submit(request: SubmitEntryCommand): Promise<EntryView> {
    requireAdmin(request.actor);
    return this.entries.submit(request);
  }

  @Command('nominations.entry.import')
  async import(request: ImportEntriesCommand): Promise<ImportEntriesResult> {
    requireAdmin(request.actor);
    return this.entries.import(request);
  }

  @Command('nominations.entry.list')
  async list(request: ListEntriesQuery): Promise<EntryPage> {
    requireAdmin(request.actor);
    return this.entries.list(request);
  }
}
