import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LaurelError, type IssuedTickets, type TicketStatus, type VoteExport, type VoteProof, type VoteReceipt, type VoteWindowView } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { ANYONE, Roles } from '../auth/roles.js';
import { CastVoteBody, IssueTicketsBody, OpenVoteBody, TicketStatusBody } from '../http/bodies.js';
import { ticketsCsv } from './tickets-csv.js';
import { castVoteFields, VoteSender } from './vote-sender.js';

/** The audience vote (Publikpriset, issue 16): tickets, the window, votes with receipts, proofs after the reveal. */
@ApiTags('vote')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c')
export class VoteController {
  constructor(
    private readonly services: ServiceClient,
    private readonly sender: VoteSender,
  ) {}

  @Post('tickets')
  @HttpCode(201)
  @Roles('admin')
  @ApiQuery({ name: 'format', required: false, enum: ['csv'] })
  @ApiOperation({
    summary: 'Issue voter tickets: { count, label? } → { batchId, tickets: [{ id, token }] }; ?format=csv for a ticketing system',
    description: 'Each token is shown once, here: only its sha256 is stored. The QR link of a ticket is /vote/:c#t=<token>.',
  })
  async issue(@CeremonyId() ceremony: string, @Body() body: IssueTicketsBody, @Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response, @Caller() credential: string | null): Promise<IssuedTickets | string> {
    if (format !== undefined && format !== 'csv') throw LaurelError.badRequest('format must be csv', [{ path: 'format', message: 'must be csv' }]);
    const issued = await this.services.request('vote.tickets.issue', { ...body, ceremony }, { credential });
    if (format !== 'csv') return issued;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="voter-tickets-${issued.batchId}.csv"`);
    return ticketsCsv(issued);
  }

  @Delete('tickets/:ticketId')
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke a voter ticket: it votes no more (votes already counted stand)' })
  async revoke(@CeremonyId() ceremony: string, @Param('ticketId') ticketId: string, @Caller() credential: string | null): Promise<{ revoked: true }> {
    return this.services.request('vote.tickets.revoke', { ceremony, ticketId }, { credential });
  }

  @Post('categories/:cat/vote/open')
  @HttpCode(200)
  @Roles('producer', 'admin')
  @ApiOperation({ summary: "Open the category's audience vote: { durationSeconds } (the stage's countdown; it closes by itself at the end)" })
  async open(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: OpenVoteBody, @Caller() credential: string | null): Promise<VoteWindowView> {
    return this.services.request('vote.window.open', { ...body, ceremony, category }, { credential });
  }

  @Post('categories/:cat/vote/close')
  @HttpCode(200)
  @Roles('producer', 'admin')
  @ApiOperation({ summary: "Close the category's audience vote now; the tally is sealed once every vote taken is counted" })
  async close(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<VoteWindowView> {
    return this.services.request('vote.window.close', { ceremony, category }, { credential });
  }

  @Get('votes')
  @Roles(...ANYONE)
  @ApiOperation({ summary: 'Every audience vote of the ceremony: state and closing time; turnout for the crew and screens only; never the standings' })
  async status(@CeremonyId() ceremony: string, @Caller() credential: string | null): Promise<VoteWindowView[]> {
    return this.services.request('vote.status', { ceremony }, { credential });
  }

  @Post('categories/:cat/votes')
  @HttpCode(201)
  @Roles(...ANYONE)
  @ApiOperation({
    summary: 'Vote with a voter ticket: { ticket, nomineeId } → the receipt',
    description:
      '401 for an unknown or revoked ticket; 400 for a nominee of another category; 409 "the vote is closed" outside the window (server time); ' +
      '409 "this ticket has already voted in <category>" for a second vote (the first stands).',
  })
  @ApiBody({ type: CastVoteBody })
  async cast(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: unknown): Promise<VoteReceipt> {
    // Checked by hand (castVoteProblems: CastVoteBody's rules and messages), not by the global pipe: the vote path
    // is the one hot path of the API (docs/performance.md, Issue 16). The caller's token was checked by the guard;
    // the ticket is the vote's authority, checked by the vote service.
    return this.sender.cast({ ...castVoteFields(body), ceremony, category });
  }

  @Post('tickets/status')
  @HttpCode(200)
  @Roles(...ANYONE)
  @ApiOperation({ summary: "A voter ticket's own status: { ticket } → { votedIn: [categoryId] } (401 for an unknown or revoked ticket)" })
  async ticketStatus(@CeremonyId() ceremony: string, @Body() body: TicketStatusBody, @Caller() credential: string | null): Promise<TicketStatus> {
    return this.services.request('vote.ticket.status', { ...body, ceremony }, { credential });
  }

  @Get('categories/:cat/votes/proof')
  @Roles(...ANYONE)
  @ApiQuery({ name: 'receipt', required: true })
  @ApiOperation({ summary: "After the reveal: a vote receipt's inclusion proof in the sealed vote root" })
  async proof(@CeremonyId() ceremony: string, @Param('cat') category: string, @Query('receipt') receipt: string | undefined, @Caller() credential: string | null): Promise<VoteProof> {
    return this.services.request('vote.proof', { ceremony, category, receipt: receipt ?? '' }, { credential });
  }

  @Get('categories/:cat/votes/export')
  @Roles('admin')
  @ApiOperation({ summary: 'After the reveal: the vote log of the category with its seal, to recount (./laurel audit votes)' })
  async export(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<VoteExport> {
    return this.services.request('vote.export', { ceremony, category }, { credential });
  }
}

