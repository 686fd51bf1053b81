import { Controller } from '@nestjs/common';
import type { CueCommand, CueResult, ResetRehearsalCommand, ResultsQuery, RevealedEvent, ShowQuery, ShowSnapshot } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { CuesService, operatorOf } from './cues.service.js';

@Controller()
export class CuesController {
  constructor(private readonly cues: CuesService) {}

  @Command('announcements.show.cue')
  async cue(request: CueCommand, ctx: CommandContext): Promise<CueResult> {
    return this.cues.cue(request, operatorOf(ctx.actor));
  }

  @Command('announcements.show.snapshot')
  async snapshot(request: ShowQuery): Promise<ShowSnapshot> {
    return this.cues.snapshot(request.ceremony, request.rehearsal ? 'rehearsal' : 'live');
  }

  @Command('announcements.results.list')
  async results(request: ResultsQuery): Promise<Omit<RevealedEvent, 'showAt'>[]> {
    return this.cues.results(request.ceremony);
  }

  @Command('announcements.results.csv')
  async resultsCsv(request: ResultsQuery): Promise<{ csv: string; filename: string }> {
    return this.cues.resultsCsv(request.ceremony);
  }

  @Command('announcements.rehearsal.reset')
  async resetRehearsal(request: ResetRehearsalCommand): Promise<{ reset: true; seq: number }> {
    return this.cues.resetRehearsal(request.ceremony);
  }
}
