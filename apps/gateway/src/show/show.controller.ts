import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { traceHop } from '#observability';
import { LaurelError, type CueResult, type PresenterMessageEvent, type RevealedEvent, type ShowSnapshot } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { ANYONE, Roles } from '../auth/roles.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { CueBody, PresenterMessageBody } from '../http/bodies.js';
import { LiveState } from '../live/live-state.service.js';

@ApiTags('show')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c')
export class ShowController {
  constructor(
    private readonly services: ServiceClient,
    private readonly live: LiveState,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('show/cues')
  @HttpCode(200)
  @Roles('producer', 'admin')
  @ApiOperation({
    summary: 'A producer cue: { action: next|prev|goto|blackout|resume|reveal, categoryId?, scene?, idempotencyKey, expectedSeq? } → { seq, scene, onScreens }',
    description:
      '409 with the reason when the show refuses the cue (e.g. revealing a category that is not on stage). The same idempotencyKey returns the first answer (even after the seq moved on). ' +
      'expectedSeq (optional, integer ≥ 0): the seq of the scene the operator saw; when the show has moved on since (another operator cued first) the cue is refused with 409 and details { expectedSeq, seq, scene } (the scene on stage now). ' +
      'The answer\'s scene.cuedBy = { label, role }: the producer token\'s label, or admin. ' +
      '200 with `onScreens: true` once the scene is on this gateway\'s screens; if it is not within CUE_ON_SCREENS_MS (2 s; JetStream not taking writes), ' +
      '202 with `onScreens: false` and `message: "not on screens yet"`: the cue is committed and goes out when JetStream takes it (never cue it again with a new key).',
  })
  async cue(@CeremonyId() ceremonyId: string, @Body() body: CueBody, @Caller() credential: string | null, @Res({ passthrough: true }) res: Response): Promise<CueResult> {
    traceHop('cue.http');
    const result = await this.services.request('announcements.show.cue', { ...body, ceremony: ceremonyId }, { credential });
    // Committed is not shown: the producer hears "done" only once the scene reached the screens (this
    // gateway pushes every scene it takes at once), else 202 "not on screens yet" (the outbox delivers it later).
    const onScreens = await this.live.waitForScene(result.scene.ceremonyId, !!result.scene.rehearsal, result.seq, this.config.cueOnScreensMs);
    if (onScreens) return { ...result, onScreens: true };
    res.status(202);
    return { ...result, onScreens: false, message: 'not on screens yet: the cue is committed and reaches the screens once JetStream takes it' };
  }

  @Post('show/presenter-message')
  @HttpCode(200)
  @Roles('producer', 'admin')
  @ApiOperation({
    summary: 'A short message to the presenter monitor: { text, tone?: info|urgent, rehearsal? } → the message as screens get it',
    description:
      'text: "30 s", "stretch" or free text, at most 140 characters; "" clears the monitor. Pushed as the socket event `presenter-message` to screens, producers and admins (never press or public), and kept in their snapshot until the next message.',
  })
  async presenterMessage(@CeremonyId() ceremonyId: string, @Body() body: PresenterMessageBody, @Caller() credential: string | null): Promise<PresenterMessageEvent> {
    return this.services.request('announcements.show.presenter-message', { ...body, ceremony: ceremonyId }, { credential });
  }

  @Post('show/rehearsal/reset')
  @HttpCode(200)
  @Roles('producer', 'admin')
  @ApiOperation({ summary: 'Reset the rehearsal to the start (the live show is untouched)' })
  async resetRehearsal(@CeremonyId() ceremonyId: string, @Caller() credential: string | null): Promise<{ reset: true; seq: number }> {
    return this.services.request('announcements.rehearsal.reset', { ceremony: ceremonyId }, { credential });
  }

  @Get('show')
  @Roles('producer', 'admin')
  @ApiOperation({ summary: 'The show as announcements holds it (scene, results, seals); ?rehearsal=1 for the rehearsal' })
  async show(@CeremonyId() ceremonyId: string, @Query('rehearsal') rehearsal: string | undefined, @Caller() credential: string | null): Promise<ShowSnapshot> {
    return this.services.request('announcements.show.snapshot', { ceremony: ceremonyId, rehearsal: rehearsal === '1' || rehearsal === 'true' }, { credential });
  }

  @Get('results')
  @Roles(...ANYONE)
  @ApiOperation({ summary: 'Revealed results only; ?format=csv for a spreadsheet' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async results(@CeremonyId() ceremonyId: string, @Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response, @Caller() credential: string | null): Promise<Omit<RevealedEvent, 'showAt'>[] | string> {
    if (format === 'csv') {
      const { csv, filename } = await this.services.request('announcements.results.csv', { ceremony: ceremonyId }, { credential });
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
      return csv;
    }
    if (format !== undefined && format !== 'json') throw LaurelError.badRequest('format must be json or csv', [{ path: 'format', message: 'json or csv' }]);
    return this.services.request('announcements.results.list', { ceremony: ceremonyId }, { credential });
  }
}
