import { Controller } from '@nestjs/common';
import type { BallotExport, BallotExportQuery, BallotProof, BallotProofQuery } from '#contracts';
import { Command } from '#messaging';
import { TallyService } from './tally.service.js';

@Controller()
export class TallyController {
  constructor(private readonly tally: TallyService) {}

  @Command('jury.ballot.proof')
  async proof(query: BallotProofQuery): Promise<BallotProof> {
    return this.tally.proof(query);
  }

  @Command('jury.ballots.export')
  async export(query: BallotExportQuery): Promise<BallotExport> {
    return this.tally.export(query);
  }
}
