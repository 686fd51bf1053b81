import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { EventData, EventEnvelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { VoteWindow } from '../windows/vote-window.entity.js';
import { acceptance } from '../windows/window-rules.js';

/** Counts the vote log, exactly once per (category, ticket): processed_events and the unique index both hold it. */
@Injectable()
export class VotesHandler {
  @OnEvent('gala.votes.cast')
  async onVote(event: EventEnvelope<EventData<'gala.votes.cast'>>, { manager, streamSeq, storedAt }: EventContext): Promise<void> {
    const v = event.data;
    // The window's row lock: the seal takes it too, so no vote is counted into a sealed tally.
    const window = await manager.findOne(VoteWindow, { where: { categoryId: v.categoryId }, lock: { mode: 'pessimistic_write' } });
    const verdict = window ? acceptance(window, new Date(v.castAt), storedAt) : ({ accepted: false, reason: 'outside the window' } as const);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO vote.votes (id, ceremony_id, category_id, ticket_hash, nominee_id, salt, receipt, cast_at, stream_seq, accepted, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
      [event.id, event.ceremonyId, v.categoryId, v.ticketHash, v.nomineeId, v.salt, v.receipt, v.castAt, String(streamSeq), verdict.accepted, verdict.reason],
    );
    if (inserted.length === 0 || !verdict.accepted) return; // the first vote of this ticket stands
    await manager.query(
      `INSERT INTO vote.tallies (category_id, nominee_id, count) VALUES ($1, $2, 1) ON CONFLICT (category_id, nominee_id) DO UPDATE SET count = vote.tallies.count + 1`,
      [v.categoryId, v.nomineeId],
    );
  }

  /** Proofs and the vote log are served once announcements has revealed the category (rehearsals open nothing). */
  @OnEvent('gala.events.announcements.winner.revealed')
  async onRevealed(event: EventEnvelope<EventData<'gala.events.announcements.winner.revealed'>>, { manager }: EventContext): Promise<void> {
    const r = event.data;
    if (r.rehearsal) return;
    await manager.update(VoteWindow, { categoryId: r.categoryId, revealedAt: IsNull() }, { revealedAt: new Date(r.revealedAt) });
  }
}
