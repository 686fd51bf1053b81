import { Controller } from '@nestjs/common';
import type { DeliberationComment, DeliberationQuery, DeliberationThread, DeliberationView, MarkDiscussedCommand, PostCommentCommand } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { DeliberationService } from './deliberation.service.js';

/** `jury.deliberation.*`: panel-only threads per nominee (issue 15). */
@Controller()
export class DeliberationController {
  constructor(private readonly deliberation: DeliberationService) {}

  @Command('jury.deliberation.get')
  async get(query: DeliberationQuery, { actor }: CommandContext): Promise<DeliberationView> {
    return this.deliberation.get(query, actor);
  }

  @Command('jury.deliberation.comment')
  async comment(command: PostCommentCommand, { actor }: CommandContext): Promise<DeliberationComment> {
    return this.deliberation.comment(command, actor);
  }

  @Command('jury.deliberation.discussed')
  async discussed(command: MarkDiscussedCommand, { actor }: CommandContext): Promise<DeliberationThread> {
    return this.deliberation.discussed(command, actor);
  }
}
