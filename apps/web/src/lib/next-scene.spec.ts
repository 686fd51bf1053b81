import type { CategoryView, CeremonyView, RevealedEvent, SceneEvent, SceneKind } from '@laurel/contracts';
import { nextCue, runOfShow } from './next-scene.js';

type Result = Omit<RevealedEvent, 'showAt'>;

function cat(id: string, order: number): CategoryView {
  return {
    id,
    slug: id,
    name: `Pris ${id}`,
    order,
    description: null,
    theme: null,
    eligibility: null,
    eligibleKinds: [],
    prize: null,
    presenter: null,
    criteria: [],
    nominees: [{ id: `n-${id}`, slug: `n-${id}`, organisation: `Nominerad ${id}`, title: null } as CategoryView['nominees'][number]],
    nomineesCount: 1,
    quorum: null,
  } as unknown as CategoryView;
}

const view = {
  ceremony: { id: 'c1', slug: 'gala', name: 'Galan', edition: null, venue: null, date: null, timezone: null, locale: 'sv-SE', host: null, fair: null },
  categories: [cat('b', 1), cat('a', 0)],
  about: null,
} as CeremonyView;

function scene(seq: number, kind: SceneKind, categoryId?: string, result?: Result): SceneEvent {
  return { ceremonyId: 'c1', seq, kind, categoryId, data: { ceremony: view.ceremony, ...(result ? { result } : {}) }, at: '2026-12-05T19:00:00.000Z', rehearsal: false };
}

function result(categoryId: string): Result {
  return {
    ceremonyId: 'c1',
    seq: 9,
    categoryId,
    category: { id: categoryId, slug: categoryId, name: `Pris ${categoryId}` },
    winnerId: 'w',
    winner: { id: 'w', slug: 'w', organisation: 'Vinnaren AB', title: null, name: 'Vinnaren AB' },
    motivation: 'För att.',
    salt: '0'.repeat(64),
    commitment: 'a'.repeat(64),
    revealedAt: '2026-12-05T19:10:00.000Z',
    rehearsal: false,
  };
}

describe('nextCue (control room preview)', () => {
  it('follows the run of show in category order', () => {
    expect(runOfShow(view).map((s) => `${s.kind}${s.categoryId ? `:${s.categoryId}` : ''}`)).toEqual([
      'welcome',
      'category:a',
      'nominees:a',
      'envelope:a',
      'winner:a',
      'motivation:a',
      'category:b',
      'nominees:b',
      'envelope:b',
      'winner:b',
      'motivation:b',
      'closing',
    ]);
    const before = nextCue(view, scene(1, 'blackout'), null, new Map());
    expect(before.action).toBe('next');
    expect(before.scene?.kind).toBe('welcome');
    const n = nextCue(view, scene(3, 'category', 'a'), scene(3, 'category', 'a'), new Map());
    expect(n.scene?.kind).toBe('nominees');
    expect(n.scene?.data.category?.name).toBe('Pris a');
    expect(n.scene?.data.nominees?.[0].organisation).toBe('Nominerad a');
    expect(nextCue(view, scene(20, 'closing'), scene(20, 'closing'), new Map())).toEqual({ action: null, scene: null });
  });

  it('previews the sealed envelope, never the winner, before the reveal', () => {
    const n = nextCue(view, scene(5, 'envelope', 'a'), scene(5, 'envelope', 'a'), new Map());
    expect(n.action).toBe('reveal');
    expect(n.scene?.kind).toBe('envelope');
    expect(n.scene?.data.result).toBeUndefined();
    expect(JSON.stringify(n.scene)).not.toContain('Vinnaren');
    // After the reveal, the motivation that follows the winner carries the known result.
    const r = result('a');
    const after = nextCue(view, scene(6, 'winner', 'a', r), scene(6, 'winner', 'a', r), new Map([['a', r]]));
    expect(after.scene?.kind).toBe('motivation');
    expect(after.scene?.data.result?.winner.organisation).toBe('Vinnaren AB');
  });

  it('previews the covered scene in a blackout (resume) and the step after an interlude', () => {
    const under = scene(4, 'nominees', 'a');
    const b = nextCue(view, { ...scene(5, 'blackout'), data: { ceremony: view.ceremony, covered: 'nominees' } }, under, new Map());
    expect(b.action).toBe('resume');
    expect(b.scene?.kind).toBe('nominees');
    expect(b.scene?.categoryId).toBe('a');
    // Reloaded in a blackout over the welcome: the page knows only the covered kind.
    const reloaded = nextCue(view, { ...scene(2, 'blackout'), data: { ceremony: view.ceremony, covered: 'welcome' } }, null, new Map());
    expect(reloaded).toMatchObject({ action: 'resume', scene: { kind: 'welcome' } });
    const i = nextCue(view, scene(6, 'interlude'), under, new Map());
    expect(i.scene?.kind).toBe('envelope');
  });
});
