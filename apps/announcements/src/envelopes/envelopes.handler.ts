import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { contextLogger } from '#observability';
import { ENVELOPE_AUDIENCES, verifyCommitment, type EnvelopeAudience, type EventData, type EventEnvelope, type StagedEnvelopesData } from '#contracts';
import { OnEvent, Outbox, PermanentEventError, type EventContext } from '#messaging';
import { CeremonyReadModel } from '../ceremonies/ceremony-read-model.entity.js';
import { EnvelopeSize, RevealKey, StagedEnvelope } from './reveal-key.entity.js';
import { PublicSeal, SealedEnvelope } from './sealed-envelope.entity.js';
import { envelopePlaintexts, envelopeSizes, sealWithNodeCrypto, UnknownWinnerError, type SealedContents } from './staging.js';

@Injectable()
export class EnvelopesHandler {
  private readonly logger = contextLogger('Envelopes');

  constructor(private readonly outbox: Outbox) {}

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
    await this.stage(manager, event.ceremonyId, v);
  }

  /** The audience's sealed verdict (issue 16): the same contents and commitment as a jury's, so the same envelope. */
  @OnEvent('gala.sealed.vote.verdict')
  async onVoteSealed(event: EventEnvelope<EventData<'gala.sealed.vote.verdict'>>, context: EventContext): Promise<void> {
    await this.onSealed(event, context);
  }

  /**
   * Socket protocol v2: a fresh key for the category, its envelope for every audience padded to the
   * ceremony's size and encrypted, published as `envelope.staged` (public) in the same transaction as the
   * sealed verdict; the key stays in `reveal_keys` until the reveal.
   */
  private async stage(manager: EntityManager, ceremonyId: string, sealed: SealedContents & { sealedAt: string }): Promise<void> {
    const ceremony = await manager.findOne(CeremonyReadModel, { where: { id: ceremonyId } });
    // Sealed verdicts and ceremony events come on two streams: wait (retry) for the ceremony.
    if (!ceremony) throw new Error(`sealed verdict for ceremony ${ceremonyId} before its import reached announcements; will retry`);
    let envelopes: StagedEnvelopesData;
    const key = randomBytes(32);
    try {
      const plaintexts = envelopePlaintexts(ceremony.view, sealed);
      const sizes = await this.sizesOf(manager, ceremony);
      const boxes = ENVELOPE_AUDIENCES.map((audience) => [audience, sealWithNodeCrypto(key, plaintexts[audience], sizes[audience])] as const);
      envelopes = Object.fromEntries(boxes) as unknown as StagedEnvelopesData;
    } catch (error) {
      // Never fails the seal: the reveal still works (v1, and v2 clients get the plaintext in their snapshot).
      if (error instanceof UnknownWinnerError || (error as Error).name === 'EnvelopeTooLargeError') {
        this.logger.error(`no envelope staged for category ${sealed.categoryId}: ${(error as Error).message}`);
        return;
      }
      throw error;
    }
    await manager.insert(RevealKey, { categoryId: sealed.categoryId, ceremonyId, key });
    const staged = { ceremonyId, categoryId: sealed.categoryId, commitment: sealed.commitment, sealedAt: sealed.sealedAt, envelopes };
    await manager.insert(StagedEnvelope, { ...staged, sealedAt: new Date(sealed.sealedAt) });
    await this.outbox.add(manager, 'gala.events.announcements.envelope.staged', ceremonyId, staged);
  }

  /** The ceremony's envelope sizes: fixed at its first staging, so later nominee edits cannot make envelopes differ. */
  private async sizesOf(manager: EntityManager, ceremony: CeremonyReadModel): Promise<Record<EnvelopeAudience, number>> {
    const rows = await manager.find(EnvelopeSize, { where: { ceremonyId: ceremony.id } });
    if (rows.length === ENVELOPE_AUDIENCES.length) return Object.fromEntries(rows.map((r) => [r.audience, r.size])) as Record<EnvelopeAudience, number>;
    const sizes = envelopeSizes(ceremony.view);
    await manager.upsert(EnvelopeSize, ENVELOPE_AUDIENCES.map((audience) => ({ ceremonyId: ceremony.id, audience, size: sizes[audience] })), ['ceremonyId', 'audience']);
    return sizes;
  }

  @OnEvent('gala.events.vote.verdict.sealed')
  async onPublicVoteSeal(event: EventEnvelope<EventData<'gala.events.vote.verdict.sealed'>>, context: EventContext): Promise<void> {
    await this.onPublicSeal(event, context);
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
