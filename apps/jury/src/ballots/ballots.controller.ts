import { Controller } from '@nestjs/common';
import type { BallotQuery, BallotView, LockBallotCommand, ReopenBallotCommand, SaveBallotCommand } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { BallotsService } from './ballots.service.js';

@Controller()
export class BallotsController {
  constructor(private readonly ballots: BallotsService) {}

  @Command('jury.ballot.get')
  async get(query: BallotQuery, { actor }: CommandContext): Promise<BallotView> {
    return this.ballots.get(query, actor);
  }

  @Command('jury.ballot.save')
  async save(command: SaveBallotCommand, { actor }: CommandContext): Promise<BallotView> {
    return this.ballots.save(command, actor);
  }

  @Command('jury.ballot.lock')
  async lock(command: LockBallotCommand, { actor }: CommandContext): Promise<BallotView> {
    return this.ballots.lock(command, actor);
  }

  @Command('jury.ballot.reopen')
  async reopen(command: ReopenBallotCommand, { actor }: CommandContext): Promise<BallotView> {
    return this.ballots.reopen(command, actor);
  }
}
