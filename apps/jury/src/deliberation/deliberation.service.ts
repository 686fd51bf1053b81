import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DomainRefusal,
  LaurelError,
  type Actor,
  type DeliberationComment,
  type DeliberationQuery,
  type DeliberationThread,
  type DeliberationView,
  type MarkDiscussedCommand,
  type PostCommentCommand,
} from '#contracts';
import { Outbox } from '#messaging';
import { AuditLog } from '../audit/audit-log.service.js';
import type { Juror } from '../panels/panel.entities.js';
import { callingJuror, conflictsOf, isSealed, type PanelState } from '../panels/panel-state.js';
import { PanelsService } from '../panels/panels.service.js';
import { DeliberationCommentRow, DiscussedNominee } from './deliberation.entities.js';

export type DeliberationRefusal = 'ballot not locked' | 'conflicted' | 'unknown nominee' | 'verdict sealed' | 'not the chair';

/**
 * Deliberation threads per nominee (issue 15). Who may read or write a nominee's thread: a juror of the panel
 * whose own ballot is locked and who is not conflicted with the nominee. The same rule picks the recipients
 * of the socket notice, so a conflicted juror gets neither the thread nor the notice.
 */
@Injectable()
export class DeliberationService {
  constructor(
    private readonly panels: PanelsService,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

  async get(query: DeliberationQuery, actor: Actor): Promise<DeliberationView> {
    const manager = this.panels.dataSource.manager;
    const state = await this.panels.panel(manager, actor, query.ceremony, query.category, { lock: false });
    const juror = this.reader(state, actor);
    const conflicted = new Set(conflictsOf(state, juror.id).map((c) => c.nomineeId));
    const nominees = state.category.nominees.map((n) => n.id).filter((id) => !conflicted.has(id));
    const threads = await this.threads(manager, state, nominees);
    return { categoryId: state.category.id, threads };
  }

  async comment(command: PostCommentCommand, actor: Actor): Promise<DeliberationComment> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      const juror = this.reader(state, actor, command.nomineeId);
      if (isSealed(state)) throw refusal('conflict', 'verdict sealed', 'the verdict of this category is sealed: the deliberation is closed');
      const text = command.text.normalize('NFC').trim();
      if (!text) throw LaurelError.badRequest('a comment needs text', [{ path: 'text', message: 'must not be blank' }]);
      const row = manager.create(DeliberationCommentRow, { id: randomUUID(), ceremonyId: state.ceremony.id, categoryId: state.category.id, nomineeId: command.nomineeId, jurorId: juror.id, text, createdAt: new Date() });
      await manager.insert(DeliberationCommentRow, row);
      await this.notify(manager, state, command.nomineeId);
      await this.audit.append(manager, state.ceremony.id, actor, 'deliberation.comment', `nominee:${command.nomineeId}`, { categoryId: state.category.id, commentId: row.id, text });
      return { id: row.id, nomineeId: row.nomineeId, jurorId: juror.id, author: juror.name, text, at: row.createdAt.toISOString() };
    });
  }

  async discussed(command: MarkDiscussedCommand, actor: Actor): Promise<DeliberationThread> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      // Who may do it before when: a juror who is not the chair is refused as such, whatever their ballot's state.
      if (!callingJuror(state, actor).chair) throw refusal('forbidden', 'not the chair', 'only the chair marks a nominee discussed');
      const juror = this.reader(state, actor, command.nomineeId);
      if (isSealed(state)) throw refusal('conflict', 'verdict sealed', 'the verdict of this category is sealed: the deliberation is closed');
      if (command.discussed) await manager.upsert(DiscussedNominee, { categoryId: state.category.id, nomineeId: command.nomineeId, jurorId: juror.id }, ['categoryId', 'nomineeId']);
      else await manager.delete(DiscussedNominee, { categoryId: state.category.id, nomineeId: command.nomineeId });
      await this.notify(manager, state, command.nomineeId);
      await this.audit.append(manager, state.ceremony.id, actor, 'deliberation.discussed', `nominee:${command.nomineeId}`, { categoryId: state.category.id, discussed: command.discussed });
      const [thread] = await this.threads(manager, state, [command.nomineeId]);
      return thread;
    });
  }

  /** The calling juror, when they may read the deliberation (and, with a nominee, that nominee's thread). */
  private reader(state: PanelState, actor: Actor, nomineeId?: string): Juror {
    const juror = callingJuror(state, actor);
    if (!state.ballots.some((b) => b.jurorId === juror.id && b.lockedAt !== null))
      throw refusal('conflict', 'ballot not locked', 'the deliberation opens to you once your own ballot is locked');
    if (nomineeId !== undefined) {
      if (!state.category.nominees.some((n) => n.id === nomineeId)) throw refusal('invalid', 'unknown nominee', `nominee ${nomineeId} is not in this category`, [{ path: 'nomineeId', message: 'unknown nominee' }]);
      const conflict = conflictsOf(state, juror.id).find((c) => c.nomineeId === nomineeId);
      if (conflict) throw refusal('forbidden', 'conflicted', `you are conflicted with this nominee and do not take part in its deliberation: ${conflict.reason}`);
    }
    return juror;
  }

  /** The jurors who may read the nominee's thread now: ballot locked, not conflicted with it. */
  private recipients(state: PanelState, nomineeId: string): string[] {
    const locked = new Set(state.ballots.filter((b) => b.lockedAt !== null).map((b) => b.jurorId));
    const conflicted = new Set(state.conflicts.filter((c) => c.nomineeId === nomineeId).map((c) => c.jurorId));
    return state.jurors.filter((j) => locked.has(j.id) && !conflicted.has(j.id)).map((j) => j.id);
  }

  private async notify(manager: EntityManager, state: PanelState, nomineeId: string): Promise<void> {
    const comments = await manager.count(DeliberationCommentRow, { where: { categoryId: state.category.id, nomineeId } });
    const discussed = await manager.exists(DiscussedNominee, { where: { categoryId: state.category.id, nomineeId } });
    await this.outbox.add(manager, 'gala.events.jury.deliberation.updated', state.ceremony.id, {
      ceremonyId: state.ceremony.id,
      categoryId: state.category.id,
      nomineeId,
      comments,
      discussed,
      recipients: this.recipients(state, nomineeId),
    });
  }

  private async threads(manager: EntityManager, state: PanelState, nomineeIds: string[]): Promise<DeliberationThread[]> {
    const rows = await manager.find(DeliberationCommentRow, { where: { categoryId: state.category.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const discussed = new Set((await manager.find(DiscussedNominee, { where: { categoryId: state.category.id } })).map((d) => d.nomineeId));
    const names = new Map(state.jurors.map((j) => [j.id, j.name]));
    return nomineeIds.map((nomineeId) => ({
      nomineeId,
      discussed: discussed.has(nomineeId),
      comments: rows
        .filter((r) => r.nomineeId === nomineeId)
        .map((r) => ({ id: r.id, nomineeId, jurorId: r.jurorId, author: names.get(r.jurorId) ?? 'former juror', text: r.text, at: r.createdAt.toISOString() })),
    }));
  }
}

function refusal(kind: DomainRefusal['kind'], code: DeliberationRefusal, message: string, details?: unknown): DomainRefusal<DeliberationRefusal> {
  return new DomainRefusal(kind, code, message, details);
}
