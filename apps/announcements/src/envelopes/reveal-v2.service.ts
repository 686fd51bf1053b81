import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  fromBase64Url,
  LaurelError,
  sealKeyCards,
  toBase64Url,
  wrongCardMessage,
  type CardRevealCommand,
  type CardRevealResult,
  type EnvelopeKit,
  type KeyCardsExportCommand,
  type SealedToPage,
} from '#contracts';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { categoriesInShowOrder } from '../show/run-of-show.js';
import { ShowStore } from '../show/show-store.js';
import { ShowService } from '../show/show.service.js';
import { RevealKey, StagedEnvelope } from './reveal-key.entity.js';

/** Socket protocol v2 beyond staging: the reveal reported from a key card, the envelope kit, the key-card export. */
@Injectable()
export class RevealV2Service {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ceremonies: CeremoniesService,
    private readonly show: ShowService,
    private readonly store: ShowStore,
  ) {}

  /**
   * A reveal made on stage from a key card, reported when the network is back. The key must be the
   * category's own (compared in constant time); then it is a reveal cue with the report's idempotency key,
   * refused like any reveal when the category is not on stage. A category revealed already (the producer
   * cued it meanwhile, or an earlier report) answers the current scene and changes nothing.
   */
  async cardReveal(command: CardRevealCommand): Promise<CardRevealResult> {
    const ceremony = await this.ceremonies.findCeremony(command.ceremony);
    const category = ceremony.view.categories.find((c) => c.id === command.categoryId || c.slug === command.categoryId);
    if (!category) throw LaurelError.notFound(`no category "${command.categoryId}" in ${ceremony.slug}`);
    const held = await this.dataSource.manager.findOne(RevealKey, { where: { categoryId: category.id, ceremonyId: ceremony.id } });
    if (!held) throw LaurelError.conflict(`${category.name}: no envelope is staged for it (the verdict is not sealed yet)`);
    const given = Buffer.from(command.key, 'base64url');
    if (given.length !== held.key.length || !timingSafeEqual(given, held.key)) {
      throw LaurelError.badRequest(wrongCardMessage(category.name), { categoryId: category.id, field: 'key' });
    }
    try {
      const answer = await this.show.cue({ ceremony: ceremony.id, action: 'reveal', categoryId: category.id, idempotencyKey: command.idempotencyKey });
      return { ...answer, alreadyRevealed: false };
    } catch (error) {
      const revealed = await this.store.revealed(category.id);
      if (!revealed || !(error instanceof LaurelError) || error.statusCode !== 409) throw error;
      const snapshot = await this.show.snapshot(ceremony.id);
      if (!snapshot.scene) throw error;
      return { seq: snapshot.scene.seq, scene: snapshot.scene, alreadyRevealed: true };
    }
  }

  /** Every staged envelope of every audience with its commitment; no key. */
  async envelopeKit(ref: string): Promise<EnvelopeKit> {
    const ceremony = await this.ceremonies.findCeremony(ref);
    const rows = await this.dataSource.manager.find(StagedEnvelope, { where: { ceremonyId: ceremony.id }, order: { stagedAt: 'ASC' } });
    return {
      v: 2,
      ceremonyId: ceremony.id,
      ceremonySlug: ceremony.slug,
      ceremonyName: ceremony.view.ceremony.name,
      exportedAt: new Date().toISOString(),
      envelopes: rows.map((r) => ({ ceremonyId: r.ceremonyId, categoryId: r.categoryId, commitment: r.commitment, sealedAt: r.sealedAt.toISOString(), envelopes: r.envelopes })),
    };
  }

  /** The keys of every staged category, sealed end to end to the admin page's X25519 key (the gateway only forwards the box). */
  async exportKeyCards(command: KeyCardsExportCommand): Promise<SealedToPage> {
    const ceremony = await this.ceremonies.findCeremony(command.ceremony);
    const keys = new Map((await this.dataSource.manager.find(RevealKey, { where: { ceremonyId: ceremony.id } })).map((k) => [k.categoryId, k.key]));
    const commitments = new Map((await this.dataSource.manager.find(StagedEnvelope, { where: { ceremonyId: ceremony.id } })).map((s) => [s.categoryId, s.commitment]));
    const order = categoriesInShowOrder(ceremony.view);
    const cards = order.flatMap((category, index) => {
      const key = keys.get(category.id);
      const commitment = commitments.get(category.id);
      return key && commitment ? [{ categoryId: category.id, categorySlug: category.slug, categoryName: category.name, number: index + 1, commitment, key: toBase64Url(key) }] : [];
    });
    try {
      return sealKeyCards(fromBase64Url(command.publicKey), { v: 2, ceremonyId: ceremony.id, ceremonyName: ceremony.view.ceremony.name, exportedAt: new Date().toISOString(), cards });
    } catch {
      throw LaurelError.badRequest('publicKey is not a usable X25519 public key', { field: 'publicKey' });
    }
  }
}
