import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LaurelError, type EntryPage, type EntryView, type ImportEntriesResult, type ShortlistView } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.js';
import { ReadYourWrites } from '../writes/read-your-writes.service.js';
import { SetShortlistBody, SubmitEntryBody } from '../http/bodies.js';
import { batches, decodeCsv, parseEntriesCsv } from './entries-csv.js';

function integerParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw LaurelError.badRequest(`${name} must be a whole number`, [{ path: name, message: 'must be a whole number' }]);
  return Number(value);
}

/** Entries (submissions) and the shortlist chosen from them: the organiser's calls only. */
@ApiTags('nominations')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c/categories/:cat')
export class EntriesController {
  constructor(
    private readonly services: ServiceClient,
    private readonly writes: ReadYourWrites,
  ) {}

  @Post('entries')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary: 'Submit one entry: { organisation?, kind?, title?, description?, contactName?, contactEmail?, contactPhone?, externalId? }',
    description: '400 with the field when invalid or not eligible for the category; 409 (with details.entryId) when the same entry is already there.',
  })
  async submit(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() entry: SubmitEntryBody, @Caller() credential: string | null): Promise<EntryView> {
    return this.services.request('nominations.entry.submit', { entry, ceremony, category }, { credential });
  }

  @Post('entries/import')
  @HttpCode(200)
  @Roles('admin')
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'external_id,organisation,kind,title,contact_name,contact_email\nGP-1,Åre kommun,kommun,Integrationsarbete,Anna,anna@are.se' } })
  @ApiOperation({
    summary: 'Bulk import entries from CSV (text/csv, up to 5 MB, UTF-8 or Windows-1252; `,` `;` or tab separated, header row first)',
    description:
      'Reports counts and every rejected row as { row, field, reason } (row numbers as a spreadsheet shows them, header = 1). Sending the same file again imports nothing new: rows already entered are reported as duplicates.',
  })
  async import(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: unknown, @Caller() credential: string | null): Promise<ImportEntriesResult> {
    if (!Buffer.isBuffer(body)) throw LaurelError.badRequest('send the entries as CSV with Content-Type: text/csv');
    const { columns, rows } = parseEntriesCsv(decodeCsv(body));
    const total: ImportEntriesResult = { categoryId: '', received: 0, imported: 0, duplicates: 0, rejected: 0, ignoredColumns: [], problems: [], duplicateRows: [] };
    // Each batch is one transaction; a re-sent file (or a retried batch) stores nothing twice.
    for (const batch of batches(rows)) {
      const part = await this.services.request('nominations.entry.import', { columns, rows: batch, ceremony, category }, { credential, timeoutMs: 30000 });
      total.categoryId = part.categoryId;
      total.ignoredColumns = part.ignoredColumns;
      total.received += part.received;
      total.imported += part.imported;
      total.duplicates += part.duplicates;
      total.rejected += part.rejected;
      total.problems.push(...part.problems);
      total.duplicateRows.push(...part.duplicateRows);
    }
    return total;
  }

  @Get('entries')
  @Roles('admin')
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..1000, default 1000' })
  @ApiOperation({ summary: "The category's entries (with contact details), in the order they came in: { total, offset, entries }" })
  async list(
    @CeremonyId() ceremony: string,
    @Param('cat') category: string,
    @Query('offset') offset: string | undefined,
    @Query('limit') limit: string | undefined,
    @Caller() credential: string | null,
  ): Promise<EntryPage> {
    return this.services.request('nominations.entry.list', { ceremony, category, offset: integerParam('offset', offset), limit: integerParam('limit', limit) }, { credential });
  }

  @Get('shortlist')
  @Roles('admin')
  @ApiOperation({ summary: "The category's shortlist (nominees), its bounds and when it was published" })
  async shortlist(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<ShortlistView> {
    return this.services.request('nominations.shortlist.get', { ceremony, category }, { credential });
  }

  @Put('shortlist')
  @Roles('admin')
  @ApiOperation({
    summary: 'Set the draft shortlist from entries: { entryIds: [...] } in stage order',
    description: "400 outside the category's nominee bounds or naming another category's entry; 409 once published (frozen).",
  })
  async setShortlist(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: SetShortlistBody, @Caller() credential: string | null): Promise<ShortlistView> {
    return this.services.request('nominations.shortlist.set', { ...body, ceremony, category }, { credential });
  }

  @Post('shortlist/publish')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Publish the shortlist (emits shortlist.published); frozen afterwards (409)' })
  @ApiResponse({ status: 202, description: 'Done, but a service that serves its effect has not applied it within WRITES_WAIT_MS: the result plus `writes` (status pending/failed) and a Location to ask again (GET …/writes/:token)' })
  async publish(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null, @Res() res: Response): Promise<void> {
    // 200 once jury (ballots) and announcements (the nominees scene) hold the new nominees.
    await this.writes.answer(res, 200, () => ceremony, this.services.requestWithWrites('nominations.shortlist.publish', { ceremony, category }, { credential }));
  }
}
