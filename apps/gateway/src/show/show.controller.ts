import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { traceHop } from '#observability';
import { isVoteCue, LaurelError, type CueResult, type VoteCueAction, type VoteCueResult, type PresenterMessageEvent, type RevealedEvent, type ShowSnapshot } from '#contracts';
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
    summary: 'A producer cue: { action: next|prev|goto|blackout|resume|reveal|vote-open|vote-close, categoryId?, scene?, durationSeconds?, idempotencyKey, expectedSeq? } → { seq, scene, onScreens } (a vote cue: { action, vote, seq, scene })',
    description:
      '409 with the reason when the show refuses the cue (e.g. revealing a category that is not on stage). The same idempotencyKey returns the first answer (even after the seq moved on). ' +
      'expectedSeq (optional, integer ≥ 0): the seq of the scene the operator saw; when the show has moved on since (another operator cued first) the cue is refused with 409 and details { expectedSeq, seq, scene } (the scene on stage now). ' +
      'The answer\'s scene.cuedBy = { label, role }: the producer token\'s label, or admin. ' +
      '200 with `onScreens: true` once the scene is on this gateway\'s screens; if it is not within CUE_ON_SCREENS_MS (2 s; JetStream not taking writes), ' +
      '202 with `onScreens: false` and `message: "not on screens yet"`: the cue is committed and goes out when JetStream takes it (never cue it again with a new key). ' +
      'Vote cues (issue 16): `vote-open` { categoryId, durationSeconds 5–3600 } opens the category\'s audience vote and `vote-close` { categoryId } closes it, through the vote service\'s own commands with the caller\'s credential; ' +
      'the answer is { action, vote: the window (state, openedAt, closesAt, turnout), seq, scene: the scene on stage, unchanged }, and the stage shows the vote as its band (countdown, turnout) from the window\'s `vote` event. ' +
      'The same idempotencyKey on `vote-open` answers with the window it opened and never opens a second one; `vote-close` again changes nothing. 400 for a vote cue with rehearsal, expectedSeq or scene (the vote has no rehearsal and changes no scene) or durationSeconds on another cue; 409 as the vote refuses (e.g. "the vote in … has already been held").',
  })
  async cue(@CeremonyId() ceremonyId: string, @Body() body: CueBody, @Caller() credential: string | null, @Res({ passthrough: true }) res: Response): Promise<CueResult | VoteCueResult> {
    traceHop('cue.http');
    if (isVoteCue(body.action)) return this.voteCue(ceremonyId, body.action, body, credential);
    if (body.durationSeconds !== undefined) throw LaurelError.badRequest('durationSeconds is for vote-open only', [{ path: 'durationSeconds', message: 'only with action vote-open' }]);
    const { durationSeconds: _unused, ...showCue } = body;
    const result = await this.services.request('announcements.show.cue', { ...showCue, action: body.action, ceremony: ceremonyId }, { credential });
    // Committed is not shown: the producer hears "done" only once the scene reached the screens (this
    // gateway pushes every scene it takes at once), else 202 "not on screens yet" (the outbox delivers it later).
    const onScreens = await this.live.waitForScene(result.scene.ceremonyId, !!result.scene.rehearsal, result.seq, this.config.cueOnScreensMs);
    if (onScreens) return { ...result, onScreens: true };
    res.status(202);
    return { ...result, onScreens: false, message: 'not on screens yet: the cue is committed and reaches the screens once JetStream takes it' };
  }

  /**
   * `vote-open`/`vote-close` in the run of show: the vote service's own commands, called with the producer's own
   * credential (as the REST vote/open is), so the vote service authenticates the producer and no service needs a grant.
   */
  private async voteCue(ceremonyId: string, action: VoteCueAction, body: CueBody, credential: string | null): Promise<VoteCueResult> {
    const problems: { path: string; message: string }[] = [];
    if (!body.categoryId) problems.push({ path: 'categoryId', message: `required for ${body.action}` });
    if (body.action === 'vote-open' && body.durationSeconds === undefined) problems.push({ path: 'durationSeconds', message: 'required for vote-open' });
    if (body.action === 'vote-close' && body.durationSeconds !== undefined) problems.push({ path: 'durationSeconds', message: 'only with action vote-open' });
    if (body.rehearsal) problems.push({ path: 'rehearsal', message: 'the audience vote has no rehearsal' });
    if (body.expectedSeq !== undefined) problems.push({ path: 'expectedSeq', message: 'a vote cue changes no scene' });
    if (body.scene !== undefined) problems.push({ path: 'scene', message: 'only with action goto' });
    if (problems.length) throw LaurelError.badRequest(`${body.action}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
    const category = body.categoryId!;
    const vote =
      body.action === 'vote-open'
        ? await this.services.request('vote.window.open', { ceremony: ceremonyId, category, durationSeconds: body.durationSeconds!, idempotencyKey: body.idempotencyKey }, { credential })
        : await this.services.request('vote.window.close', { ceremony: ceremonyId, category }, { credential });
    const scene = this.live.show(vote.ceremonyId, false).scene;
    return { action, vote, seq: scene?.seq ?? null, scene };
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
