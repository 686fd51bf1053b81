import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  INTAKE_STATUSES,
  LaurelError,
  normaliseReceipt,
  RECEIPT_PATTERN,
  type IntakeFormView,
  type IntakeReceipt,
  type IntakeReviewResult,
  type IntakeStatus,
  type IntakeSubmissionPage,
  type IntakeSubmissionView,
} from '#contracts';
import { ServiceClient } from '#messaging';
import { Caller, CeremonyId } from '../auth/principal.decorator.js';
import { ANYONE, Roles } from '../auth/roles.js';
import { RateLimits } from '../edge/rate-limits.js';
import { EditIntakeBody, RejectIntakeBody, SubmitIntakeBody } from '../http/bodies.js';

/** The header that carries a receipt code (never the URL: addresses end up in logs and Referer headers). */
export const RECEIPT_HEADER = 'laurel-receipt';

function receiptOf(header: string | undefined): string {
  const code = normaliseReceipt(header ?? '');
  if (!code) throw LaurelError.badRequest('send the receipt code in the Laurel-Receipt header', [{ path: 'receipt', message: 'is required' }]);
  if (!RECEIPT_PATTERN.test(code)) throw LaurelError.badRequest('that is not a receipt code (26 letters and digits)', [{ path: 'receipt', message: 'is not a receipt code' }]);
  return code;
}

function integerParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw LaurelError.badRequest(`${name} must be a whole number`, [{ path: name, message: 'must be a whole number' }]);
  return Number(value);
}

/**
 * Entrant intake (issue 15 item 1). Public: a category's form, a submission, and one's own submission by
 * its receipt code (the only key to it; nothing lists submissions to the public). Each public write or
 * read by code counts against the intake budget of the client address. Admin: the review list, accept, reject.
 */
@ApiTags('intake')
@ApiBearerAuth()
@Controller('api/v1')
export class IntakeController {
  constructor(
    private readonly services: ServiceClient,
    private readonly limits: RateLimits,
  ) {}

  @Get('ceremonies/:c/categories/:cat/intake')
  @Roles(...ANYONE)
  @ApiOperation({ summary: "A category's submission form: its fields (labels sv/en, required, max length), the deadline (local time in the ceremony's zone and UTC), open or closed" })
  async form(@CeremonyId() ceremony: string, @Param('cat') category: string, @Caller() credential: string | null): Promise<IntakeFormView> {
    return this.services.request('nominations.intake.form', { ceremony, category }, { credential });
  }

  @Post('ceremonies/:c/categories/:cat/intake/submissions')
  @HttpCode(201)
  @Roles(...ANYONE)
  @ApiOperation({
    summary: 'Submit to a category (no token): { answers: { <field key>: text }, trap? }; answers with the receipt code (shown once) and the edit link',
    description:
      '400 with details [{ path: "answers.<key>", code, message }] per field (required, tooLong, markup, singleLine, url, email, unknown) or [{ path: "trap" }] when the hidden honeypot field is filled in; 409 [{ path: "deadline", code: "closed" }] after the deadline; 429 over INTAKE_RATE_LIMIT_PER_MINUTE per client address.',
  })
  async submit(@Req() req: Request, @CeremonyId() ceremony: string, @Param('cat') category: string, @Body() body: SubmitIntakeBody, @Caller() credential: string | null): Promise<IntakeReceipt> {
    await this.limits.countIntake(req);
    return this.services.request('nominations.intake.submit', { ...body, ceremony, category }, { credential });
  }

  @Get('intake/submission')
  @Roles(...ANYONE)
  @ApiHeader({ name: 'Laurel-Receipt', required: true, description: 'the receipt code the submission answered with' })
  @ApiOperation({ summary: "One's own submission by its receipt code: answers, status, editable until the deadline; 404 for any other code" })
  async mine(@Req() req: Request, @Headers(RECEIPT_HEADER) receipt: string | undefined, @Caller() credential: string | null): Promise<IntakeSubmissionView> {
    await this.limits.countIntake(req);
    return this.services.request('nominations.intake.mine', { receipt: receiptOf(receipt) }, { credential });
  }

  @Put('intake/submission')
  @Roles(...ANYONE)
  @ApiHeader({ name: 'Laurel-Receipt', required: true, description: 'the receipt code the submission answered with' })
  @ApiOperation({
    summary: "Replace one's own answers (receipt code in Laurel-Receipt): { answers, trap? }",
    description: '400 per field as on submit; 409 after the deadline or once the admin has reviewed it; 404 for an unknown code.',
  })
  async edit(@Req() req: Request, @Headers(RECEIPT_HEADER) receipt: string | undefined, @Body() body: EditIntakeBody, @Caller() credential: string | null): Promise<IntakeSubmissionView> {
    await this.limits.countIntake(req);
    return this.services.request('nominations.intake.edit', { ...body, receipt: receiptOf(receipt) }, { credential });
  }

  @Get('ceremonies/:c/categories/:cat/intake/submissions')
  @Roles('admin')
  @ApiQuery({ name: 'status', required: false, enum: INTAKE_STATUSES })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..500, default 100' })
  @ApiOperation({ summary: "The category's submissions for review, oldest first, each with what today's eligibility rules say of it (ineligibility: the reason, or null)" })
  async list(
    @CeremonyId() ceremony: string,
    @Param('cat') category: string,
    @Query('status') status: string | undefined,
    @Query('offset') offset: string | undefined,
    @Query('limit') limit: string | undefined,
    @Caller() credential: string | null,
  ): Promise<IntakeSubmissionPage> {
    if (status !== undefined && !(INTAKE_STATUSES as readonly string[]).includes(status))
      throw LaurelError.badRequest(`status must be one of ${INTAKE_STATUSES.join(', ')}`, [{ path: 'status', message: `must be one of ${INTAKE_STATUSES.join(', ')}` }]);
    return this.services.request(
      'nominations.intake.list',
      { ceremony, category, status: status as IntakeStatus | undefined, offset: integerParam('offset', offset), limit: integerParam('limit', limit) },
      { credential },
    );
  }

  @Post('ceremonies/:c/categories/:cat/intake/submissions/:id/accept')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Accept a submission: it becomes an entry of the category (source "intake"), eligible for the shortlist', description: '400 with the reason when today\'s rules refuse it (kind not eligible); 409 when already entered or already reviewed.' })
  @ApiResponse({ status: 200, description: '{ submission, entry }' })
  async accept(@CeremonyId() ceremony: string, @Param('cat') category: string, @Param('id', new ParseUUIDPipe()) submission: string, @Caller() credential: string | null): Promise<IntakeReviewResult> {
    return this.services.request('nominations.intake.accept', { ceremony, category, submission }, { credential });
  }

  @Post('ceremonies/:c/categories/:cat/intake/submissions/:id/reject')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Reject a submission with a reason: { reason } (kept with it, not shown to the entrant); 409 when already reviewed' })
  async reject(
    @CeremonyId() ceremony: string,
    @Param('cat') category: string,
    @Param('id', new ParseUUIDPipe()) submission: string,
    @Body() body: RejectIntakeBody,
    @Caller() credential: string | null,
  ): Promise<IntakeReviewResult> {
    return this.services.request('nominations.intake.reject', { ...body, ceremony, category, submission }, { credential });
  }
}
