import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ceremonyFileSchema, LaurelError, validateCeremonyFile, type CeremonyView, type ImportCeremonyResult } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { ANYONE, Roles } from '../auth/roles.js';
import { CeremonyDirectory } from '../live/ceremony-directory.service.js';

@ApiTags('ceremonies')
@ApiBearerAuth()
@Controller('api/v1/ceremonies')
export class CeremoniesController {
  constructor(
    private readonly services: ServiceClient,
    private readonly directory: CeremonyDirectory,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Import a ceremony file (admin)', description: '400 lists every problem with its JSON path; nothing is half-imported.' })
  @ApiBody({ schema: ceremonyFileSchema as Record<string, unknown> })
  async import(@Body() body: unknown, @Caller() credential: string | null): Promise<ImportCeremonyResult> {
    const checked = validateCeremonyFile(body);
    if (!checked.ok) throw LaurelError.badRequest(`the ceremony file has ${checked.problems.length} problem(s)`, checked.problems);
    const result = await this.services.request('nominations.ceremony.import', { file: checked.file as Record<string, unknown> }, { credential, timeoutMs: 15000 });
    this.directory.learn(result.id, result.slug);
    return result;
  }

  @Get(':c')
  @Roles(...ANYONE)
  @ApiOperation({ summary: 'The public view of a ceremony (no jury data)' })
  @ApiParam({ name: 'c', description: 'ceremony id or slug' })
  async get(@CeremonyId() ceremonyId: string, @Caller() credential: string | null): Promise<CeremonyView> {
    return this.services.request('nominations.ceremony.get', { ceremony: ceremonyId }, { credential });
  }
}
