import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DeliberationComment, DeliberationThread, DeliberationView } from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.js';
import { MarkDiscussedBody, PostCommentBody } from '../http/bodies.js';

/**
 * Deliberation threads per nominee (issue 15): jurors only. The jury checks each call: the caller's own
 * ballot locked, never a nominee they are conflicted with (403 with the reason). Changes reach the jurors who
 * may read them as a `deliberation` socket notice without text; the text is only ever served here.
 */
@ApiTags('jury')
@ApiBearerAuth()
@Controller('api/v1/ceremonies/:c/categories/:cat/deliberation')
export class DeliberationController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @Roles('juror')
  @ApiOperation({ summary: 'The threads the calling juror may read: every nominee but those they are conflicted with; 409 before their own ballot is locked' })
  async get(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<DeliberationView> {
    return this.services.request('jury.deliberation.get', { ceremony, category }, { credential });
  }

  @Post(':nomineeId/comments')
  @HttpCode(201)
  @Roles('juror')
  @ApiOperation({ summary: "Comment in a nominee's thread: { text } (plain text, up to 2000 characters; audited)" })
  async comment(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('nomineeId') nomineeId: string, @Body() body: PostCommentBody, @Caller() credential: string | null): Promise<DeliberationComment> {
    return this.services.request('jury.deliberation.comment', { ...body, nomineeId, ceremony, category }, { credential });
  }

  @Put(':nomineeId/discussed')
  @Roles('juror')
  @ApiOperation({ summary: 'Chair: mark a nominee discussed (or not): { discussed } (audited)' })
  async discussed(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('nomineeId') nomineeId: string, @Body() body: MarkDiscussedBody, @Caller() credential: string | null): Promise<DeliberationThread> {
    return this.services.request('jury.deliberation.discussed', { ...body, nomineeId, ceremony, category }, { credential });
  }
}
