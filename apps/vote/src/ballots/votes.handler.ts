import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { EventData, EventEnvelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { VoteWindow } from '../windows/vote-window.entity.js';

/** Learns which audience votes are revealed, from announcements' public event (the vote log itself: VoteCounter). */
@Injectable()
export class VotesHandler {
  /** Proofs and the vote log are served once announcements has revealed the category (rehearsals open nothing). */
  @OnEvent('gala.events.announcements.winner.revealed')
  async onRevealed(event: EventEnvelope<EventData<'gala.events.announcements.winner.revealed'>>, { manager }: EventContext): Promise<void> {
    const r = event.data;
    if (r.rehearsal) return;
    await manager.update(VoteWindow, { categoryId: r.categoryId, revealedAt: IsNull() }, { revealedAt: new Date(r.revealedAt) });
  }
}
