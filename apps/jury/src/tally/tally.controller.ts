import { Controller } from '@nestjs/common';
import type { BallotExport, BallotExportQuery, BallotProof, BallotProofQuery } from '#contracts';
import { Command, type CommandContext } from '#messaging';
import { TallyService } from './tally.service.js';

@Controller()
export class TallyController {
  constructor(private readonly tally: TallyService) {}

  @Command('jury.ballot.proof')
  async proof(query: BallotProofQuery, { actor }: CommandContext): Promise<BallotProof> {
    return this.tally.proof(query, actor);
  }

  @Command('jury.ballots.export')
  async export(query: BallotExportQuery, { actor }: CommandContext): Promise<BallotExport> {
    return this.tally.export(query, actor);
  }
}
