import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainRefusal, LaurelError, type IssuedTickets, type IssueTicketsCommand, type RevokeTicketCommand } from '#contracts';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { Ticket } from './ticket.entity.js';

export function ticketHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Voter tickets: issued in batches by the organiser; a ticket is 16 random bytes, kept as its sha256 only. */
@Injectable()
export class TicketsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ceremonies: CeremoniesService,
  ) {}

  async issue(command: IssueTicketsCommand): Promise<IssuedTickets> {
    const ceremony = await this.ceremonies.ceremony(command.ceremony);
    const batchId = randomUUID();
    const issuedAt = new Date();
    const label = command.label ?? null;
    const tickets = Array.from({ length: command.count }, () => ({ id: randomUUID(), token: randomBytes(16).toString('base64url') }));
    await this.dataSource.transaction(async (manager) => {
      for (let i = 0; i < tickets.length; i += 1000) {
        const rows = tickets.slice(i, i + 1000).map((t) => ({ id: t.id, ceremonyId: ceremony.id, tokenHash: ticketHash(t.token), batchId, label, issuedAt, revokedAt: null }));
        await manager.insert(Ticket, rows);
      }
    });
    return { ceremonyId: ceremony.id, batchId, label, issuedAt: issuedAt.toISOString(), tickets };
  }

  async revoke(command: RevokeTicketCommand): Promise<{ revoked: true }> {
    const ceremony = await this.ceremonies.ceremony(command.ceremony);
    const ticket = await this.dataSource.manager.findOne(Ticket, { where: { id: command.ticketId, ceremonyId: ceremony.id } });
    if (!ticket) throw new DomainRefusal('not-found', 'unknown ticket', `no voter ticket ${command.ticketId} in ${ceremony.slug}`);
    if (!ticket.revokedAt) await this.dataSource.manager.update(Ticket, { id: ticket.id }, { revokedAt: new Date() });
    return { revoked: true };
  }

  /** The ticket's hash when it may vote in the ceremony; 401 for an unknown or revoked ticket. */
  async admit(ceremonyId: string, token: string): Promise<string> {
    const hash = ticketHash(token);
    const rows: { revoked_at: Date | null }[] = await this.dataSource.query(`SELECT revoked_at FROM vote.tickets WHERE token_hash = $1 AND ceremony_id = $2`, [hash, ceremonyId]);
    if (rows.length === 0 || rows[0].revoked_at !== null) throw new LaurelError(401, 'unknown or revoked voter ticket');
    return hash;
  }
}
