import { Controller } from '@nestjs/common';
import type { CastVoteCommand, TicketStatus, TicketStatusQuery, VoteExport, VoteExportQuery, VoteProof, VoteProofQuery, VoteReceipt } from '#contracts';
import { Command } from '#messaging';
import { voteSeconds, votesCast } from './vote-metrics.js';
import { VotesService } from './votes.service.js';

@Controller()
export class VotesController {
  constructor(private readonly votes: VotesService) {}

  @Command('vote.cast')
  async cast(command: CastVoteCommand): Promise<VoteReceipt> {
    const end = voteSeconds.startTimer();
    try {
      const receipt = await this.votes.cast(command);
      votesCast.inc({ outcome: 'accepted' });
      return receipt;
    } catch (error) {
      votesCast.inc({ outcome: String((error as { statusCode?: number }).statusCode ?? 500) });
      throw error;
    } finally {
      end();
    }
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
