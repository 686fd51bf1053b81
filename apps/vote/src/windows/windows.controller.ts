import { Controller } from '@nestjs/common';
import type { CloseVoteCommand, OpenVoteCommand, VoteStatusQuery, VoteWindowView } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { WindowsService } from './windows.service.js';

@Controller()
export class WindowsController {
  constructor(private readonly windows: WindowsService) {}

  @Command('vote.window.open')
  async open(command: OpenVoteCommand): Promise<VoteWindowView> {
    return this.windows.open(command);
  }

  @Command('vote.window.close')
  async close(command: CloseVoteCommand): Promise<VoteWindowView> {
    return this.windows.close(command);
  }

  @Command('vote.status')
  async status(query: VoteStatusQuery, { actor }: CommandContext): Promise<VoteWindowView[]> {
    return this.windows.status(query, actor);
  }
}
