import { Controller } from '@nestjs/common';
import type { CastVoteBatchCommand, CastVoteCommand, CastVoteOutcome, TicketStatus, TicketStatusQuery, VoteExport, VoteExportQuery, VoteProof, VoteProofQuery, VoteReceipt } from '#contracts';
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

  /** A gateway's votes in one message (one database round trip, the publications in parallel); one outcome per vote. */
  @Command('vote.cast.batch')
  async castBatch(command: CastVoteBatchCommand): Promise<CastVoteOutcome[]> {
    const started = process.hrtime.bigint();
    const outcomes = await this.votes.castMany(command.votes);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const byOutcome = new Map<string, number>();
    for (const o of outcomes) {
      const label = 'receipt' in o ? 'accepted' : String(o.error.statusCode);
      byOutcome.set(label, (byOutcome.get(label) ?? 0) + 1);
      voteSeconds.observe(seconds);
    }
    for (const [outcome, n] of byOutcome) votesCast.inc({ outcome }, n);
    return outcomes;
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
