import type { Actor, ActorRole } from '#contracts';
import type { Ballot } from '../ballots/ballot.entity.js';
import type { Conflict, JuryCategory, Juror } from './panel.entities.js';
import { assertJuryRole, callingChair, callingJuror, progressOf, recusedIds, scoringInput, type PanelState } from './panel-state.js';

const juror = (id: string, chair = false): Juror => ({ id, ceremonyId: 'c', categoryId: 'k', name: id, affiliation: null, title: null, chair, demo: false, source: 'api', position: 0, createdAt: new Date(0) });
const conflict = (jurorId: string, nomineeId: string): Conflict => ({ jurorId, nomineeId, categoryId: 'k', ceremonyId: 'c', reason: 'r', source: 'declared', declaredAt: new Date(0) });
const ballot = (jurorId: string, locked: boolean): Ballot => ({ jurorId, categoryId: 'k', ceremonyId: 'c', scores: { n1: { overall: 5 }, n2: { overall: 6 } }, lockedAt: locked ? new Date(0) : null, updatedAt: new Date(0), salt: null, receipt: null });

function panel(overrides: Partial<PanelState> = {}): PanelState {
  const category: JuryCategory = {
    id: 'k',
    ceremonyId: 'c',
    slug: 'k',
    name: 'K',
    criteria: [],
    nominees: ['n1', 'n2'].map((id) => ({ id, slug: id, organisation: null, kind: null, title: null, pronunciation: null })),
    quorum: null,
    frozenAt: null,
    revealedAt: null,
    vote: null,
  };
  return { ceremony: { id: 'c', slug: 'c' }, category, jurors: [juror('a', true), juror('b'), juror('r')], conflicts: [], ballots: [], verdict: null, ...overrides };
}

describe('panel state', () => {
  it('recuses a juror conflicted with every nominee, and only them', () => {
    const state = panel({ conflicts: [conflict('r', 'n1'), conflict('r', 'n2'), conflict('b', 'n1')] });
    expect([...recusedIds(state)]).toEqual(['r']);
    expect(scoringInput(state).jurors).toEqual([
      { id: 'a', recused: false },
      { id: 'b', recused: false },
      { id: 'r', recused: true },
    ]);
  });

  it('counts progress over active jurors and locked ballots only, without scores', () => {
    const state = panel({ conflicts: [conflict('r', 'n1'), conflict('r', 'n2')], ballots: [ballot('a', true), ballot('b', false), ballot('r', true)] });
    expect(progressOf(state)).toEqual({ ceremonyId: 'c', categoryId: 'k', locked: 1, total: 2, sealed: false });
  });

  it('passes only locked ballots of panel members, and the category quorum when set', () => {
    const state = panel({ ballots: [ballot('a', true), ballot('b', false), ballot('gone', true)], category: { ...panel().category, quorum: 1 } });
    const input = scoringInput(state);
    expect(input.lockedBallots.map((b) => b.jurorId)).toEqual(['a']);
    expect(input.quorum).toBe(1);
    expect(scoringInput(panel())).not.toHaveProperty('quorum');
  });

  it('lets only admin and jurors in, a juror only on their panel, the chair only as chair', () => {
    // The actor as a service resolves it from the caller's credential.
    const as = (role: ActorRole, jurorId: string | null = null): Actor => ({ role, jurorId, ceremonyId: null, tokenId: null });
    for (const role of ['producer', 'press', 'screen', 'public', 'service'] as const) expect(() => assertJuryRole(as(role))).toThrow(expect.objectContaining({ statusCode: 403 }) as Error);
    expect(() => assertJuryRole(as('juror'))).toThrow(expect.objectContaining({ statusCode: 403 }) as Error);
    const state = panel();
    expect(callingJuror(state, as('juror', 'b')).id).toBe('b');
    expect(() => callingJuror(state, as('juror', 'elsewhere'))).toThrow(expect.objectContaining({ statusCode: 403 }) as Error);
    expect(() => callingJuror(state, as('admin'))).toThrow(expect.objectContaining({ statusCode: 403 }) as Error);
    expect(callingChair(state, as('juror', 'a')).id).toBe('a');
    expect(() => callingChair(state, as('juror', 'b'))).toThrow(expect.objectContaining({ statusCode: 403 }) as Error);
  });
});
