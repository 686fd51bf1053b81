import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LaurelError, type TokenInfo } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.js';
import { ReadYourWrites } from '../writes/read-your-writes.service.js';
import { IssueTokenBody } from '../http/bodies.js';

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c/tokens')
export class TokensController {
  constructor(
    private readonly services: ServiceClient,
    private readonly writes: ReadYourWrites,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Issue an access token: { role: producer|press|screen|juror, jurorId? } → { token }' })
  @ApiResponse({ status: 202, description: 'Done, but a service that serves its effect has not applied it within WRITES_WAIT_MS: the result plus `writes` (status pending/failed) and a Location to ask again (GET …/writes/:token)' })
  async issue(@CeremonyId() ceremonyId: string, @Body() body: IssueTokenBody, @Caller() credential: string | null, @Res() res: Response): Promise<void> {
    if (body.role === 'juror') {
      if (body.jurorId === undefined) throw LaurelError.badRequest('jurorId is required for a juror token', [{ path: 'jurorId', message: 'is required for role juror' }]);
      // A juror token is bound to a juror of this ceremony: the jury service must know them.
      await this.services.request('jury.juror.get', { ceremony: ceremonyId, jurorId: body.jurorId }, { credential });
    }
    // 201 once its grant is in the access bucket: the token works at once on every gateway.
    await this.writes.answer(res, 201, () => ceremonyId, this.services.requestWithWrites('nominations.access.issue', { ...body, ceremony: ceremonyId }, { credential }));
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List issued tokens (never the tokens themselves)' })
  async list(@CeremonyId() ceremonyId: string, @Caller() credential: string | null): Promise<TokenInfo[]> {
    return this.services.request('nominations.access.list', { ceremony: ceremonyId }, { credential });
  }

  @Delete(':tokenId')
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke a token; it is refused everywhere within a second' })
  @ApiResponse({ status: 202, description: 'Done, but a service that serves its effect has not applied it within WRITES_WAIT_MS: the result plus `writes` (status pending/failed) and a Location to ask again (GET …/writes/:token)' })
  async revoke(@CeremonyId() ceremonyId: string, @Param('tokenId') tokenId: string, @Caller() credential: string | null, @Res() res: Response): Promise<void> {
    await this.writes.answer(res, 200, () => ceremonyId, this.services.requestWithWrites('nominations.access.revoke', { ceremony: ceremonyId, tokenId }, { credential }));
  }
}
