import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { WritesState } from '#contracts';
import { CeremonyId } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.js';
import { ReadYourWrites, writesFromToken } from './read-your-writes.service.js';

/** Where a command answered with 202 stands: has every service applied what it wrote? */
@ApiTags('ceremonies')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c/writes')
export class WritesController {
  constructor(private readonly writes: ReadYourWrites) {}

  @Get(':token')
  @Roles('admin', 'producer', 'juror', 'press', 'screen')
  @ApiOperation({
    summary: 'Status of a command answered with 202 (the Location it gave)',
    description:
      'A command whose effect other services serve (import, shortlist publish, seal, token issue/revoke) answers 201/200 once every ' +
      'service holds it, or 202 with `writes` and a Location here if they did not within WRITES_WAIT_MS. `status`: complete (every ' +
      'endpoint answers as if the command were complete), pending (`pending` names the services still applying it), failed (a ' +
      'service parked it as poison: it will never be applied; see its parked events).',
  })
  @ApiParam({ name: 'c', description: 'ceremony id or slug' })
  @ApiParam({ name: 'token', description: 'as in the 202 answer' })
  @ApiResponse({ status: 200, description: '{ status: complete|pending|failed, pending: [service], failed: [service], href }' })
  async status(@CeremonyId() ceremony: string, @Param('token') token: string): Promise<WritesState> {
    return this.writes.state(ceremony, writesFromToken(token));
  }
}
