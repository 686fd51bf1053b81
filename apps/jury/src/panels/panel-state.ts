import type { Actor, JurorView, JuryProgressData } from '#contracts';
import { LaurelError } from '#contracts';
import type { Ballot } from '../ballots/ballot.entity.js';
import { recusedJurors, type PanelInput } from '../verdicts/scoring.js';
import type { Verdict } from '../verdicts/verdict.entity.js';
import type { Conflict, JuryCategory, JuryCeremony, Juror } from './panel.entities.js';

/** Everything about one category's panel, loaded inside a transaction (usually under the panel lock). */
export interface PanelState {
  ceremony: JuryCeremony;
  category: JuryCategory;
  jurors: Juror[];
  conflicts: Conflict[];
  ballots: Ballot[];
  verdict: Verdict | null;
}

export const JURY_ROLES = ['admin', 'juror'] as const;

/** Producer, press, screen and public never reach jury data (integrity rule 2). */
export function assertJuryRole(actor: Actor): void {
  if (!(JURY_ROLES as readonly string[]).includes(actor.role)) throw LaurelError.forbidden(`a ${actor.role} token may not make jury calls`);
  if (actor.role === 'juror' && !actor.jurorId) throw LaurelError.forbidden('a juror token must name its juror');
}

/** The calling juror, who must sit on this panel. */
export function callingJuror(state: PanelState, actor: Actor): Juror {
  assertJuryRole(actor);
  if (actor.role !== 'juror') throw LaurelError.forbidden('only a juror of this panel may do this');
  const juror = state.jurors.find((j) => j.id === actor.jurorId);
  if (!juror) throw LaurelError.forbidden('you are not on the panel of this category');
  return juror;
}

/** The chair of this panel (403 for anyone else, including other jurors and admin). */
export function callingChair(state: PanelState, actor: Actor): Juror {
  const juror = callingJuror(state, actor);
  if (!juror.chair) throw LaurelError.forbidden('only the chair of this panel may do this');
  return juror;
}

export function conflictsOf(state: PanelState, jurorId: string): Conflict[] {
  return state.conflicts.filter((c) => c.jurorId === jurorId);
}

/** A juror conflicted with every nominee cannot score anything: recused, not counted for quorum. */
export function recusedIds(state: PanelState): Set<string> {
  return recusedJurors(
    state.jurors.map((j) => j.id),
    state.category.nominees.map((n) => n.id),
    state.conflicts,
  );
}

export function isSealed(state: PanelState): boolean {
  return state.verdict?.sealedAt != null;
}

export function scoringInput(state: PanelState): PanelInput {
  const recused = recusedIds(state);
  const panelIds = new Set(state.jurors.map((j) => j.id));
  return {
    criteria: state.category.criteria.map((c) => ({ key: c.key, weight: c.weight })),
    nomineeIds: state.category.nominees.map((n) => n.id),
    jurors: state.jurors.map((j) => ({ id: j.id, recused: recused.has(j.id) })),
    conflicts: state.conflicts.map((c) => ({ jurorId: c.jurorId, nomineeId: c.nomineeId })),
    lockedBallots: state.ballots.filter((b) => b.lockedAt !== null && panelIds.has(b.jurorId)).map((b) => ({ jurorId: b.jurorId, scores: b.scores })),
    ...(state.category.quorum !== null ? { quorum: state.category.quorum } : {}),
  };
}

/** Progress for the producer: counts only, never a score or a winner. */
export function progressOf(state: PanelState): JuryProgressData {
  const recused = recusedIds(state);
  const active = new Set(state.jurors.filter((j) => !recused.has(j.id)).map((j) => j.id));
  const locked = state.ballots.filter((b) => b.lockedAt !== null && active.has(b.jurorId)).length;
  return { ceremonyId: state.ceremony.id, categoryId: state.category.id, locked, total: active.size, sealed: isSealed(state) };
}

export function jurorView(juror: Juror, conflicts: readonly Conflict[]): JurorView {
  return {
    id: juror.id,
    name: juror.name,
    affiliation: juror.affiliation,
    title: juror.title,
    categoryId: juror.categoryId,
    chair: juror.chair,
    demo: juror.demo,
    conflicts: conflicts.filter((c) => c.jurorId === juror.id).map((c) => ({ nomineeId: c.nomineeId, reason: c.reason, source: c.source })),
  };
}
