import { Body, Controller, Delete, Get, HttpCode, Post, Put, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  LaurelError,
  parseAnchor,
  type AuditVerification,
  type BallotExport,
  type BallotProof,
  type BallotView,
  type JurorView,
  type PanelStatus,
  type VerdictResult,
} from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CallerPrincipal, CeremonyId } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.js';
import { ReadYourWrites } from '../writes/read-your-writes.service.js';
import { AddJurorBody, AppointChairBody, DeclareConflictBody, RemoveJurorBody, ReopenBallotBody, SaveBallotBody, VerdictBody } from '../http/bodies.js';

/** Jury calls: only admin and jurors; the jury service enforces own-ballot, panel and chair rules. */
@ApiTags('jury')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c')
export class JuryController {
  constructor(
    private readonly services: ServiceClient,
    private readonly writes: ReadYourWrites,
  ) {}

  @Post('categories/:cat/jurors')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Add a juror to a category panel: { name, affiliation?, chair? } → { id }' })
  async addJuror(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: AddJurorBody, @Caller() credential: string | null): Promise<{ id: string }> {
    return this.services.request('jury.juror.add', { ...body, ceremony, category }, { credential });
  }

  @Delete('categories/:cat/jurors/:jurorId')
  @Roles('admin')
  @ApiOperation({ summary: 'Take a juror off a panel: { overrideReason? } (required once the panel is frozen; audited)' })
  async removeJuror(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('jurorId') jurorId: string, @Body() body: RemoveJurorBody, @Caller() credential: string | null): Promise<{ removed: true }> {
    return this.services.request('jury.juror.remove', { ...body, jurorId, ceremony, category }, { credential });
  }

  @Put('categories/:cat/chair')
  @Roles('admin')
  @ApiOperation({ summary: "Appoint a panel's chair: { jurorId, overrideReason? } (override reason required once the panel is frozen; audited)" })
  async appointChair(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: AppointChairBody, @Caller() credential: string | null): Promise<JurorView> {
    return this.services.request('jury.panel.chair', { ...body, ceremony, category }, { credential });
  }

  @Get('jurors')
  @Roles('admin')
  @ApiOperation({ summary: 'All jurors with their panels and conflicts' })
  async jurors(@CeremonyId() ceremony: string, @Caller() credential: string | null): Promise<JurorView[]> {
    return this.services.request('jury.juror.list', { ceremony }, { credential });
  }

  @Get('me')
  @Roles('juror')
  @ApiOperation({ summary: 'The calling juror: panel, chair flag, conflicts' })
  async me(@CeremonyId() ceremony: string, @CallerPrincipal() principal: Principal, @Caller() credential: string | null): Promise<JurorView> {
    return this.services.request('jury.juror.get', { ceremony, jurorId: principal.jurorId! }, { credential });
  }

  @Post('categories/:cat/conflicts')
  @HttpCode(201)
  @Roles('admin', 'juror')
  @ApiOperation({ summary: 'Declare a conflict of interest: { jurorId, nomineeId, reason }' })
  async conflict(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: DeclareConflictBody, @Caller() credential: string | null): Promise<{ declared: true }> {
    return this.services.request('jury.conflict.declare', { ...body, ceremony, category }, { credential });
  }

  @Get('categories/:cat/ballot')
  @Roles('juror')
  @ApiOperation({ summary: "The calling juror's own ballot" })
  async ballot(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<BallotView> {
    return this.services.request('jury.ballot.get', { ceremony, category }, { credential });
  }

  @Put('categories/:cat/ballot')
  @Roles('juror')
  @ApiOperation({ summary: 'Save own ballot as a draft: { scores: { <nomineeId>: { <criterionKey>: 1..10 } } }' })
  async saveBallot(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: SaveBallotBody, @Caller() credential: string | null): Promise<BallotView> {
    return this.services.request('jury.ballot.save', { ...body, ceremony, category }, { credential });
  }

  @Post('categories/:cat/ballot/lock')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({
    summary: 'Lock own ballot (irrevocable) → the ballot with its receipt',
    description: '`receipt` = sha256hex(JCS({ categoryId, jurorId, scores, salt: receiptSalt })); keep it: after the reveal it is proved to be in the sealed ballot root (GET …/ballot/proof).',
  })
  async lock(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<BallotView> {
    return this.services.request('jury.ballot.lock', { ceremony, category }, { credential });
  }

  @Post('categories/:cat/ballots/:jurorId/reopen')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({ summary: "Chair only: reopen a juror's locked ballot before sealing, with a reason (audited)" })
  async reopen(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('jurorId') jurorId: string, @Body() body: ReopenBallotBody, @Caller() credential: string | null): Promise<BallotView> {
    return this.services.request('jury.ballot.reopen', { ...body, jurorId, ceremony, category }, { credential });
  }

  @Get('categories/:cat/panel')
  @Roles('juror', 'admin')
  @ApiOperation({ summary: 'Panel status: locked/total, quorum, verdict (chair), seal' })
  async panel(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<PanelStatus> {
    return this.services.request('jury.panel.status', { ceremony, category }, { credential });
  }

  @Post('categories/:cat/verdict')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({ summary: 'Chair: compute the verdict { motivation, tieBreakWinnerId? } → { winnerId, ranking }; 409 before quorum or on a tie' })
  async verdict(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: VerdictBody, @Caller() credential: string | null): Promise<VerdictResult> {
    return this.services.request('jury.verdict.compute', { ...body, ceremony, category }, { credential });
  }

  @Post('categories/:cat/verdict/seal')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({ summary: 'Chair: seal the verdict → { commitment, sealedAt }' })
  @ApiResponse({ status: 202, description: 'Done, but a service that serves its effect has not applied it within WRITES_WAIT_MS: the result plus `writes` (status pending/failed) and a Location to ask again (GET …/writes/:token)' })
  async seal(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null, @Res() res: Response): Promise<void> {
    // 200 once announcements holds the sealed envelope: a reveal cued right after it is not refused as unsealed.
    await this.writes.answer(res, 200, () => ceremony, this.services.requestWithWrites('jury.verdict.seal', { ceremony, category }, { credential }));
  }

  @Get('audit/verify')
  @Roles('admin')
  @ApiOperation({
    summary: "Verify the jury audit log's hash chain; names the first broken entry",
    description: 'With ?anchor=<hash>@<count> (an audit head published with a seal, a reveal or the results) the chain must still pass through it: `reason: "head mismatch"` when it was rewritten after that.',
  })
  @ApiQuery({ name: 'anchor', required: false, description: '<64 hex>@<count>' })
  async verifyAudit(@CeremonyId() ceremony: string, @Query('anchor') anchor: string | undefined, @Caller() credential: string | null): Promise<AuditVerification> {
    if (anchor !== undefined && (typeof anchor !== 'string' || parseAnchor(anchor) === null)) {
      throw LaurelError.badRequest('anchor must be <64 hex>@<count>', [{ path: 'anchor', message: 'must be <64 hex>@<count>' }]);
    }
    return this.services.request('jury.audit.verify', { ceremony, ...(anchor !== undefined ? { anchor } : {}) }, { credential });
  }

  @Get('categories/:cat/ballot/proof')
  @Roles('juror')
  @ApiOperation({
    summary: "After the reveal: the inclusion proof of the caller's own ballot receipt in the sealed ballot root",
    description:
      '→ { receipt, leafIndex, treeSize, path[], root, sealedRoot, sealedCount, scores, receiptSalt, … }. RFC 6962 audit path (leaf = sha256(0x00‖receipt), node = sha256(0x01‖left‖right)); ' +
      'check it against the ballotRoot/ballotCount published with the seal and the results, not the root in this answer. 409 before the reveal (and nothing else is said then).',
  })
  async ballotProof(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<BallotProof> {
    return this.services.request('jury.ballot.proof', { ceremony, category }, { credential });
  }

  @Get('categories/:cat/ballots')
  @Roles('admin')
  @ApiOperation({
    summary: 'After the reveal: every locked ballot of the category, with salts and receipts, and the sealed verdict (for `./laurel audit tally`)',
    description: '409 before the category is revealed: the scores would be spoilers.',
  })
  async exportBallots(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<BallotExport> {
    return this.services.request('jury.ballots.export', { ceremony, category }, { credential });
  }
}
