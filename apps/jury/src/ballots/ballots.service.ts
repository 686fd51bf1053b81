import { Injectable } from '@nestjs/common';
import { computeReceipt, generateSalt, LaurelError, type Actor, type BallotQuery, type BallotView, type FieldProblem, type LockBallotCommand, type ReopenBallotCommand, type SaveBallotCommand } from '#contracts';
import { AuditLog } from '../audit/audit-log.service.js';
import { JuryCategory } from '../panels/panel.entities.js';
import { callingChair, callingJuror, conflictsOf, isSealed } from '../panels/panel-state.js';
import { PanelsService } from '../panels/panels.service.js';
import { Ballot } from './ballot.entity.js';
import { ballotRefusal, isBallotEmpty, lockRefusal, missingScores, reopenRefusal, sameScores, saveRefusal, validateScores, type BallotScores } from './ballot-rules.js';

const PROBLEM_MESSAGES: Record<string, string> = {
  'not an object': 'must be an object',
  'unknown nominee': 'unknown nominee in this category',
  'unknown criterion': 'unknown criterion in this category',
  'not an integer': 'must be an integer from 1 to 10',
  'out of range': 'must be from 1 to 10',
};

/** Ballots: a juror's own draft, the irrevocable lock, and the chair's audited reopening. */
@Injectable()
export class BallotsService {
  constructor(
    private readonly panels: PanelsService,
    private readonly audit: AuditLog,
  ) {}

  async get(query: BallotQuery, actor: Actor): Promise<BallotView> {
    const state = await this.panels.panel(this.panels.dataSource.manager, actor, query.ceremony, query.category, { lock: false });
    const juror = callingJuror(state, actor);
    // Nobody reads another juror's ballot, the chair included: only the verdict is shared.
    if (query.jurorId !== undefined && query.jurorId !== juror.id) throw LaurelError.forbidden("a juror may read only their own ballot");
    return view(state.ballots.find((b) => b.jurorId === juror.id), juror.id, state.category.id, juror.createdAt);
  }

  async save(command: SaveBallotCommand, actor: Actor): Promise<BallotView> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      const juror = callingJuror(state, actor);
      const current = state.ballots.find((b) => b.jurorId === juror.id);
      const refusal = saveRefusal({ status: current?.lockedAt ? 'locked' : 'draft', verdictSealed: isSealed(state) });
      if (refusal) throw ballotRefusal(refusal, refusal === 'ballot locked' ? 'your ballot is locked: only the chair can reopen it' : 'the verdict of this category is sealed');

      const conflicts = conflictsOf(state, juror.id);
      const { problems, conflicted } = validateScores(command.scores, state.category.nominees.map((n) => n.id), state.category.criteria, conflicts.map((c) => c.nomineeId));
      if (problems.length) {
        const details: FieldProblem[] = problems.map((p) => ({ path: p.path, message: PROBLEM_MESSAGES[p.reason] ?? p.reason }));
        throw LaurelError.badRequest(`invalid ballot: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
      }
      if (conflicted.length) {
        const details = conflicted.map((p) => {
          const nomineeId = p.path.slice('scores.'.length);
          return { path: p.path, message: conflicts.find((c) => c.nomineeId === nomineeId)?.reason ?? 'conflict of interest' };
        });
        throw LaurelError.forbidden(`you may not score a nominee you are conflicted with: ${details.map((d) => d.message).join('; ')}`, details);
      }

      const scores = command.scores as BallotScores;
      // An unchanged draft (an autosave with nothing new, an empty first save) writes nothing and adds no audit entry.
      if (sameScores(current?.scores, scores)) return view(current, juror.id, state.category.id, juror.createdAt);
      const ballot = manager.create(Ballot, { jurorId: juror.id, categoryId: state.category.id, ceremonyId: state.ceremony.id, scores, lockedAt: null, updatedAt: new Date(), salt: null, receipt: null });
      await manager.save(ballot);
      await this.audit.append(manager, state.ceremony.id, actor, 'ballot.saved', `ballot:${juror.id}`, { categoryId: state.category.id, scores });
      return view(ballot, juror.id, state.category.id, juror.createdAt);
    });
  }

  async lock(command: LockBallotCommand, actor: Actor): Promise<BallotView> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      const juror = callingJuror(state, actor);
      const ballot = state.ballots.find((b) => b.jurorId === juror.id);
      const scores = ballot?.scores ?? {};
      if (ballot?.lockedAt || isSealed(state)) {
        throw LaurelError.conflict(isSealed(state) ? 'the verdict of this category is sealed' : 'your ballot is already locked');
      }
      const conflicted = conflictsOf(state, juror.id).map((c) => c.nomineeId);
      const nomineeIds = state.category.nominees.map((n) => n.id);
      if (!ballot || isBallotEmpty(scores)) throw LaurelError.badRequest('an empty ballot cannot be locked: score every nominee first', [{ path: 'scores', message: 'is empty' }]);
      const missing = missingScores(scores, nomineeIds, state.category.criteria, conflicted);
      const refusal = lockRefusal({ status: 'draft', verdictSealed: false, complete: missing.length === 0 });
      if (refusal) {
        throw ballotRefusal(refusal, `the ballot is incomplete: ${missing.join(', ')}`, missing.map((path) => ({ path, message: 'needs a score from 1 to 10 before locking' })));
      }

      const now = new Date();
      // The receipt: what the juror can later prove is in the sealed ballot root (formats in docs/architecture.md).
      const salt = generateSalt();
      const receipt = computeReceipt({ categoryId: state.category.id, jurorId: juror.id, scores, salt });
      Object.assign(ballot, { lockedAt: now, updatedAt: now, salt, receipt });
      await manager.update(Ballot, { jurorId: juror.id }, { lockedAt: now, updatedAt: now, salt, receipt });
      if (!state.category.frozenAt) {
        state.category.frozenAt = now;
        await manager.update(JuryCategory, { id: state.category.id }, { frozenAt: now });
      }
      await this.panels.publishProgress(manager, state);
      await this.audit.append(manager, state.ceremony.id, actor, 'ballot.locked', `ballot:${juror.id}`, { categoryId: state.category.id, scores, receipt });
      return view(ballot, juror.id, state.category.id, juror.createdAt);
    });
  }

  async reopen(command: ReopenBallotCommand, actor: Actor): Promise<BallotView> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      callingChair(state, actor);
      const juror = state.jurors.find((j) => j.id === command.jurorId);
      if (!juror) throw LaurelError.notFound(`juror ${command.jurorId} is not on this panel`, [{ path: 'jurorId', message: 'not on this panel' }]);
      const ballot = state.ballots.find((b) => b.jurorId === juror.id);
      const refusal = reopenRefusal({ status: ballot?.lockedAt ? 'locked' : 'draft', verdictSealed: isSealed(state), byChair: true, reason: command.reason });
      if (refusal === 'reason required') throw ballotRefusal(refusal, 'a reason is required', [{ path: 'reason', message: 'must not be blank' }]);
      if (refusal) throw ballotRefusal(refusal, refusal === 'verdict sealed' ? 'the verdict of this category is sealed: ballots can no longer be reopened' : 'that ballot is not locked');

      const now = new Date();
      // The old receipt dies with the lock: a new lock draws a new salt and receipt.
      Object.assign(ballot!, { lockedAt: null, updatedAt: now, salt: null, receipt: null });
      await manager.update(Ballot, { jurorId: juror.id }, { lockedAt: null, updatedAt: now, salt: null, receipt: null });
      await this.panels.publishProgress(manager, state);
      await this.audit.append(manager, state.ceremony.id, actor, 'ballot.reopened', `ballot:${juror.id}`, { categoryId: state.category.id, reason: command.reason.trim() });
      return view(ballot, juror.id, state.category.id, juror.createdAt);
    });
  }
}

function view(ballot: Ballot | undefined, jurorId: string, categoryId: string, since: Date): BallotView {
  return {
    jurorId,
    categoryId,
    scores: ballot?.scores ?? {},
    lockedAt: ballot?.lockedAt ? ballot.lockedAt.toISOString() : null,
    updatedAt: (ballot?.updatedAt ?? since).toISOString(),
    receipt: ballot?.lockedAt ? ballot.receipt : null,
    receiptSalt: ballot?.lockedAt ? ballot.salt : null,
  };
}
