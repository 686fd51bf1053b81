import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LaurelError, type CueResult, type RevealedEvent, type ShowSnapshot } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { ANYONE, Roles } from '../auth/roles.js';
import { CueBody } from '../http/bodies.js';

@ApiTags('show')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c')
export class ShowController {
  constructor(private readonly services: ServiceClient) {}

  @Post('show/cues')
  @HttpCode(200)
  @Roles('producer', 'admin')
  @ApiOperation({
    summary: 'A producer cue: { action: next|prev|goto|blackout|resume|reveal, categoryId?, scene?, idempotencyKey } → { seq, scene }',
    description: '409 with the reason when the show refuses the cue (e.g. revealing a category that is not on stage). The same idempotencyKey returns the first answer.',
  })
  async cue(@CeremonyId() ceremonyId: string, @Body() body: CueBody, @Caller() credential: string | null): Promise<CueResult> {
    return this.services.request('announcements.show.cue', { ...body, ceremony: ceremonyId }, { credential });
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
