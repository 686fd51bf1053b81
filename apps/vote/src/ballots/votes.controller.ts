import { Controller } from '@nestjs/common';
import type { CastVoteCommand, TicketStatus, TicketStatusQuery, VoteExport, VoteExportQuery, VoteProof, VoteProofQuery, VoteReceipt } from '#contracts';
import { Command } from '#messaging';
import { VotesService } from './votes.service.js';

@Controller()
export class VotesController {
  constructor(private readonly votes: VotesService) {}

  @Command('vote.cast')
  async cast(command: CastVoteCommand): Promise<VoteReceipt> {
    return this.votes.cast(command);
  }

  @Command('vote.ticket.status')
  async ticketStatus(query: TicketStatusQuery): Promise<TicketStatus> {
    return this.votes.ticketStatus(query);
  }

  @Command('vote.proof')
  async proof(query: VoteProofQuery): Promise<VoteProof> {
    return this.votes.proof(query);
  }

  @Command('vote.export')
  async export(query: VoteExportQuery): Promise<VoteExport> {
    return this.votes.export(query);
  }
}
