import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import {
  castVoteProblems,
  type CastVoteOutcome,
  DomainRefusal,
  LaurelError,
  voteProof,
  type CastVoteCommand,
  type EventEnvelope,
  type TicketStatus,
  type TicketStatusQuery,
  type VoteCastData,
  type VoteExport,
  type VoteExportQuery,
  type VoteProof,
  type VoteProofQuery,
  type VoteReceipt,
  voteReceiptText,
} from '#contracts';
import { type JetStreamPublisher, NatsBus } from '#messaging';
import { CORRELATION_HEADER, currentCorrelationId } from '#observability';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { ticketHash as ticketHashOf, TicketsService } from '../tickets/tickets.service.js';
import type { VoteCategory, VoteCeremony } from '../ceremonies/vote-ceremony.entity.js';
import { VoteWindow } from '../windows/vote-window.entity.js';
import { endOf, stateOf, VOTE_GRACE_MS } from '../windows/window-rules.js';
import { Vote } from './vote.entity.js';

/** The vote's event id (and JetStream msgID): one per (category, ticket), as a UUID so processed_events takes it. */
export function voteEventId(categoryId: string, ticketHash: string): string {
  const h = createHash('sha256').update(`vote:${categoryId}:${ticketHash}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The receipt (vote-receipt.ts's contract) with node's SHA-256: the same bytes as computeVoteReceipt, one per vote. */
function receiptOf(categoryId: string, nomineeId: string, salt: string): string {
  return createHash('sha256').update(voteReceiptText({ categoryId, nomineeId, salt })).digest('hex');
}

/**
 * Taking a vote: the ticket, the ballot and the window are checked here (server time), then the vote goes to the
 * vote log (JetStream, msgID per ticket and category) and the caller gets a receipt once the log holds it. The
 * count is the vote log's consumer's (VoteCounter), exactly once.
 */
@Injectable()
export class VotesService {
  /** Votes into the log with their acknowledgements on one subscription (no per-vote request machinery). */
  private readonly log: JetStreamPublisher;

  constructor(
    private readonly dataSource: DataSource,
    bus: NatsBus,
    private readonly ceremonies: CeremoniesService,
    private readonly tickets: TicketsService,
  ) {
    this.log = bus.publisher(VOTE_GRACE_MS);
  }

  async cast(command: CastVoteCommand): Promise<VoteReceipt> {
    const [outcome] = await this.castMany([command]);
    if ('error' in outcome) throw new LaurelError(outcome.error.statusCode, outcome.error.message, outcome.error.details);
    return outcome.receipt;
  }

  /**
   * Many votes at once (a gateway's batch, or one vote): each is checked and answered on its own, by the same rules
   * as one, but the ticket and window check is one database round trip for them all and their publications to the
   * vote log are sent together and awaited in parallel. Outcomes in the order of the votes.
   */
  async castMany(raw: readonly unknown[]): Promise<CastVoteOutcome[]> {
    const outcomes: (CastVoteOutcome | undefined)[] = new Array(raw.length);
    const refuse = (i: number, error: unknown) => {
      if (!(error instanceof LaurelError)) throw error;
      outcomes[i] = { error: error.toBody() };
    };
    // The shape of each vote, by hand (castVoteProblems: the same rules as CastVoteCommand's), and its ballot.
    const pending: { i: number; vote: CastVoteCommand; ceremony: VoteCeremony; category: VoteCategory; ticketHash: string }[] = [];
    await Promise.all(
      raw.map(async (r, i) => {
        const problems = castVoteProblems(r, ['ceremony', 'category']);
        if (problems.length) return refuse(i, LaurelError.badRequest(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems));
        const vote = r as CastVoteCommand;
        try {
          const { ceremony, category } = await this.ballot(vote.ceremony, vote.category);
          pending.push({ i, vote, ceremony, category, ticketHash: ticketHashOf(vote.ticket) });
        } catch (error) {
          refuse(i, error);
        }
      }),
    );
    if (pending.length === 0) return outcomes as CastVoteOutcome[];
    // One round trip for them all: each ticket, each window (read now, never cached: the close must hold at once)
    // and whether each ticket's vote is already counted.
    // The window's times as epoch milliseconds (float8, read as numbers): a timestamp column costs a date parse per
    // vote and time column, four per vote, for the same few windows.
    const ms = (column: string) => `(extract(epoch FROM w.${column}) * 1000)::float8 AS ${column}`;
    const rows = await this.dataSource.query<{ i: string; ticket: boolean | null; opened_at: number | null; closes_at: number | null; closed_at: number | null; sealed_at: number | null; voted: boolean }[]>(
      `SELECT v.i, (SELECT t.revoked_at IS NULL FROM vote.tickets t WHERE t.token_hash = v.hash AND t.ceremony_id = v.ceremony) AS ticket,
              ${['opened_at', 'closes_at', 'closed_at', 'sealed_at'].map(ms).join(', ')},
              EXISTS (SELECT 1 FROM vote.votes x WHERE x.category_id = v.category AND x.ticket_hash = v.hash) AS voted
         FROM unnest($1::char(64)[], $2::uuid[], $3::uuid[]) WITH ORDINALITY AS v(hash, ceremony, category, i)
         LEFT JOIN vote.windows w ON w.category_id = v.category`,
      [pending.map((p) => p.ticketHash), pending.map((p) => p.ceremony.id), pending.map((p) => p.category.id)],
    );
    const castAt = new Date();
    const correlationId = currentCorrelationId() ?? 'none';
    const publishing: Promise<void>[] = [];
    // One draw of randomness for the batch's salts (32 bytes each), not one per vote.
    const salts = randomBytes(32 * rows.length).toString('hex');
    let drawn = 0;
    const date = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs));
    for (const row of rows) {
      const { i, vote, ceremony, category, ticketHash } = pending[Number(row.i) - 1];
      try {
        if (row.ticket !== true) throw new LaurelError(401, 'unknown or revoked voter ticket');
        if (!category.nominees.some((n) => n.id === vote.nomineeId))
          throw new DomainRefusal('invalid', 'not a nominee', `${vote.nomineeId} is not a nominee of ${category.name}`, [{ path: 'nomineeId', message: `is not a nominee of ${category.name}` }]);
        const window = row.opened_at !== null && row.closes_at !== null ? { openedAt: new Date(row.opened_at), closesAt: new Date(row.closes_at), closedAt: date(row.closed_at), sealedAt: date(row.sealed_at) } : null;
        if (stateOf(window, castAt) !== 'open') throw new DomainRefusal('conflict', 'vote closed', 'the vote is closed');
        if (row.voted) throw new DomainRefusal('conflict', 'already voted', `this ticket has already voted in ${category.name}`);
      } catch (error) {
        refuse(i, error);
        continue;
      }
      const salt = salts.slice(64 * drawn, 64 * ++drawn);
      publishing.push(
        this.publish(vote, ceremony, category, ticketHash, salt, castAt, correlationId).then(
          (receipt) => void (outcomes[i] = { receipt }),
          (error: unknown) => refuse(i, error),
        ),
      );
    }
    // Sent in one go (the NATS client writes what is published in the same turn as one write), acknowledged in parallel.
    await Promise.all(publishing);
    return outcomes as CastVoteOutcome[];
  }

  /** The vote into the vote log, with its receipt once the log holds it (and within the grace). */
  private async publish(vote: CastVoteCommand, ceremony: VoteCeremony, category: VoteCategory, ticketHash: string, salt: string, castAt: Date, correlationId: string): Promise<VoteReceipt> {
    const receipt = receiptOf(category.id, vote.nomineeId, salt);
    const id = voteEventId(category.id, ticketHash);
    const envelope: EventEnvelope<VoteCastData> = {
      id,
      type: 'votes.cast',
      version: 1,
      ceremonyId: ceremony.id,
      occurredAt: castAt.toISOString(),
      correlationId,
      data: { categoryId: category.id, nomineeId: vote.nomineeId, ticketHash, salt, receipt, castAt: castAt.toISOString() },
    };
    const h = natsHeaders();
    h.set(CORRELATION_HEADER, correlationId);
    let ack;
    try {
      ack = await this.log.publish('gala.votes.cast', JSON.stringify(envelope), { msgID: id, headers: h });
    } catch (error) {
      throw LaurelError.unavailable(`the vote could not be recorded (${(error as Error).message}); try again`);
    }
    if (ack.duplicate) throw new DomainRefusal('conflict', 'already voted', `this ticket has already voted in ${category.name}`);
    // Past the grace the log's own time says it came too late: it is not counted (window-rules.ts), so no receipt.
    if (Date.now() - castAt.getTime() > VOTE_GRACE_MS) throw LaurelError.unavailable('the vote was not recorded in time; try again');
    return { ceremonyId: ceremony.id, categoryId: category.id, nomineeId: vote.nomineeId, salt, receipt, castAt: castAt.toISOString() };
  }

  /**
   * The category and its ballot, kept for a second: what a vote is checked against besides the window (which is
   * read with every vote). A shortlist published meanwhile reaches the ballot within that second; it cannot
   * change while a vote is open anyway (the vote opens on the nominees scene).
   */
  private readonly ballots = new Map<string, { at: number; value: Promise<{ ceremony: VoteCeremony; category: VoteCategory }> }>();
  private ballot(ceremonyRef: string, categoryRef: string): Promise<{ ceremony: VoteCeremony; category: VoteCategory }> {
    const key = `${ceremonyRef}|${categoryRef}`;
    const hit = this.ballots.get(key);
    if (hit && Date.now() - hit.at < 1000) return hit.value;
    const value = this.ceremonies.votingCategory(ceremonyRef, categoryRef);
    this.ballots.set(key, { at: Date.now(), value });
    value.catch(() => this.ballots.delete(key));
    if (this.ballots.size > 1000) this.ballots.clear();
    return value;
  }

  async ticketStatus(query: TicketStatusQuery): Promise<TicketStatus> {
    const ceremony = await this.ceremonies.ceremony(query.ceremony);
    const ticketHash = await this.tickets.admit(ceremony.id, query.ticket);
    const rows: { category_id: string }[] = await this.dataSource.query(`SELECT category_id FROM vote.votes WHERE ceremony_id = $1 AND ticket_hash = $2`, [ceremony.id, ticketHash]);
    return { ceremonyId: ceremony.id, votedIn: rows.map((r) => r.category_id) };
  }

  private async revealedWindow(ceremonyRef: string, categoryRef: string): Promise<{ window: VoteWindow; slug: string; nomineeIds: string[] }> {
    const { category } = await this.ceremonies.votingCategory(ceremonyRef, categoryRef);
    const window = await this.dataSource.manager.findOne(VoteWindow, { where: { categoryId: category.id } });
    if (!window?.sealedAt || !window.revealedAt) throw new DomainRefusal('conflict', 'not revealed', `${category.name} is not revealed yet: proofs and the vote log are served after the reveal`);
    return { window, slug: category.slug, nomineeIds: category.nominees.map((n) => n.id) };
  }

  async proof(query: VoteProofQuery): Promise<VoteProof> {
    const { window } = await this.revealedWindow(query.ceremony, query.category);
    const rows: { receipt: string }[] = await this.dataSource.query(`SELECT receipt FROM vote.votes WHERE category_id = $1 AND accepted`, [window.categoryId]);
    const proof = voteProof(rows.map((r) => r.receipt), query.receipt.toLowerCase());
    if (!proof) throw new DomainRefusal('not-found', 'no such vote', 'no accepted vote has this receipt');
    return { ...proof, categoryId: window.categoryId, sealedRoot: window.voteRoot!, sealedCount: window.voteCount!, revealedAt: window.revealedAt!.toISOString() };
  }

  async export(query: VoteExportQuery): Promise<VoteExport> {
    const { window, slug, nomineeIds } = await this.revealedWindow(query.ceremony, query.category);
    const votes = await this.dataSource.manager.find(Vote, { where: { categoryId: window.categoryId }, order: { streamSeq: 'ASC' } });
    return {
      ceremonyId: window.ceremonyId,
      categoryId: window.categoryId,
      categorySlug: slug,
      nomineeIds,
      openedAt: window.openedAt.toISOString(),
      closedAt: endOf(window).toISOString(),
      votes: votes.map((v) => ({ nomineeId: v.nomineeId, salt: v.salt, receipt: v.receipt, castAt: v.castAt.toISOString(), accepted: v.accepted, reason: v.reason })),
      sealed: { counts: window.counts!, voteRoot: window.voteRoot!, voteCount: window.voteCount!, winnerId: window.winnerId!, commitment: window.commitment!, sealedAt: window.sealedAt!.toISOString() },
      ...(window.combination ? { combined: window.combination } : {}),
    };
  }
}
