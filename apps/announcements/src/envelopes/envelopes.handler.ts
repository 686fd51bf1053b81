import { Injectable } from '@nestjs/common';
import { contextLogger } from '#observability';
import { verifyCommitment, type EventData, type EventEnvelope } from '#contracts';
import { OnEvent, PermanentEventError, type EventContext } from '#messaging';
import { PublicSeal, SealedEnvelope } from './sealed-envelope.entity.js';

@Injectable()
export class EnvelopesHandler {
  private readonly logger = contextLogger('Envelopes');

  /** Sealed contents from the jury: accepted only if they hash to their commitment (and to the public one, if known). */
  @OnEvent('gala.sealed.jury.verdict')
  async onSealed(event: EventEnvelope<EventData<'gala.sealed.jury.verdict'>>, { manager }: EventContext): Promise<void> {
    const v = event.data;
    if (!verifyCommitment(v, v.commitment)) {
      // Never retryable: a tampered or corrupt envelope is parked at once and reported, never revealed.
      throw new PermanentEventError(`sealed envelope for category ${v.categoryId} does not match its commitment`);
    }
    const announced = await manager.findOne(PublicSeal, { where: { categoryId: v.categoryId } });
    if (announced && announced.commitment !== v.commitment) throw new PermanentEventError(`sealed envelope for ${v.categoryId} differs from the public commitment`);
    const existing = await manager.findOne(SealedEnvelope, { where: { categoryId: v.categoryId } });
    if (existing) {
      if (existing.commitment !== v.commitment) this.logger.error(`second, different envelope for ${v.categoryId} ignored: sealed verdicts never change`);
      return;
    }
    await manager.insert(SealedEnvelope, {
      categoryId: v.categoryId,
      ceremonyId: event.ceremonyId,
      winnerId: v.winnerId,
      motivation: v.motivation,
      salt: v.salt,
      commitment: v.commitment,
      sealedAt: new Date(v.sealedAt),
    });
  }

  @OnEvent('gala.events.jury.verdict.sealed')
  async onPublicSeal(event: EventEnvelope<EventData<'gala.events.jury.verdict.sealed'>>, { manager }: EventContext): Promise<void> {
    const s = event.data;
    await manager.upsert(
      PublicSeal,
      {
        categoryId: s.categoryId,
        ceremonyId: s.ceremonyId,
        commitment: s.commitment,
        sealedAt: new Date(s.sealedAt),
        auditHash: s.auditHead?.hash ?? null,
        auditCount: s.auditHead?.count ?? null,
        ballotRoot: s.ballotRoot ?? null,
        ballotCount: s.ballotCount ?? null,
      },
      ['categoryId'],
    );
  }
}
