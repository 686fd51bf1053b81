import { Controller } from '@nestjs/common';
import type {
  AdjustShortlistCommand,
  AssignmentView,
  AssignScreeningCommand,
  DeclareEntryConflictCommand,
  FreezeShortlistCommand,
  FrozenShortlist,
  LockReviewCommand,
  OpenScreeningCommand,
  ReviewView,
  SaveReviewCommand,
  ScreeningQuery,
  ScreeningRanking,
  ScreeningView,
} from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { ScreeningService } from './screening.service.js';

/** `jury.screening.*`: the screening round of a category (issue 15). */
@Controller()
export class ScreeningController {
  constructor(private readonly screening: ScreeningService) {}

  @Command('jury.screening.open')
  async open(command: OpenScreeningCommand, { actor }: CommandContext): Promise<ScreeningView> {
    return this.screening.open(command, actor);
  }

  @Command('jury.screening.assign')
  async assign(command: AssignScreeningCommand, { actor }: CommandContext): Promise<AssignmentView> {
    return this.screening.assign(command, actor);
  }

  @Command('jury.screening.get')
  async get(query: ScreeningQuery, { actor }: CommandContext): Promise<ScreeningView> {
    return this.screening.get(query, actor);
  }

  @Command('jury.screening.conflict')
  async conflict(command: DeclareEntryConflictCommand, { actor }: CommandContext): Promise<{ declared: true }> {
    return this.screening.declareConflict(command, actor);
  }

  @Command('jury.screening.review.save')
  async save(command: SaveReviewCommand, { actor }: CommandContext): Promise<ReviewView> {
    return this.screening.saveReview(command, actor);
  }

  @Command('jury.screening.review.lock')
  async lock(command: LockReviewCommand, { actor }: CommandContext): Promise<ReviewView> {
    return this.screening.lockReview(command, actor);
  }

  @Command('jury.screening.ranking')
  async ranking(query: ScreeningQuery, { actor }: CommandContext): Promise<ScreeningRanking> {
    return this.screening.ranking(query, actor);
  }

  @Command('jury.screening.adjust')
  async adjust(command: AdjustShortlistCommand, { actor }: CommandContext): Promise<ScreeningRanking> {
    return this.screening.adjust(command, actor);
  }

  @Command('jury.screening.freeze')
  async freeze(command: FreezeShortlistCommand, { actor }: CommandContext): Promise<FrozenShortlist> {
    return this.screening.freeze(command, actor);
  }
}
