import { Controller } from '@nestjs/common';
import type {
  AcceptIntakeSubmissionCommand,
  EditIntakeSubmissionCommand,
  GetIntakeFormQuery,
  GetIntakeSubmissionQuery,
  IntakeFormView,
  IntakeReceipt,
  IntakeReviewResult,
  IntakeSubmissionPage,
  IntakeSubmissionView,
  ListIntakeSubmissionsQuery,
  RejectIntakeSubmissionCommand,
  SubmitIntakeCommand,
} from '#contracts';
import { Command } from '#messaging';
import { IntakeService } from './intake.service.js';

/** Entrant intake: the form, submissions and the entrant's own by receipt are public; the review is the admin's (libs/contracts). */
@Controller()
export class IntakeController {
  constructor(private readonly intake: IntakeService) {}

  @Command('nominations.intake.form')
  async form(request: GetIntakeFormQuery): Promise<IntakeFormView> {
    return this.intake.form(request);
  }

  @Command('nominations.intake.submit')
  async submit(request: SubmitIntakeCommand): Promise<IntakeReceipt> {
    return this.intake.submit(request);
  }

  @Command('nominations.intake.mine')
  async mine(request: GetIntakeSubmissionQuery): Promise<IntakeSubmissionView> {
    return this.intake.mine(request);
  }

  @Command('nominations.intake.edit')
  async edit(request: EditIntakeSubmissionCommand): Promise<IntakeSubmissionView> {
    return this.intake.edit(request);
  }

  @Command('nominations.intake.list')
  async list(request: ListIntakeSubmissionsQuery): Promise<IntakeSubmissionPage> {
    return this.intake.list(request);
  }

  @Command('nominations.intake.accept')
  async accept(request: AcceptIntakeSubmissionCommand): Promise<IntakeReviewResult> {
    return this.intake.accept(request);
  }

  @Command('nominations.intake.reject')
  async reject(request: RejectIntakeSubmissionCommand): Promise<IntakeReviewResult> {
    return this.intake.reject(request);
  }
}
