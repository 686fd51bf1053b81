import { Controller } from '@nestjs/common';
import type { BallotQuery, BallotView, LockBallotCommand, ReopenBallotCommand, SaveBallotCommand } from '#contracts';
import { Command } from '#messaging';
import { BallotsService } from './ballots.service.js';

@Controller()
export class BallotsController {
  constructor(private readonly ballots: BallotsService) {}

  @Command('jury.ballot.get')
  async get(query: BallotQuery): Promise<BallotView> {
    return this.ballots.get(query);
  }

  @Command('jury.ballot.save')
  async save(command: SaveBallotCommand): Promise<BallotView> {
    return this.ballots.save(command);
  }

  @Command('jury.ballot.lock')
  async lock(command: LockBallotCommand): Promise<BallotView> {
    return this.ballots.lock(command);
  }

  @Command('jury.ballot.reopen')
  async reopen(command: ReopenBallotCommand): Promise<BallotView> {
    return this.ballots.reopen(command);
  }
}
