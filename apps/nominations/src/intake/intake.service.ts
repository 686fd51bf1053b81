import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  checkIntakeAnswers,
  DomainRefusal,
  intakeRefusalMessage,
  LaurelError,
  type AcceptIntakeSubmissionCommand,
  type EditIntakeSubmissionCommand,
  type EntryFields,
  type GetIntakeFormQuery,
  type GetIntakeSubmissionQuery,
  type IntakeDeclaration,
  type IntakeFormView,
  type IntakeProblem,
  type IntakeReceipt,
  type IntakeReviewResult,
  type IntakeSubmissionAdminView,
  type IntakeSubmissionPage,
  type IntakeSubmissionView,
  type ListIntakeSubmissionsQuery,
  type RejectIntakeSubmissionCommand,
  type SubmitIntakeCommand,
} from '#contracts';
import type { Category } from '../ceremonies/category.entity.js';
import type { Ceremony } from '../ceremonies/ceremony.entity.js';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { entryView, EntriesService } from '../entries/entries.service.js';
import { checkEntryFields, ineligibility, naturalKey } from '../entries/entry-rules.js';
import { deadlineOf, entryFieldsOf, intakeOf, newReceipt, receiptHash } from './intake-rules.js';
import { IntakeSubmission } from './submission.entity.js';

interface Form {
  ceremony: Ceremony;
  category: Category;
  intake: IntakeDeclaration;
  timezone: string;
  deadlineAt: Date;
}

/**
 * Entrant intake: the public form of a category, submissions checked field by field against it and
 * the deadline (server time, the ceremony's zone), the entrant's own view and edits by receipt code, and
 * the admin's review, which turns a submission into an entry under today's rules or rejects it with a reason.
 */
@Injectable()
export class IntakeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ceremonies: CeremoniesService,
    private readonly entries: EntriesService,
  ) {}

  async form(query: GetIntakeFormQuery): Promise<IntakeFormView> {
    const { ceremony, category, intake, timezone, deadlineAt } = await this.formOf(query.ceremony, query.category);
    const now = new Date();
    return {
      ceremony: { slug: ceremony.slug, name: ceremony.name, timezone },
      category: { slug: category.slug, name: category.name, description: category.description, eligibility: category.eligibility, eligibleKinds: category.eligibleKinds },
      fields: intake.fields,
      deadline: intake.deadline,
      deadlineAt: deadlineAt.toISOString(),
      open: now < deadlineAt,
      serverNow: now.toISOString(),
    };
  }

  async submit(command: SubmitIntakeCommand): Promise<IntakeReceipt> {
    const form = await this.formOf(command.ceremony, command.category);
    refuseTrap(command.trap);
    refuseClosed(form);
    const answers = this.checked(form, command.answers);
    const receipt = newReceipt();
    const now = new Date();
    const submission = Object.assign(new IntakeSubmission(), {
      id: randomUUID(),
      ceremonyId: form.ceremony.id,
      categoryId: form.category.id,
      receiptHash: receiptHash(receipt),
      answers,
      status: 'submitted' as const,
      reason: null,
      entryId: null,
      submittedAt: now,
      updatedAt: now,
      reviewedAt: null,
    });
    await this.dataSource.manager.insert(IntakeSubmission, submission);
    return { ...this.entrantView(form, submission), receipt, editPath: `/intake/${encodeURIComponent(form.ceremony.slug)}/${encodeURIComponent(form.category.slug)}#receipt=${receipt}` };
  }

  async mine(query: GetIntakeSubmissionQuery): Promise<IntakeSubmissionView> {
    const submission = await this.byReceipt(query.receipt);
    return this.entrantView(await this.formOfSubmission(submission), submission);
  }

  /** Replaces the answers, until the deadline and while nobody has reviewed the submission. */
  async edit(command: EditIntakeSubmissionCommand): Promise<IntakeSubmissionView> {
    const found = await this.byReceipt(command.receipt);
    const form = await this.formOfSubmission(found);
    refuseTrap(command.trap);
    refuseClosed(form);
    const answers = this.checked(form, command.answers);
    return this.dataSource.transaction(async (manager) => {
      const submission = await this.locked(manager, found.id);
      if (submission.status !== 'submitted') throw new DomainRefusal('conflict', 'intake.reviewed', `this submission has been reviewed (${submission.status}) and can no longer be changed`);
      submission.answers = answers;
      submission.updatedAt = new Date();
      await manager.update(IntakeSubmission, { id: submission.id }, { answers, updatedAt: submission.updatedAt });
      return this.entrantView(form, submission);
    });
  }

  async list(query: ListIntakeSubmissionsQuery): Promise<IntakeSubmissionPage> {
    const form = await this.formOf(query.ceremony, query.category);
    const offset = query.offset ?? 0;
    const [rows, total] = await this.dataSource.manager.findAndCount(IntakeSubmission, {
      where: { categoryId: form.category.id, ...(query.status ? { status: query.status } : {}) },
      order: { submittedAt: 'ASC', id: 'ASC' },
      skip: offset,
      take: query.limit ?? 100,
    });
    const reasons = await this.ineligibilities(form, rows.filter((r) => r.status === 'submitted'));
    return { total, offset, submissions: rows.map((row) => this.adminView(row, reasons.get(row.id) ?? null)) };
  }

  /** Accepts a submission into the category's entries, under the rules a submitted entry meets (eligible kind, not already entered). */
  async accept(command: AcceptIntakeSubmissionCommand): Promise<IntakeReviewResult> {
    const form = await this.formOf(command.ceremony, command.category);
    return this.dataSource.transaction(async (manager) => {
      const submission = await this.reviewable(manager, form, command.submission);
      const entry = await this.entries.addOne(manager, form.category, entryFieldsOf(form.intake.fields, submission.answers), 'intake', 'answers');
      Object.assign(submission, { status: 'accepted', entryId: entry.id, reviewedAt: new Date(), reason: null });
      await manager.update(IntakeSubmission, { id: submission.id }, { status: submission.status, entryId: entry.id, reviewedAt: submission.reviewedAt });
      return { submission: this.adminView(submission, null), entry: entryView(entry) };
    });
  }

  async reject(command: RejectIntakeSubmissionCommand): Promise<IntakeReviewResult> {
    const form = await this.formOf(command.ceremony, command.category);
    return this.dataSource.transaction(async (manager) => {
      const submission = await this.reviewable(manager, form, command.submission);
      Object.assign(submission, { status: 'rejected', reason: command.reason.trim(), reviewedAt: new Date() });
      await manager.update(IntakeSubmission, { id: submission.id }, { status: submission.status, reason: submission.reason, reviewedAt: submission.reviewedAt });
      return { submission: this.adminView(submission, null), entry: null };
    });
  }

  private async formOf(ceremonyRef: string, categoryRef: string): Promise<Form> {
    const category = await this.ceremonies.findCategory(ceremonyRef, categoryRef);
    const ceremony = await this.ceremonies.findCeremony(category.ceremonyId);
    return this.formFor(ceremony, category);
  }

  private async formOfSubmission(submission: IntakeSubmission): Promise<Form> {
    return this.formOf(submission.ceremonyId, submission.categoryId);
  }

  private formFor(ceremony: Ceremony, category: Category): Form {
    const intake = intakeOf(ceremony.sourceFile, category.slug);
    const timezone = ceremony.header.timezone;
    if (!intake || !timezone) throw LaurelError.notFound(`${category.name} takes no submissions through a form`);
    return { ceremony, category, intake, timezone, deadlineAt: deadlineOf(intake, timezone) };
  }

  private checked(form: Form, answers: Record<string, unknown>): Record<string, string> {
    const checked = checkIntakeAnswers(form.intake.fields, answers);
    if (!checked.ok) throw new DomainRefusal('invalid', 'intake.fields', intakeRefusalMessage(checked.problems), checked.problems);
    return checked.answers;
  }

  /** The one way from a code to a submission; every miss reads the same (no hint whether a code ever existed). */
  private async byReceipt(receipt: string): Promise<IntakeSubmission> {
    const submission = await this.dataSource.manager.findOne(IntakeSubmission, { where: { receiptHash: receiptHash(receipt) } });
    if (!submission) throw new DomainRefusal('not-found', 'intake.receipt', 'no submission has this receipt code');
    return submission;
  }

  private async locked(manager: EntityManager, id: string): Promise<IntakeSubmission> {
    const submission = await manager.findOne(IntakeSubmission, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!submission) throw new DomainRefusal('not-found', 'intake.submission', `no submission ${id}`);
    return submission;
  }

  private async reviewable(manager: EntityManager, form: Form, id: string): Promise<IntakeSubmission> {
    const submission = await this.locked(manager, id);
    if (submission.categoryId !== form.category.id) throw new DomainRefusal('not-found', 'intake.submission', `no submission ${id} in ${form.category.name}`);
    if (submission.status !== 'submitted') throw new DomainRefusal('conflict', 'intake.reviewed', `this submission is already ${submission.status}`);
    return submission;
  }

  /**
   * What today's rules would say of each submission if the admin accepted it now (the list shows it beside
   * each): its fields as an entry, the category's kinds, an entry already there (one query for the page).
   */
  private async ineligibilities(form: Form, submissions: IntakeSubmission[]): Promise<Map<string, string>> {
    const reasons = new Map<string, string>();
    const candidates: { id: string; fields: EntryFields }[] = [];
    for (const submission of submissions) {
      const checked = checkEntryFields(entryFieldsOf(form.intake.fields, submission.answers));
      if (!checked.ok) reasons.set(submission.id, checked.problems.map((p) => `${p.field} ${p.reason}`).join('; '));
      else {
        const refusal = ineligibility(form.category, checked.fields.kind);
        if (refusal) reasons.set(submission.id, refusal);
        else candidates.push({ id: submission.id, fields: checked.fields });
      }
    }
    if (!candidates.length) return reasons;
    const entered = await this.entries.byNaturalKeys(form.category.id, candidates.map((c) => c.fields));
    for (const c of candidates) {
      const same = entered.get(naturalKey(c.fields));
      if (same) reasons.set(c.id, `already entered (entry ${same}: same organisation and title)`);
    }
    return reasons;
  }

  private entrantView(form: Form, s: IntakeSubmission): IntakeSubmissionView {
    return {
      ceremony: form.ceremony.slug,
      category: form.category.slug,
      categoryName: form.category.name,
      answers: s.answers,
      status: s.status,
      submittedAt: s.submittedAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
      deadlineAt: form.deadlineAt.toISOString(),
      editable: s.status === 'submitted' && Date.now() < form.deadlineAt.getTime(),
    };
  }

  private adminView(s: IntakeSubmission, ineligible: string | null): IntakeSubmissionAdminView {
    return {
      id: s.id,
      categoryId: s.categoryId,
      answers: s.answers,
      status: s.status,
      ineligibility: ineligible,
      reason: s.reason,
      entryId: s.entryId,
      submittedAt: s.submittedAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
      reviewedAt: s.reviewedAt?.toISOString() ?? null,
    };
  }
}

function refuseTrap(trap: string | undefined): void {
  if (trap?.trim()) {
    const problem: IntakeProblem = { path: 'trap', code: 'trap', message: 'must be left empty (it is hidden from people; automatic form fillers fill it in)' };
    throw new DomainRefusal('invalid', 'intake.trap', 'this submission was refused: a hidden field that must stay empty was filled in', [problem]);
  }
}

function refuseClosed(form: Form): void {
  if (Date.now() < form.deadlineAt.getTime()) return;
  const closed = `${form.intake.deadline.replace('T', ' ')} (${form.timezone})`;
  const problem: IntakeProblem = { path: 'deadline', code: 'closed', message: `submissions to ${form.category.name} closed at ${closed}` };
  throw new DomainRefusal('conflict', 'intake.closed', problem.message, [problem]);
}
