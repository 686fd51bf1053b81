import { Controller } from '@nestjs/common';
import type { CueCommand, CueResult, ResetRehearsalCommand, ShowQuery, ShowSnapshot } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { traceHop } from '#observability';
import { operatorOf } from './operator.js';
import { ShowService } from './show.service.js';

@Controller()
export class ShowController {
  constructor(private readonly show: ShowService) {}

  @Command('announcements.show.cue')
  async cue(request: CueCommand, ctx: CommandContext): Promise<CueResult> {
    traceHop('cue.command');
    const result = await this.show.cue(request, operatorOf(ctx.actor));
    traceHop('cue.answered');
    return result;
  }

  @Command('announcements.show.snapshot')
  async snapshot(request: ShowQuery): Promise<ShowSnapshot> {
    return this.show.snapshot(request.ceremony, request.rehearsal ? 'rehearsal' : 'live');
  }

  @Command('announcements.rehearsal.reset')
  async resetRehearsal(request: ResetRehearsalCommand): Promise<{ reset: true; seq: number }> {
    return this.show.resetRehearsal(request.ceremony);
  }
}
