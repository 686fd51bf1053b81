import { Body, Controller, Delete, Get, HttpCode, Post, Put, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditVerification, BallotView, JurorView, PanelStatus, SealResult, VerdictResult } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CallerPrincipal, CeremonyId } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.js';
import { commandFields } from '../http/body.js';

/** Jury calls: only admin and jurors; the jury service enforces own-ballot, panel and chair rules. */
@ApiTags('jury')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c')
export class JuryController {
  constructor(private readonly services: ServiceClient) {}

  @Post('categories/:cat/jurors')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Add a juror to a category panel: { name, affiliation?, chair? } → { id }' })
  async addJuror(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: unknown, @Caller() credential: string | null): Promise<{ id: string }> {
    return this.services.request('jury.juror.add', { ...commandFields(body), ceremony, category } as never, { credential });
  }

  @Delete('categories/:cat/jurors/:jurorId')
  @Roles('admin')
  @ApiOperation({ summary: 'Take a juror off a panel: { overrideReason? } (required once the panel is frozen; audited)' })
  async removeJuror(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('jurorId') jurorId: string, @Body() body: unknown, @Caller() credential: string | null): Promise<{ removed: true }> {
    const extra = body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0) ? {} : commandFields(body);
    return this.services.request('jury.juror.remove', { ...extra, jurorId, ceremony, category } as never, { credential });
  }

  @Put('categories/:cat/chair')
  @Roles('admin')
  @ApiOperation({ summary: "Appoint a panel's chair: { jurorId, overrideReason? } (override reason required once the panel is frozen; audited)" })
  async appointChair(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: unknown, @Caller() credential: string | null): Promise<JurorView> {
    return this.services.request('jury.panel.chair', { ...commandFields(body), ceremony, category } as never, { credential });
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
  async conflict(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: unknown, @Caller() credential: string | null): Promise<{ declared: true }> {
    return this.services.request('jury.conflict.declare', { ...commandFields(body), ceremony, category } as never, { credential });
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
  async saveBallot(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: unknown, @Caller() credential: string | null): Promise<BallotView> {
    return this.services.request('jury.ballot.save', { ...commandFields(body), ceremony, category } as never, { credential });
  }

  @Post('categories/:cat/ballot/lock')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({ summary: 'Lock own ballot (irrevocable)' })
  async lock(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<BallotView> {
    return this.services.request('jury.ballot.lock', { ceremony, category }, { credential });
  }

  @Post('categories/:cat/ballots/:jurorId/reopen')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({ summary: "Chair only: reopen a juror's locked ballot before sealing, with a reason (audited)" })
  async reopen(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('jurorId') jurorId: string, @Body() body: unknown, @Caller() credential: string | null): Promise<BallotView> {
    return this.services.request('jury.ballot.reopen', { ...commandFields(body), jurorId, ceremony, category } as never, { credential });
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
  async verdict(@CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: unknown, @Caller() credential: string | null): Promise<VerdictResult> {
    return this.services.request('jury.verdict.compute', { ...commandFields(body), ceremony, category } as never, { credential });
  }

  @Post('categories/:cat/verdict/seal')
  @HttpCode(200)
  @Roles('juror')
  @ApiOperation({ summary: 'Chair: seal the verdict → { commitment, sealedAt }' })
  async seal(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<SealResult> {
    return this.services.request('jury.verdict.seal', { ceremony, category }, { credential });
  }

  @Get('audit/verify')
  @Roles('admin')
  @ApiOperation({ summary: "Verify the jury audit log's hash chain; names the first broken entry" })
  async verifyAudit(@CeremonyId() ceremony: string, @Caller() credential: string | null): Promise<AuditVerification> {
    return this.services.request('jury.audit.verify', { ceremony }, { credential });
  }
}
