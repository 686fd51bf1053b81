import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { In, IsNull, Not, type EntityManager, type EntityTarget as TypeOrmEntityTarget } from 'typeorm';
import {
  DomainRefusal,
  LaurelError,
  type Actor,
  type AdjustShortlistCommand,
  type AssignmentView,
  type Criterion,
  type AssignScreeningCommand,
  type DeclareEntryConflictCommand,
  type FieldProblem,
  type FreezeShortlistCommand,
  type FrozenShortlist,
  type LockReviewCommand,
  type OpenScreeningCommand,
  type ReviewView,
  type SaveReviewCommand,
  type ScreeningEntryView,
  type ScreeningQuery,
  type ScreeningRanking,
  type ScreeningView,
} from '#contracts';
import { Outbox } from '#messaging';
import { AuditLog } from '../audit/audit-log.service.js';
import { missingScores, validateScores } from '../ballots/ballot-rules.js';
import { affiliationConflicts } from '../panels/affiliation.js';
import { JuryCategory, JuryCeremony, Juror } from '../panels/panel.entities.js';
import { assertJuryRole, callingChair, type PanelState } from '../panels/panel-state.js';
import { PanelsService } from '../panels/panels.service.js';
import { assignReviewers, replacementReviewer } from './assignment.js';
import { GroupCommit, type Outcome } from './group-commit.js';
import { draftShortlist, rankEntries } from './ranking.js';
import { EntryConflict, Review, Round, RoundEntry } from './round.entities.js';

/** Refusal codes of the screening rules (DomainRefusal codes; the kind decides the status). */
export type ScreeningRefusal =
  | 'no screening round'
  | 'round already open'
  | 'round frozen'
  | 'reviews locked'
  | 'not assigned'
  | 'conflicted'
  | 'review locked'
  | 'review incomplete'
  | 'assignment impossible'
  | 'not the chair'
  | 'reviews pending'
  | 'shortlist out of bounds';

const PROBLEM_MESSAGES: Record<string, string> = {
  'not an object': 'must be an object',
  'unknown criterion': 'unknown criterion in this category',
  'not an integer': 'must be an integer from 1 to 10',
  'out of range': 'must be from 1 to 10',
};

const DEFAULT_SHORTLIST_SIZE = 6;

type EntityTarget = TypeOrmEntityTarget<object>;

/** A review the calling juror may touch, with what saving and locking it need. */
interface OwnReview {
  ceremonyId: string;
  criteria: Criterion[];
  roundId: string;
  jurorId: string;
  scores: Record<string, number>;
  lockedAt: Date | null;
}

/**
 * Screening rounds (issue 15): open on the category's entries, assign k reviewers per entry, reviews scored
 * and locked by their jurors only, the normalized ranking, the chair's adjustments and the freeze that hands
 * the shortlist to nominations. Changes to the round take the panel lock (the category row) first, then the
 * audit chain last, as every jury command does; a review's save and lock take only their own rows and the
 * round row (shared), so the panel's jurors lock in parallel.
 */
@Injectable()
export class ScreeningService {
  constructor(
    private readonly panels: PanelsService,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

  async open(command: OpenScreeningCommand, actor: Actor): Promise<ScreeningView> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      this.assertAdminOrChair(state, actor);
      const existing = await manager.findOne(Round, { where: { categoryId: state.category.id, kind: 'screening' } });
      if (command.append) {
        if (!existing) throw refusal('not-found', 'no screening round', `${state.category.name} has no screening round to add entries to`);
        if (existing.status !== 'open') throw refusal('conflict', 'round already open', `the screening round of ${state.category.name} is ${existing.status}: entries can no longer be added`);
      } else if (existing) {
        throw refusal('conflict', 'round already open', `${state.category.name} already has a screening round (${existing.status})`, { roundId: existing.id });
      }
      const known = existing ? new Set((await manager.find(RoundEntry, { where: { roundId: existing.id }, select: { entryId: true } })).map((e) => e.entryId)) : new Set<string>();
      const ids = new Set<string>();
      const problems: FieldProblem[] = [];
      command.entries.forEach((e, i) => (ids.has(e.id) || known.has(e.id) ? problems.push({ path: `entries/${i}/id`, message: 'repeats an entry' }) : ids.add(e.id)));
      if (command.minNominees !== undefined && command.maxNominees !== undefined && command.minNominees > command.maxNominees)
        problems.push({ path: 'minNominees', message: 'is greater than maxNominees' });
      if (problems.length) throw LaurelError.badRequest(`the round has ${problems.length} problem(s)`, problems);

      const round =
        existing ??
        manager.create(Round, {
          id: randomUUID(),
          ceremonyId: state.ceremony.id,
          categoryId: state.category.id,
          kind: 'screening' as const,
          status: 'open' as const,
          k: null,
          shortlistSize: command.shortlistSize ?? command.maxNominees ?? DEFAULT_SHORTLIST_SIZE,
          minNominees: command.minNominees ?? null,
          maxNominees: command.maxNominees ?? null,
          adjustments: [],
          frozenEntryIds: null,
          frozenAt: null,
          sourceRoundId: null,
        });
      if (!existing) await manager.insert(Round, round);
      const entries = command.entries.map((e, i) =>
        manager.create(RoundEntry, { roundId: round.id, entryId: e.id, position: known.size + i, organisation: e.organisation ?? null, kind: e.kind ?? null, title: e.title ?? null, description: e.description ?? null }),
      );
      for (let i = 0; i < entries.length; i += 500) await manager.insert(RoundEntry, entries.slice(i, i + 500));
      // Affiliation conflicts, as for nominees: a juror whose affiliation is an entry's organisation may not review it.
      const flagged = affiliationConflicts(state.jurors, entries.map((e) => ({ id: e.entryId, organisation: e.organisation })));
      if (flagged.length)
        await manager.insert(
          EntryConflict,
          flagged.map((f) => ({ roundId: round.id, jurorId: f.jurorId, entryId: f.nomineeId, reason: f.reason.replace("the nominee's", "the entry's"), source: 'affiliation' as const })),
        );
      await this.audit.append(manager, state.ceremony.id, actor, existing ? 'screening.entries.added' : 'screening.opened', `round:${round.id}`, {
        categoryId: state.category.id,
        entries: entries.map((e) => e.entryId),
        shortlistSize: round.shortlistSize,
        flaggedConflicts: flagged.map((f) => ({ jurorId: f.jurorId, entryId: f.nomineeId })),
      });
      return this.view(manager, state, round, actor);
    });
  }

  async assign(command: AssignScreeningCommand, actor: Actor): Promise<AssignmentView> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      this.assertAdminOrChair(state, actor);
      const round = await this.screening(manager, state, true);
      if (round.status === 'frozen') throw refusal('conflict', 'round frozen', 'the screening round is frozen');
      const locked = await manager.count(Review, { where: { roundId: round.id, lockedAt: notNull() } });
      if (locked > 0) throw refusal('conflict', 'reviews locked', `${locked} review(s) are locked: the assignment can no longer change`);
      const entries = await manager.find(RoundEntry, { where: { roundId: round.id }, order: { position: 'ASC' } });
      const conflicts = await manager.find(EntryConflict, { where: { roundId: round.id } });
      const result = assignReviewers({
        entryIds: entries.map((e) => e.entryId),
        reviewerIds: state.jurors.map((j) => j.id),
        k: command.k,
        conflicts: conflicts.map((c) => ({ reviewerId: c.jurorId, entryId: c.entryId })),
      });
      if (!result.ok) {
        if (result.code === 'k out of range') throw new DomainRefusal('invalid', 'assignment impossible', result.message, [{ path: 'k', message: result.message }]);
        throw refusal('conflict', 'assignment impossible', result.message, { reason: result.code, ...(result.entries ? { entries: result.entries } : {}) });
      }
      await manager.delete(Review, { roundId: round.id });
      const now = new Date();
      const rows = [...result.reviewers].flatMap(([entryId, jurorIds]) => jurorIds.map((jurorId) => ({ roundId: round.id, entryId, jurorId, scores: {}, lockedAt: null, updatedAt: now })));
      for (let i = 0; i < rows.length; i += 1000) await manager.insert(Review, rows.slice(i, i + 1000));
      await manager.update(Round, { id: round.id }, { k: command.k, status: 'assigned' });
      const loads = state.jurors.map((j) => ({ jurorId: j.id, assigned: result.loads.get(j.id) ?? 0 }));
      await this.audit.append(manager, state.ceremony.id, actor, 'screening.assigned', `round:${round.id}`, {
        categoryId: state.category.id,
        k: command.k,
        loads: loads.map((l) => ({ jurorId: l.jurorId, assigned: l.assigned })),
        reviewers: Object.fromEntries(result.reviewers),
      });
      return { roundId: round.id, k: command.k, loads, minLoad: result.minLoad, maxLoad: result.maxLoad };
    });
  }

  async get(query: ScreeningQuery, actor: Actor): Promise<ScreeningView> {
    const manager = this.panels.dataSource.manager;
    const state = await this.panels.panel(manager, actor, query.ceremony, query.category, { lock: false });
    if (actor.role === 'juror' && !state.jurors.some((j) => j.id === actor.jurorId)) throw LaurelError.forbidden('you are not on the panel of this category');
    return this.view(manager, state, await this.screening(manager, state, false), actor);
  }

  async declareConflict(command: DeclareEntryConflictCommand, actor: Actor): Promise<{ declared: true }> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      if (actor.role === 'juror' && actor.jurorId !== command.jurorId) throw LaurelError.forbidden('a juror declares only their own conflicts');
      const juror = state.jurors.find((j) => j.id === command.jurorId);
      if (!juror) throw LaurelError.notFound(`juror ${command.jurorId} is not on this panel`, [{ path: 'jurorId', message: 'not on this panel' }]);
      const round = await this.screening(manager, state, true);
      if (round.status === 'frozen') throw refusal('conflict', 'round frozen', 'the screening round is frozen');
      if (!(await manager.exists(RoundEntry, { where: { roundId: round.id, entryId: command.entryId } })))
        throw LaurelError.badRequest(`entry ${command.entryId} is not in this screening round`, [{ path: 'entryId', message: 'unknown entry' }]);
      const review = await manager.findOne(Review, { where: { roundId: round.id, entryId: command.entryId, jurorId: juror.id } });
      if (review?.lockedAt) throw refusal('conflict', 'review locked', 'that review is locked: a conflict can no longer be declared on it');
      await manager.upsert(EntryConflict, { roundId: round.id, jurorId: juror.id, entryId: command.entryId, reason: command.reason, source: 'declared' }, ['roundId', 'jurorId', 'entryId']);
      // After the assignment: the juror's draft review of the entry is void, and another juror takes it over (the
      // least loaded who is free of the entry), so the entry keeps k reviews and the round can still be frozen.
      let replacedBy: string | null = null;
      if (review) {
        await manager.delete(Review, { roundId: round.id, entryId: command.entryId, jurorId: juror.id });
        const reviews = await manager.find(Review, { where: { roundId: round.id }, select: { entryId: true, jurorId: true } });
        const loads = new Map<string, number>();
        for (const r of reviews) loads.set(r.jurorId, (loads.get(r.jurorId) ?? 0) + 1);
        const conflicted = new Set((await manager.find(EntryConflict, { where: { roundId: round.id, entryId: command.entryId } })).map((c) => c.jurorId));
        replacedBy = replacementReviewer({
          reviewerIds: state.jurors.map((j) => j.id),
          loads,
          leaving: juror.id,
          reviewing: new Set(reviews.filter((r) => r.entryId === command.entryId).map((r) => r.jurorId)),
          conflicted,
        });
        if (replacedBy) await manager.insert(Review, { roundId: round.id, entryId: command.entryId, jurorId: replacedBy, scores: {}, lockedAt: null, updatedAt: new Date() });
      }
      await this.audit.append(manager, state.ceremony.id, actor, 'screening.conflict.declared', `juror:${juror.id}`, {
        categoryId: state.category.id,
        roundId: round.id,
        entryId: command.entryId,
        reason: command.reason,
        ...(review ? { reviewMovedTo: replacedBy } : {}),
      });
      return { declared: true };
    });
  }

  async saveReview(command: SaveReviewCommand, actor: Actor): Promise<ReviewView> {
    return this.panels.transaction(async (manager) => {
      const review = await this.ownReview(manager, actor, command);
      if (review.lockedAt) throw refusal('conflict', 'review locked', 'your review of this entry is locked');
      const { problems } = validateScores({ [command.entryId]: command.scores }, [command.entryId], review.criteria, []);
      if (problems.length) {
        const details: FieldProblem[] = problems.map((p) => ({ path: p.path.replace(`scores.${command.entryId}`, 'scores'), message: PROBLEM_MESSAGES[p.reason] ?? p.reason }));
        throw LaurelError.badRequest(`invalid review: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
      }
      const now = new Date();
      await manager.update(Review, { roundId: review.roundId, entryId: command.entryId, jurorId: review.jurorId }, { scores: command.scores, updatedAt: now });
      await this.audit.append(manager, review.ceremonyId, actor, 'review.saved', `review:${review.roundId}/${command.entryId}/${review.jurorId}`, { scores: command.scores });
      return { entryId: command.entryId, scores: command.scores, lockedAt: null, conflict: null };
    });
  }

  /**
   * A juror locks their review: irrevocable, audited. Locks arriving together go through one group commit
   * (`lockBatch`): one transaction, one chained multi-entry audit append, the same rules per lock.
   */
  async lockReview(command: LockReviewCommand, actor: Actor): Promise<ReviewView> {
    assertJuryRole(actor);
    if (actor.role !== 'juror') throw LaurelError.forbidden('only a juror of this panel may review');
    return this.locks.submit({ command, actor });
  }

  private readonly locks = new GroupCommit<{ command: LockReviewCommand; actor: Actor }, ReviewView>((items) => this.lockBatch(items));

  /**
   * Locks a batch of reviews in one transaction: one statement finds every review with the rules' facts (as
   * `ownReview`, rows locked in key order so two batches cannot deadlock), each lock is decided on its own
   * (a refused one gets its own 4xx, the same as alone; a review named twice locks once, the second is
   * "already locked"), then one update and, per ceremony, one audit append of all its locks in order.
   */
  private async lockBatch(items: { command: LockReviewCommand; actor: Actor }[]): Promise<Outcome<ReviewView>[]> {
    return this.panels.transaction(async (manager) => {
      const t = (entity: EntityTarget) => manager.getRepository(entity).metadata.tablePath;
      const found = await manager.query<{ n: string; ceremony_id: string; criteria: Criterion[]; round_id: string; status: string; scores: Record<string, number>; locked_at: Date | null; conflict: string | null }[]>(
        `SELECT req.n, cat.ceremony_id, cat.criteria, r.id AS round_id, r.status, rv.scores, rv.locked_at, ec.reason AS conflict
           FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[]) WITH ORDINALITY AS req(ceremony, category, juror_id, entry_id, n)
           JOIN ${t(JuryCeremony)} c ON c.slug = req.ceremony OR c.id::text = req.ceremony
           JOIN ${t(JuryCategory)} cat ON cat.ceremony_id = c.id AND (cat.slug = req.category OR cat.id::text = req.category)
           JOIN ${t(Juror)} j ON j.id = req.juror_id AND j.category_id = cat.id
           JOIN ${t(Round)} r ON r.category_id = cat.id AND r.kind = 'screening'
           JOIN ${t(Review)} rv ON rv.round_id = r.id AND rv.entry_id = req.entry_id AND rv.juror_id = j.id
           LEFT JOIN ${t(EntryConflict)} ec ON ec.round_id = r.id AND ec.juror_id = j.id AND ec.entry_id = req.entry_id
          ORDER BY rv.round_id, rv.entry_id, rv.juror_id
          FOR UPDATE OF rv FOR SHARE OF r`,
        [items.map((i) => i.command.ceremony), items.map((i) => i.command.category), items.map((i) => i.actor.jurorId!), items.map((i) => i.command.entryId)],
      );
      const byItem = new Map(found.map((row) => [Number(row.n) - 1, row]));
      const outcomes: Outcome<ReviewView>[] = [];
      const accepted: { index: number; ceremonyId: string; roundId: string; jurorId: string; entryId: string; scores: Record<string, number>; actor: Actor }[] = [];
      const lockedHere = new Set<string>();
      for (const [index, { command, actor }] of items.entries()) {
        try {
          const row = byItem.get(index);
          if (!row || row.status === 'frozen' || row.conflict !== null) await this.refuseReview(manager, actor, command);
          const key = `${row!.round_id}/${command.entryId}/${actor.jurorId!}`;
          if (row!.locked_at || lockedHere.has(key)) throw refusal('conflict', 'review locked', 'your review of this entry is already locked');
          const missing = missingScores({ [command.entryId]: row!.scores }, [command.entryId], row!.criteria, []).map((p) => p.replace(`scores.${command.entryId}`, 'scores'));
          if (missing.length)
            throw refusal('invalid', 'review incomplete', `the review is incomplete: ${missing.join(', ')}`, missing.map((path) => ({ path, message: 'needs a score from 1 to 10 before locking' })));
          lockedHere.add(key);
          accepted.push({ index, ceremonyId: row!.ceremony_id, roundId: row!.round_id, jurorId: actor.jurorId!, entryId: command.entryId, scores: row!.scores, actor });
          outcomes.push({ ok: true, value: { entryId: command.entryId, scores: row!.scores, lockedAt: '', conflict: null } });
        } catch (error) {
          if (!(error instanceof LaurelError)) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      if (accepted.length === 0) return outcomes;
      const now = new Date();
      await manager.query(
        `UPDATE ${t(Review)} rv SET locked_at = $4, updated_at = $4
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS req(round_id, entry_id, juror_id)
          WHERE rv.round_id = req.round_id AND rv.entry_id = req.entry_id AND rv.juror_id = req.juror_id`,
        [accepted.map((a) => a.roundId), accepted.map((a) => a.entryId), accepted.map((a) => a.jurorId), now],
      );
      // One chain per ceremony, heads taken in ceremony order (a batch may span ceremonies).
      const ceremonies = [...new Set(accepted.map((a) => a.ceremonyId))].sort();
      for (const ceremonyId of ceremonies) {
        const mine = accepted.filter((a) => a.ceremonyId === ceremonyId);
        await this.audit.appendMany(
          manager,
          ceremonyId,
          mine.map((a) => ({ actor: a.actor, action: 'review.locked', subject: `review:${a.roundId}/${a.entryId}/${a.jurorId}`, data: { scores: a.scores } })),
        );
      }
      for (const a of accepted) {
        const outcome = outcomes[a.index];
        if (outcome.ok) outcome.value.lockedAt = now.toISOString();
      }
      return outcomes;
    });
  }

  async ranking(query: ScreeningQuery, actor: Actor): Promise<ScreeningRanking> {
    const manager = this.panels.dataSource.manager;
    const state = await this.panels.panel(manager, actor, query.ceremony, query.category, { lock: false });
    this.assertAdminOrChair(state, actor);
    return this.rankingOf(manager, state, await this.screening(manager, state, false));
  }

  async adjust(command: AdjustShortlistCommand, actor: Actor): Promise<ScreeningRanking> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      this.assertAdminOrChair(state, actor);
      const round = await this.screening(manager, state, true);
      if (round.status === 'frozen') throw refusal('conflict', 'round frozen', 'the shortlist is frozen');
      if (round.status !== 'assigned') throw refusal('conflict', 'reviews pending', 'the round has no assignment yet');
      const reason = command.reason.trim();
      if (!reason) throw LaurelError.badRequest('a reason is required', [{ path: 'reason', message: 'must not be blank' }]);
      if (!(await manager.exists(RoundEntry, { where: { roundId: round.id, entryId: command.entryId } })))
        throw LaurelError.badRequest(`entry ${command.entryId} is not in this screening round`, [{ path: 'entryId', message: 'unknown entry' }]);
      const before = await this.rankingOf(manager, state, round);
      const inDraft = before.draft.includes(command.entryId);
      if (command.onShortlist && inDraft) throw LaurelError.conflict('that entry is already on the draft shortlist');
      if (!command.onShortlist && !inDraft) throw LaurelError.conflict('that entry is not on the draft shortlist');
      const adjustment = { entryId: command.entryId, action: command.onShortlist ? ('add' as const) : ('remove' as const), reason, by: actorName(state, actor), at: new Date().toISOString() };
      round.adjustments = [...round.adjustments, adjustment];
      await manager.update(Round, { id: round.id }, { adjustments: round.adjustments });
      await this.audit.append(manager, state.ceremony.id, actor, 'shortlist.adjusted', `round:${round.id}`, { ...adjustment });
      return this.rankingOf(manager, state, round);
    });
  }

  async freeze(command: FreezeShortlistCommand, actor: Actor): Promise<FrozenShortlist> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      this.assertAdminOrChair(state, actor);
      const round = await this.screening(manager, state, true);
      if (round.status === 'frozen') throw refusal('conflict', 'round frozen', `the shortlist was frozen at ${round.frozenAt!.toISOString()}`, { entryIds: round.frozenEntryIds });
      if (round.status !== 'assigned') throw refusal('conflict', 'reviews pending', 'the round has no assignment yet');
      const ranking = await this.rankingOf(manager, state, round);
      if (ranking.progress.locked < ranking.progress.total)
        throw refusal('conflict', 'reviews pending', `${ranking.progress.locked} of ${ranking.progress.total} reviews are locked: every review must be locked before the freeze`, ranking.progress);
      const count = ranking.draft.length;
      const min = round.minNominees ?? 1;
      if (count < min || (round.maxNominees !== null && count > round.maxNominees))
        throw refusal('conflict', 'shortlist out of bounds', `the draft shortlist has ${count} entries; the category takes ${min}–${round.maxNominees ?? '∞'}`, { count, min, max: round.maxNominees });
      const frozenAt = new Date();
      const finalRound = manager.create(Round, {
        id: randomUUID(),
        ceremonyId: state.ceremony.id,
        categoryId: state.category.id,
        kind: 'final' as const,
        status: 'open' as const,
        k: null,
        shortlistSize: null,
        minNominees: null,
        maxNominees: null,
        adjustments: [],
        frozenEntryIds: null,
        frozenAt: null,
        sourceRoundId: round.id,
      });
      await manager.insert(Round, finalRound);
      await manager.update(Round, { id: round.id }, { status: 'frozen', frozenEntryIds: ranking.draft, frozenAt });
      await this.outbox.add(manager, 'gala.events.jury.shortlist.frozen', state.ceremony.id, {
        categoryId: state.category.id,
        roundId: round.id,
        entryIds: ranking.draft,
        frozenAt: frozenAt.toISOString(),
      });
      await this.audit.append(manager, state.ceremony.id, actor, 'shortlist.frozen', `round:${round.id}`, {
        categoryId: state.category.id,
        finalRoundId: finalRound.id,
        entryIds: ranking.draft,
        adjustments: round.adjustments.length,
        ranking: ranking.entries.slice(0, Math.max(count, 10)).map((e) => ({ entryId: e.id, normalized: e.normalized, raw: e.raw })),
      });
      return { roundId: round.id, finalRoundId: finalRound.id, categoryId: state.category.id, entryIds: ranking.draft, frozenAt: frozenAt.toISOString() };
    });
  }

  // ------------------------------------------------------------------------------------------------

  /**
   * The calling juror's review of an entry, after the rules: on the panel, round not frozen, not conflicted,
   * assigned. The path every save and lock takes, so it is one statement: the review row locked FOR UPDATE,
   * the round row FOR SHARE (a freeze, which takes it FOR UPDATE, waits for reviews in flight, and they for it).
   * When it finds nothing, `refuseReview` says which rule refused.
   */
  private async ownReview(manager: EntityManager, actor: Actor, command: SaveReviewCommand | LockReviewCommand): Promise<OwnReview> {
    assertJuryRole(actor);
    if (actor.role !== 'juror') throw LaurelError.forbidden('only a juror of this panel may review');
    const t = (entity: EntityTarget) => manager.getRepository(entity).metadata.tablePath;
    const byId = isUuid(command.category);
    const rows = await manager.query<{ ceremony_id: string; criteria: Criterion[]; round_id: string; status: string; scores: Record<string, number>; locked_at: Date | null; conflict: string | null }[]>(
      `SELECT cat.ceremony_id, cat.criteria, r.id AS round_id, r.status, rv.scores, rv.locked_at, ec.reason AS conflict
         FROM ${t(JuryCeremony)} c
         JOIN ${t(JuryCategory)} cat ON cat.ceremony_id = c.id AND (cat.slug = $2::text${byId ? ' OR cat.id::text = $2::text' : ''})
         JOIN ${t(Juror)} j ON j.id = $3::uuid AND j.category_id = cat.id
         JOIN ${t(Round)} r ON r.category_id = cat.id AND r.kind = 'screening'
         JOIN ${t(Review)} rv ON rv.round_id = r.id AND rv.entry_id = $4::uuid AND rv.juror_id = j.id
         LEFT JOIN ${t(EntryConflict)} ec ON ec.round_id = r.id AND ec.juror_id = j.id AND ec.entry_id = $4::uuid
        WHERE ${isUuid(command.ceremony) ? '(c.id::text = $1::text OR c.slug = $1::text)' : 'c.slug = $1::text'}
        FOR UPDATE OF rv FOR SHARE OF r`,
      [command.ceremony, command.category, actor.jurorId, command.entryId],
    );
    const row = rows[0];
    if (!row || row.status === 'frozen' || row.conflict !== null) return this.refuseReview(manager, actor, command);
    return { ceremonyId: row.ceremony_id, criteria: row.criteria, roundId: row.round_id, jurorId: actor.jurorId!, scores: row.scores, lockedAt: row.locked_at };
  }

  /** Why the calling juror may not touch this review (the slow path, only taken to refuse). */
  private async refuseReview(manager: EntityManager, actor: Actor, command: SaveReviewCommand | LockReviewCommand): Promise<never> {
    const ceremony = await this.panels.ceremony(manager, command.ceremony);
    const category = await manager.findOne(JuryCategory, { where: [{ ceremonyId: ceremony.id, slug: command.category }, ...(isUuid(command.category) ? [{ ceremonyId: ceremony.id, id: command.category }] : [])] });
    if (!category) throw LaurelError.notFound(`no category ${command.category} in ceremony ${ceremony.slug}`);
    const juror = await manager.findOne(Juror, { where: { id: actor.jurorId!, categoryId: category.id } });
    if (!juror) throw LaurelError.forbidden('you are not on the panel of this category');
    const round = await manager.findOne(Round, { where: { categoryId: category.id, kind: 'screening' } });
    if (!round) throw refusal('not-found', 'no screening round', `${category.name} has no screening round`);
    if (round.status === 'frozen') throw refusal('conflict', 'round frozen', 'the screening round is frozen');
    const conflict = await manager.findOne(EntryConflict, { where: { roundId: round.id, jurorId: juror.id, entryId: command.entryId } });
    if (conflict) throw refusal('forbidden', 'conflicted', `you may not review an entry you are conflicted with: ${conflict.reason}`, [{ path: 'entryId', message: conflict.reason }]);
    throw refusal('forbidden', 'not assigned', 'that entry is not assigned to you: a juror reviews only the entries of their queue', [{ path: 'entryId', message: 'not assigned to you' }]);
  }

  private assertAdminOrChair(state: PanelState, actor: Actor): void {
    assertJuryRole(actor);
    if (actor.role === 'admin') return;
    try {
      callingChair(state, actor);
    } catch (error) {
      if (error instanceof LaurelError) throw refusal('forbidden', 'not the chair', `only the organiser or the chair of this panel may do this (${error.message})`);
      throw error;
    }
  }

  private async screening(manager: EntityManager, state: PanelState, lock: boolean): Promise<Round> {
    const round = await manager.findOne(Round, { where: { categoryId: state.category.id, kind: 'screening' }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!round) throw refusal('not-found', 'no screening round', `${state.category.name} has no screening round`);
    return round;
  }

  private async rankingOf(manager: EntityManager, state: PanelState, round: Round): Promise<ScreeningRanking> {
    const entries = await manager.find(RoundEntry, { where: { roundId: round.id }, order: { position: 'ASC' } });
    // Reviews of jurors still on the panel (a juror taken off it takes their reviews along).
    const panel = new Set(state.jurors.map((j) => j.id));
    const reviews = (await manager.find(Review, { where: { roundId: round.id } })).filter((r) => panel.has(r.jurorId));
    const locked = reviews.filter((r) => r.lockedAt !== null);
    const ranking = rankEntries({
      entryIds: entries.map((e) => e.entryId),
      criteria: state.category.criteria.map((c) => ({ key: c.key, weight: c.weight })),
      reviews: locked.map((r) => ({ jurorId: r.jurorId, entryId: r.entryId, scores: r.scores })),
    });
    const byId = new Map(entries.map((e) => [e.entryId, e]));
    const rawOrder = [...ranking.entries].sort((a, b) => (a.raw === b.raw ? 0 : a.raw === null ? 1 : b.raw === null ? -1 : b.raw - a.raw) || byId.get(a.entryId)!.position - byId.get(b.entryId)!.position);
    const rawRank = new Map(rawOrder.map((e, i) => [e.entryId, i + 1]));
    let draft = round.frozenEntryIds ?? draftShortlist(ranking, round.shortlistSize ?? DEFAULT_SHORTLIST_SIZE);
    if (!round.frozenEntryIds) {
      for (const a of round.adjustments) draft = a.action === 'add' ? (draft.includes(a.entryId) ? draft : [...draft, a.entryId]) : draft.filter((id) => id !== a.entryId);
    }
    return {
      roundId: round.id,
      progress: { locked: locked.length, total: reviews.length },
      entries: ranking.entries.map((e) => ({ ...entryView(byId.get(e.entryId)!), rank: e.rank, normalized: e.normalized, raw: e.raw, reviews: e.reviews, rawRank: rawRank.get(e.entryId)! })),
      jurors: ranking.jurors,
      flatJurors: ranking.flatJurors,
      draft,
      adjustments: round.adjustments,
      frozen: round.frozenEntryIds && round.frozenAt ? { entryIds: round.frozenEntryIds, at: round.frozenAt.toISOString() } : null,
    };
  }

  private async view(manager: EntityManager, state: PanelState, round: Round, actor: Actor): Promise<ScreeningView> {
    const panel = new Set(state.jurors.map((j) => j.id));
    const reviews = (await manager.find(Review, { where: { roundId: round.id } })).filter((r) => panel.has(r.jurorId));
    const entries = await manager.count(RoundEntry, { where: { roundId: round.id } });
    const finalRound = round.status === 'frozen' ? await manager.findOne(Round, { where: { categoryId: state.category.id, kind: 'final' } }) : null;
    const chairOrAdmin = actor.role === 'admin' || state.jurors.some((j) => j.id === actor.jurorId && j.chair);
    const view: ScreeningView = {
      roundId: round.id,
      categoryId: state.category.id,
      kind: 'screening',
      status: round.status,
      k: round.k,
      shortlistSize: round.shortlistSize ?? DEFAULT_SHORTLIST_SIZE,
      entries,
      progress: { locked: reviews.filter((r) => r.lockedAt).length, total: reviews.length },
      frozenAt: round.frozenAt?.toISOString() ?? null,
      finalRoundId: finalRound?.id ?? null,
    };
    if (chairOrAdmin) {
      view.jurors = state.jurors.map((j) => {
        const own = reviews.filter((r) => r.jurorId === j.id);
        return { jurorId: j.id, name: j.name, assigned: own.length, locked: own.filter((r) => r.lockedAt).length };
      });
    }
    if (actor.role === 'juror') {
      const own = reviews.filter((r) => r.jurorId === actor.jurorId);
      const rows = own.length ? await manager.find(RoundEntry, { where: { roundId: round.id, entryId: In(own.map((r) => r.entryId)) }, order: { position: 'ASC' } }) : [];
      const conflicts = await manager.find(EntryConflict, { where: { roundId: round.id, jurorId: actor.jurorId! } });
      const reason = new Map(conflicts.map((c) => [c.entryId, c.reason]));
      const byEntry = new Map(own.map((r) => [r.entryId, r]));
      view.queue = rows.map((e) => {
        const r = byEntry.get(e.entryId)!;
        return { ...entryView(e), review: { entryId: e.entryId, scores: r.scores, lockedAt: r.lockedAt?.toISOString() ?? null, conflict: reason.get(e.entryId) ?? null } };
      });
    }
    return view;
  }
}

function refusal(kind: DomainRefusal['kind'], code: ScreeningRefusal, message: string, details?: unknown): DomainRefusal<ScreeningRefusal> {
  return new DomainRefusal(kind, code, message, details);
}

function entryView(e: RoundEntry): ScreeningEntryView {
  return { id: e.entryId, organisation: e.organisation, kind: e.kind, title: e.title, description: e.description };
}

function actorName(state: PanelState, actor: Actor): string {
  if (actor.role === 'admin') return 'admin';
  const juror = state.jurors.find((j) => j.id === actor.jurorId);
  return juror ? `${juror.name} (chair)` : `juror:${actor.jurorId}`;
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function notNull() {
  return Not(IsNull());
}
