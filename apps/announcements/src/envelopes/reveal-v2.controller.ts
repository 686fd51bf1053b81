import { Controller } from '@nestjs/common';
import type { CardRevealCommand, CardRevealResult, ServerClockReading, EnvelopeKit, EnvelopeKitQuery, KeyCardsExportCommand, SealedToPage } from '#contracts';
import { Command } from '#messaging';
import { RevealV2Service } from './reveal-v2.service.js';

@Controller()
export class RevealV2Controller {
  constructor(private readonly reveals: RevealV2Service) {}

  @Command('announcements.show.card-reveal')
  async cardReveal(request: CardRevealCommand): Promise<CardRevealResult> {
    return this.reveals.cardReveal(request);
  }

  @Command('announcements.envelopes.kit')
  async envelopeKit(request: EnvelopeKitQuery): Promise<EnvelopeKit> {
    return this.reveals.envelopeKit(request.ceremony);
  }

  @Command('announcements.keycards.export')
  async exportKeyCards(request: KeyCardsExportCommand): Promise<SealedToPage> {
    return this.reveals.exportKeyCards(request);
  }

  /** Announcements' clock: showAt is stamped in it, and each gateway measures its offset to it. */
  @Command('announcements.clock')
  async clock(): Promise<ServerClockReading> {
    return { now: Date.now() };
  }
}
