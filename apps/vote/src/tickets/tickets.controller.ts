import { Controller } from '@nestjs/common';
import type { IssuedTickets, IssueTicketsCommand, RevokeTicketCommand } from '#contracts';
import { Command } from '#messaging';
import { TicketsService } from './tickets.service.js';

@Controller()
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Command('vote.tickets.issue')
  async issue(command: IssueTicketsCommand): Promise<IssuedTickets> {
    return this.tickets.issue(command);
  }

  @Command('vote.tickets.revoke')
  async revoke(command: RevokeTicketCommand): Promise<{ revoked: true }> {
    return this.tickets.revoke(command);
  }
}
