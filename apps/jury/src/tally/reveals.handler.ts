import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { EventData, EventEnvelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { JuryCategory } from '../panels/panel.entities.js';

/**
 * Learns which categories are revealed from announcements' public event (the jury does not read the
 * show): from then on its ballots are no longer secret from the organiser's export, and jurors may fetch
 * their inclusion proofs. Rehearsal reveals open nothing.
 */
@Injectable()
export class RevealsHandler {
  @OnEvent('gala.events.announcements.winner.revealed')
  async onRevealed(event: EventEnvelope<EventData<'gala.events.announcements.winner.revealed'>>, { manager }: EventContext): Promise<void> {
    const r = event.data;
    if (r.rehearsal) return;
    await manager.update(JuryCategory, { id: r.categoryId, ceremonyId: r.ceremonyId, revealedAt: IsNull() }, { revealedAt: new Date(r.revealedAt) });
  }
}
