import { Injectable } from '@nestjs/common';
import type { EventData, EventEnvelope } from '#contracts';
import { OnEvent, PermanentEventError, type EventContext } from '#messaging';
import { contextLogger } from '#observability';
import { VoteCategory } from '../ceremonies/vote-ceremony.entity.js';
import { JuryPart } from './jury-part.entity.js';

/**
 * The jury's sealed ranking of a combined category (the vote service's one subject on `gala.sealed.>`). Kept once:
 * a second, different one is refused (the jury never seals twice). The combined seal (WindowsService) waits for it.
 */
@Injectable()
export class JuryPartsHandler {
  private readonly logger = contextLogger('JuryParts');

  @OnEvent('gala.sealed.jury.ranking')
  async onJuryRanking(event: EventEnvelope<EventData<'gala.sealed.jury.ranking'>>, { manager }: EventContext): Promise<void> {
    const d = event.data;
    const category = await manager.findOne(VoteCategory, { where: { id: d.categoryId } });
    // Ceremonies and sealed parts come on two streams: wait (retry) for the import.
    if (!category) throw new Error(`jury ranking for category ${d.categoryId} before its import reached the vote service; will retry`);
    if (category.vote?.mode !== 'combined') throw new PermanentEventError(`jury ranking for ${category.name}, which does not combine jury and audience`);
    const nominees = new Set(category.nominees.map((n) => n.id));
    if (!nominees.has(d.winnerId) || d.ranking.some((r) => !nominees.has(r.nomineeId))) throw new PermanentEventError(`jury ranking for ${category.name} names a nominee outside its ballot`);
    const existing = await manager.findOne(JuryPart, { where: { categoryId: d.categoryId } });
    if (existing) {
      if (existing.commitment !== d.commitment) this.logger.error(`second, different jury ranking for ${d.categoryId} ignored: sealed verdicts never change`);
      return;
    }
    await manager.insert(JuryPart, {
      categoryId: d.categoryId,
      ceremonyId: d.ceremonyId,
      winnerId: d.winnerId,
      ranking: d.ranking.map((r) => ({ nomineeId: r.nomineeId, ...(r.rank !== undefined ? { rank: r.rank } : {}), score: r.score ?? null, jurorCount: r.jurorCount })),
      commitment: d.commitment,
      sealedAt: new Date(d.sealedAt),
      ballotRoot: d.ballotRoot,
      ballotCount: d.ballotCount,
    });
  }
}
