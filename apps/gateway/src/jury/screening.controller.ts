import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LaurelError, type AssignmentView, type ReviewView, type ScreeningEntryInput, type ScreeningRanking, type ScreeningView } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.js';
import { AdjustShortlistBody, AssignScreeningBody, DeclareEntryConflictBody, OpenScreeningBody, SaveReviewBody } from '../http/bodies.js';
import { ReadYourWrites } from '../writes/read-your-writes.service.js';

/** Entries per page read from nominations (a page with contact details and long descriptions must fit 1 MB). */
const PAGE = 200;

/** Entries in batches of at most 400 kB of JSON (NATS' default payload limit is 1 MB). */
export function batchBySize(entries: ScreeningEntryInput[], maxBytes = 400_000): ScreeningEntryInput[][] {
  const out: ScreeningEntryInput[][] = [[]];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry));
    if (out.at(-1)!.length && bytes + size > maxBytes) {
      out.push([]);
      bytes = 0;
    }
    out.at(-1)!.push(entry);
    bytes += size;
  }
  return out;
}

/**
 * Screening rounds (issue 15): the jury service enforces who may do what (admin or the panel's chair for the
 * round; a juror only their own assigned, unconflicted reviews).
 */
@ApiTags('jury')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c/categories/:cat/screening')
export class ScreeningController {
  constructor(
    private readonly services: ServiceClient,
    private readonly writes: ReadYourWrites,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary: "Open the category's screening round on its entries: { shortlistSize? } → the round",
    description:
      "The entries are the category's entries in nominations (public fields only: organisation, kind, title, description); the shortlist size defaults to the category's maximum nominees, else 6. Jurors whose affiliation is an entry's organisation are flagged as conflicted. 409 when the category already has one.",
  })
  async open(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: OpenScreeningBody, @Caller() credential: string | null): Promise<ScreeningView> {
    const entries: ScreeningEntryInput[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.services.request('nominations.entry.list', { ceremony, category, offset, limit: PAGE }, { credential });
      entries.push(...page.entries.map((e) => ({ id: e.id, organisation: e.organisation, kind: e.kind, title: e.title, description: e.description })));
      if (page.entries.length < PAGE || entries.length >= page.total) break;
    }
    if (entries.length === 0) throw LaurelError.conflict('the category has no entries: import or submit entries before opening its screening round');
    const { bounds } = await this.services.request('nominations.shortlist.get', { ceremony, category }, { credential });
    const limits = { ...(bounds.min !== null ? { minNominees: bounds.min } : {}), ...(bounds.max !== null ? { maxNominees: bounds.max } : {}) };
    // Descriptions run to 4,000 characters: a large round goes over in batches that each fit one NATS message.
    const [first, ...rest] = batchBySize(entries);
    let view = await this.services.request('jury.screening.open', { ...body, ...limits, entries: first, ceremony, category }, { credential, timeoutMs: 30000 });
    for (const batch of rest) view = await this.services.request('jury.screening.open', { entries: batch, append: true, ceremony, category }, { credential, timeoutMs: 30000 });
    return view;
  }

  @Post('assignment')
  @HttpCode(200)
  @Roles('admin', 'juror')
  @ApiOperation({
    summary: 'Admin or chair: give every entry k reviewers of the panel: { k } → loads',
    description: 'Loads differ by at most one; declared and affiliation conflicts are respected. 409 with the reason when no such assignment exists (details.entries: entries with fewer than k jurors free of conflicts), or once a review is locked.',
  })
  async assign(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: AssignScreeningBody, @Caller() credential: string | null): Promise<AssignmentView> {
    return this.services.request('jury.screening.assign', { ...body, ceremony, category }, { credential, timeoutMs: 30000 });
  }

  @Get()
  @Roles('admin', 'juror')
  @ApiOperation({ summary: 'The round: status, k, progress; a juror gets their queue (assigned entries with their own review), the chair and admin the loads per juror (no scores)' })
  async get(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<ScreeningView> {
    return this.services.request('jury.screening.get', { ceremony, category }, { credential });
  }

  @Post('conflicts')
  @HttpCode(201)
  @Roles('admin', 'juror')
  @ApiOperation({ summary: 'Declare that a juror may not review an entry: { jurorId, entryId, reason } (a juror only for themselves)' })
  async conflict(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: DeclareEntryConflictBody, @Caller() credential: string | null): Promise<{ declared: true }> {
    return this.services.request('jury.screening.conflict', { ...body, ceremony, category }, { credential });
  }

  @Put('reviews/:entryId')
  @Roles('juror')
  @ApiOperation({
    summary: 'Save own review of an assigned entry: { scores: { <criterionKey>: 1..10 } }',
    description: '403 with the reason for an entry not assigned to you or one you are conflicted with; 409 once locked.',
  })
  async save(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('entryId') entryId: string, @Body() body: SaveReviewBody, @Caller() credential: string | null): Promise<ReviewView> {
    return this.services.request('jury.screening.review.save', { ...body, entryId, ceremony, category }, { credential });
  }

  @Post('reviews/:entryId/lock')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({ summary: 'Lock own review of an entry (irrevocable); 400 naming each missing score' })
  async lock(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('entryId') entryId: string, @Caller() credential: string | null): Promise<ReviewView> {
    return this.services.request('jury.screening.review.lock', { entryId, ceremony, category }, { credential });
  }

  @Get('ranking')
  @Roles('admin', 'juror')
  @ApiOperation({
    summary: 'Admin or chair: the ranking by per-juror z-scores with the raw means beside them, and the draft shortlist',
    description: "Each locked review's criterion-weighted score is normalized against its juror's own mean and standard deviation in the round; a juror whose scores are all the same counts as 0 (listed in flatJurors).",
  })
  async ranking(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<ScreeningRanking> {
    return this.services.request('jury.screening.ranking', { ceremony, category }, { credential });
  }

  @Post('shortlist/adjustments')
  @HttpCode(200)
  @Roles('admin', 'juror')
  @ApiOperation({ summary: 'Admin or chair: put an entry on or off the draft shortlist with a reason: { entryId, onShortlist: true|false, reason } (audited)' })
  async adjust(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: AdjustShortlistBody, @Caller() credential: string | null): Promise<ScreeningRanking> {
    return this.services.request('jury.screening.adjust', { ...body, ceremony, category }, { credential });
  }

  @Post('shortlist/freeze')
  @HttpCode(200)
  @Roles('admin', 'juror')
  @ApiOperation({
    summary: 'Admin or chair: freeze the draft shortlist → { roundId, finalRoundId, entryIds }',
    description: 'Needs every review locked (409 with the counts). Nominations makes the entries the nominees and publishes the shortlist, recording the round (GET …/shortlist: roundId); the nominees go on to the final round (the ballots).',
  })
  @ApiResponse({ status: 202, description: 'Frozen, but nominations has not taken the shortlist within WRITES_WAIT_MS: the result plus `writes` and a Location to ask again' })
  async freeze(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null, @Res() res: Response): Promise<void> {
    await this.writes.answer(res, 200, () => ceremony, this.services.requestWithWrites('jury.screening.freeze', { ceremony, category }, { credential }));
  }
}
