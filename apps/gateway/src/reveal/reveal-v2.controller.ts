import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CardRevealResult, EnvelopeKit, SealedToPage } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.js';
import { CardRevealBody, KeyCardsExportBody } from '../http/bodies.js';

/**
 * Socket protocol v2 over REST (docs/reveal-v2.md): the reveal reported from a key card, the envelope kit
 * for a standby stage laptop, and the key-card export sealed end to end to the admin's page. The gateway
 * forwards; announcements checks keys and roles itself, and the gateway never sees a key before the reveal.
 */
@ApiTags('reveal-v2')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c')
export class RevealV2Controller {
  constructor(private readonly services: ServiceClient) {}

  @Post('show/card-reveals')
  @HttpCode(200)
  @Roles('screen', 'producer', 'admin')
  @ApiOperation({
    summary: 'Report a reveal made from a key card: { categoryId, key, idempotencyKey } → { seq, scene, alreadyRevealed }',
    description:
      'The stage revealed a category from its key card (possibly with the network down) and reports it: announcements checks the key against its own ' +
      '(constant time) and applies an idempotent reveal cue. 400 "this code does not open the envelope of <category>" for a wrong key; 409 when the ' +
      'category is not on stage or not sealed; a category revealed already answers the current scene with alreadyRevealed: true.',
  })
  async cardReveal(@CeremonyId() ceremonyId: string, @Body() body: CardRevealBody, @Caller() credential: string | null): Promise<CardRevealResult> {
    return this.services.request('announcements.show.card-reveal', { ...body, ceremony: ceremonyId }, { credential });
  }

  @Get('envelope-kit')
  @Roles('producer', 'admin')
  @ApiOperation({ summary: 'Every staged envelope of every audience with its commitment (no keys): the kit for a standby stage laptop' })
  async envelopeKit(@CeremonyId() ceremonyId: string, @Caller() credential: string | null): Promise<EnvelopeKit> {
    return this.services.request('announcements.envelopes.kit', { ceremony: ceremonyId }, { credential });
  }

  @Post('keycards')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Export the key cards: { publicKey } (the page\'s fresh X25519 key, base64url) → { ephemeralPublicKey, iv, ciphertext }',
    description: 'The keys of every staged category sealed end to end to the page (X25519 + HKDF-SHA256 + AES-256-GCM; open with openKeyCards in @laurel/contracts).',
  })
  async keyCards(@CeremonyId() ceremonyId: string, @Body() body: KeyCardsExportBody, @Caller() credential: string | null): Promise<SealedToPage> {
    return this.services.request('announcements.keycards.export', { ...body, ceremony: ceremonyId }, { credential });
  }
}
