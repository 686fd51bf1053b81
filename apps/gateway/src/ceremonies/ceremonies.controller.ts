import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ceremonyFileSchema, LaurelError, validateCeremonyFile, type CeremonyView } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { ANYONE, Roles } from '../auth/roles.js';
import { CeremonyDirectory } from '../live/ceremony-directory.service.js';
import { ReadYourWrites } from '../writes/read-your-writes.service.js';

@ApiTags('ceremonies')
@ApiBearerAuth()
@Controller('api/v1/ceremonies')
export class CeremoniesController {
  constructor(
    private readonly services: ServiceClient,
    private readonly directory: CeremonyDirectory,
    private readonly writes: ReadYourWrites,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Import a ceremony file (admin)', description: '400 lists every problem with its JSON path; nothing is half-imported.' })
  @ApiBody({ schema: ceremonyFileSchema as Record<string, unknown> })
  @ApiResponse({ status: 201, description: '{ id, slug, categories } — jury and announcements hold the ceremony: every endpoint of it answers at once' })
  @ApiResponse({ status: 202, description: 'Done, but a service that serves its effect has not applied it within WRITES_WAIT_MS: the result plus `writes` (status pending/failed) and a Location to ask again (GET …/writes/:token)' })
  async import(@Body() body: unknown, @Caller() credential: string | null, @Res() res: Response): Promise<void> {
    const checked = validateCeremonyFile(body);
    if (!checked.ok) throw LaurelError.badRequest(`the ceremony file has ${checked.problems.length} problem(s)`, checked.problems);
    const call = this.services.requestWithWrites('nominations.ceremony.import', { file: checked.file }, { credential, timeoutMs: 15000 });
    await this.writes.answer(res, 201, (result) => {
      this.directory.learn(result.id, result.slug);
      return result.id;
    }, call);
  }

  @Get(':c')
  @Roles(...ANYONE)
  @ApiOperation({ summary: 'The public view of a ceremony (no jury data)' })
  @ApiParam({ name: 'c', description: 'ceremony id or slug' })
  async get(@CeremonyId() ceremonyId: string, @Caller() credential: string | null): Promise<CeremonyView> {
    return this.services.request('nominations.ceremony.get', { ceremony: ceremonyId }, { credential });
  }
}
