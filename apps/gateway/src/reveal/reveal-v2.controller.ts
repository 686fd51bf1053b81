import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CardRevealCommand, KeyCardsExportCommand, type CardRevealResult, type EnvelopeKit, type SealedToPage } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.js';
import { commandFields } from '../http/body.js';

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
  @ApiBody({
    schema: {
      type: 'object',
      required: ['categoryId', 'key', 'idempotencyKey'],
      properties: {
        categoryId: { type: 'string', description: 'category id or slug' },
        key: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$', description: 'the 32-byte key as base64url (parsed from the card code)' },
        idempotencyKey: { type: 'string', maxLength: 200 },
      },
    },
  })
  async cardReveal(@CeremonyId() ceremonyId: string, @Body() body: unknown, @Caller() credential: string | null): Promise<CardRevealResult> {
    const request = Object.assign(new CardRevealCommand(), commandFields(body), { ceremony: ceremonyId });
    return this.services.request('announcements.show.card-reveal', request, { credential });
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
  @ApiBody({ schema: { type: 'object', required: ['publicKey'], properties: { publicKey: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } } } })
  async keyCards(@CeremonyId() ceremonyId: string, @Body() body: unknown, @Caller() credential: string | null): Promise<SealedToPage> {
    const request = Object.assign(new KeyCardsExportCommand(), commandFields(body), { ceremony: ceremonyId });
    return this.services.request('announcements.keycards.export', request, { credential });
  }
}
