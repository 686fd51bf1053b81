import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import {
  LaurelError,
  type Actor,
  type AddJurorCommand,
  type AppointChairCommand,
  type DeclareConflictCommand,
  type GetJurorQuery,
  type JurorView,
  type ListJurorsQuery,
  type PanelStatus,
  type PanelStatusQuery,
  type RemoveJurorCommand,
} from '#contracts';
import { AuditLog } from '../audit/audit-log.service.js';
import { Ballot } from '../ballots/ballot.entity.js';
import { quorumStatus } from '../verdicts/scoring.js';
import { Conflict, Juror } from './panel.entities.js';
import { assertJuryRole, isSealed, jurorView, progressOf, scoringInput, type PanelState } from './panel-state.js';
import { PanelsService } from './panels.service.js';

/** Panels: jurors, chairs, conflicts of interest, and the panel's status. */
@Injectable()
export class JurorsService {
  constructor(
    private readonly panels: PanelsService,
    private readonly audit: AuditLog,
  ) {}

  async add(command: AddJurorCommand, actor: Actor): Promise<{ id: string }> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      const by = this.adminOrChair(state, actor);
      if (isSealed(state)) throw LaurelError.conflict('the verdict of this category is sealed: its panel can no longer change');
      this.requireOverrideIfFrozen(state, command.overrideReason);
      if (command.chair && state.jurors.some((j) => j.chair)) {
        throw LaurelError.conflict('this panel already has a chair', [{ path: 'chair', message: 'the panel already has a chair' }]);
      }
      const juror = manager.create(Juror, {
        id: randomUUID(),
        ceremonyId: state.ceremony.id,
        categoryId: state.category.id,
        name: command.name.trim(),
        affiliation: command.affiliation?.trim() || null,
        title: command.title?.trim() || null,
        chair: command.chair ?? false,
        demo: command.demo ?? false,
        source: 'api' as const,
        position: state.jurors.reduce((max, j) => Math.max(max, j.position + 1), 0),
      });
      await manager.save(juror);
      const flagged = await this.panels.flagAffiliations(manager, state.category, [juror]);
      await this.panels.publishProgress(manager, { ...state, jurors: [...state.jurors, juror], conflicts: [...state.conflicts, ...flagged] });
      await this.audit.append(manager, state.ceremony.id, by, 'juror.added', `juror:${juror.id}`, {
        categoryId: state.category.id,
        name: juror.name,
        affiliation: juror.affiliation,
        chair: juror.chair,
        demo: juror.demo,
        overrideReason: state.category.frozenAt ? command.overrideReason! : null,
        flaggedConflicts: flagged.map((c) => ({ nomineeId: c.nomineeId, reason: c.reason })),
      });
      return { id: juror.id };
    });
  }

  /** The juror, their ballot and conflicts go; the audit entry keeps what was removed, ballot included. */
  async remove(command: RemoveJurorCommand, actor: Actor): Promise<{ removed: true }> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      const by = this.adminOrChair(state, actor);
      if (isSealed(state)) throw LaurelError.conflict('the verdict of this category is sealed: its panel can no longer change');
      const juror = state.jurors.find((j) => j.id === command.jurorId);
      if (!juror) throw LaurelError.notFound(`juror ${command.jurorId} is not on this panel`, [{ path: 'jurorId', message: 'not on this panel' }]);
      this.requireOverrideIfFrozen(state, command.overrideReason);
      const ballot = state.ballots.find((b) => b.jurorId === juror.id) ?? null;
      const conflicts = state.conflicts.filter((c) => c.jurorId === juror.id);
      await manager.delete(Ballot, { jurorId: juror.id });
      await manager.delete(Conflict, { jurorId: juror.id });
      await manager.delete(Juror, { id: juror.id });
      await this.panels.publishProgress(manager, {
        ...state,
        jurors: state.jurors.filter((j) => j.id !== juror.id),
        ballots: state.ballots.filter((b) => b.jurorId !== juror.id),
        conflicts: state.conflicts.filter((c) => c.jurorId !== juror.id),
      });
      await this.audit.append(manager, state.ceremony.id, by, 'juror.removed', `juror:${juror.id}`, {
        categoryId: state.category.id,
        name: juror.name,
        chair: juror.chair,
        overrideReason: state.category.frozenAt ? command.overrideReason! : null,
        ballot: ballot ? { scores: ballot.scores, lockedAt: ballot.lockedAt?.toISOString() ?? null } : null,
        conflicts: conflicts.map((c) => ({ nomineeId: c.nomineeId, reason: c.reason, source: c.source })),
      });
      return { removed: true };
    });
  }

  async appointChair(command: AppointChairCommand, actor: Actor): Promise<JurorView> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      if (actor.role !== 'admin') throw LaurelError.forbidden('only the organiser appoints a chair');
      if (isSealed(state)) throw LaurelError.conflict('the verdict of this category is sealed: its panel can no longer change');
      const juror = state.jurors.find((j) => j.id === command.jurorId);
      if (!juror) throw LaurelError.notFound(`juror ${command.jurorId} is not on this panel`, [{ path: 'jurorId', message: 'not on this panel' }]);
      const previous = state.jurors.find((j) => j.chair);
      if (previous?.id === juror.id) return jurorView(juror, state.conflicts);
      this.requireOverrideIfFrozen(state, command.overrideReason);
      if (previous) await manager.update(Juror, { id: previous.id }, { chair: false });
      await manager.update(Juror, { id: juror.id }, { chair: true });
      juror.chair = true;
      await this.audit.append(manager, state.ceremony.id, actor, 'chair.appointed', `juror:${juror.id}`, {
        categoryId: state.category.id,
        previousChairId: previous?.id ?? null,
        overrideReason: state.category.frozenAt ? command.overrideReason! : null,
      });
      return jurorView(juror, state.conflicts);
    });
  }

  async declareConflict(command: DeclareConflictCommand, actor: Actor): Promise<{ declared: true }> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      // Admin declares for anyone; a juror only for themselves.
      if (actor.role === 'juror' && actor.jurorId !== command.jurorId) throw LaurelError.forbidden('a juror declares only their own conflicts');
      if (isSealed(state)) throw LaurelError.conflict('the verdict of this category is sealed');
      const juror = state.jurors.find((j) => j.id === command.jurorId);
      if (!juror) throw LaurelError.notFound(`juror ${command.jurorId} is not on this panel`, [{ path: 'jurorId', message: 'not on this panel' }]);
      if (!state.category.nominees.some((n) => n.id === command.nomineeId)) {
        throw LaurelError.badRequest(`nominee ${command.nomineeId} is not in this category`, [{ path: 'nomineeId', message: 'unknown nominee' }]);
      }
      const ballot = state.ballots.find((b) => b.jurorId === juror.id);
      if (ballot?.lockedAt) throw LaurelError.conflict("the juror's ballot is locked: the chair must reopen it before a conflict is declared");
      const existing = state.conflicts.find((c) => c.jurorId === juror.id && c.nomineeId === command.nomineeId);
      if (existing) {
        await manager.update(Conflict, { jurorId: juror.id, nomineeId: command.nomineeId }, { reason: command.reason, source: 'declared' });
      } else {
        await manager.insert(Conflict, { jurorId: juror.id, nomineeId: command.nomineeId, categoryId: state.category.id, ceremonyId: state.ceremony.id, reason: command.reason, source: 'declared' });
      }
      // A conflicted nominee may not be scored: drop any draft score for it.
      if (ballot && Object.hasOwn(ballot.scores, command.nomineeId)) {
        const scores = { ...ballot.scores };
        delete scores[command.nomineeId];
        await manager.update(Ballot, { jurorId: juror.id }, { scores, updatedAt: new Date() });
      }
      const after = await this.panels.stateOf(manager, state.ceremony, state.category);
      await this.panels.publishProgress(manager, after); // a juror conflicted with every nominee is recused: the total changes
      await this.audit.append(manager, state.ceremony.id, actor, 'conflict.declared', `juror:${juror.id}`, {
        categoryId: state.category.id,
        nomineeId: command.nomineeId,
        reason: command.reason,
      });
      return { declared: true };
    });
  }

  async list(query: ListJurorsQuery, actor: Actor): Promise<JurorView[]> {
    assertJuryRole(actor);
    if (actor.role !== 'admin') throw LaurelError.forbidden('only the organiser lists every juror');
    const manager = this.panels.dataSource.manager;
    const ceremony = await this.panels.ceremony(manager, query.ceremony);
    const jurors = await manager.find(Juror, { where: { ceremonyId: ceremony.id }, order: { categoryId: 'ASC', position: 'ASC', id: 'ASC' } });
    const conflicts = await manager.find(Conflict, { where: { ceremonyId: ceremony.id } });
    return jurors.map((j) => jurorView(j, conflicts));
  }

  async get(query: GetJurorQuery, actor: Actor): Promise<JurorView> {
    assertJuryRole(actor);
    if (actor.role === 'juror' && actor.jurorId !== query.jurorId) throw LaurelError.forbidden("a juror sees only their own record");
    const manager = this.panels.dataSource.manager;
    const ceremony = await this.panels.ceremony(manager, query.ceremony);
    const juror = await manager.findOne(Juror, { where: { id: query.jurorId, ceremonyId: ceremony.id } });
    if (!juror) throw LaurelError.notFound(`no juror ${query.jurorId} in ceremony ${ceremony.slug}`, [{ path: 'jurorId', message: 'unknown juror' }]);
    const conflicts = await manager.find(Conflict, { where: { jurorId: juror.id } });
    return jurorView(juror, conflicts);
  }

  /** Counts for anyone on the panel and the organiser; the verdict itself only for the chair (integrity rule 2). */
  async status(query: PanelStatusQuery, actor: Actor): Promise<PanelStatus> {
    const state = await this.panels.panel(this.panels.dataSource.manager, actor, query.ceremony, query.category, { lock: false });
    const caller = actor.role === 'juror' ? state.jurors.find((j) => j.id === actor.jurorId) : undefined;
    if (actor.role === 'juror' && !caller) throw LaurelError.forbidden('you are not on the panel of this category');
    const progress = progressOf(state);
    const quorum = quorumStatus(scoringInput(state));
    const verdict = state.verdict;
    return {
      categoryId: state.category.id,
      jurors: progress.total,
      locked: progress.locked,
      required: quorum.required,
      quorumMet: quorum.met,
      frozen: state.category.frozenAt !== null,
      verdict: caller?.chair && verdict ? { winnerId: verdict.winnerId, ranking: verdict.ranking } : null,
      sealed: verdict?.sealedAt && verdict.commitment ? { commitment: verdict.commitment, sealedAt: verdict.sealedAt.toISOString() } : null,
    };
  }

  private adminOrChair(state: PanelState, actor: Actor): Actor {
    if (actor.role === 'admin') return actor;
    const juror = state.jurors.find((j) => j.id === actor.jurorId);
    if (actor.role === 'juror' && juror?.chair) return actor;
    throw LaurelError.forbidden("only the organiser or this panel's chair may change the panel");
  }

  /** Once a ballot is locked the panel is frozen: changing it needs a reason, which is audited. */
  private requireOverrideIfFrozen(state: PanelState, overrideReason: string | undefined): void {
    if (state.category.frozenAt && !overrideReason?.trim()) {
      throw LaurelError.conflict('the panel is frozen since the first ballot was locked: give overrideReason to change it', [
        { path: 'overrideReason', message: 'required once the panel is frozen' },
      ]);
    }
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as QueryFailedError & { driverError?: { code?: string } }).driverError?.code === '23505';
}
