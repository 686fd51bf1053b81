import type { SceneData, SceneEvent, SceneKind } from '@laurel/contracts';
import { REVEAL_GRACE_MS, ShowTimeline, type Result } from './show-timeline.js';

const T0 = Date.parse('2026-12-05T19:00:00.000Z');
const ceremony: SceneData['ceremony'] = { id: 'c1', slug: 'gala', name: 'Galan', venue: 'Operan', date: '2026-12-05', locale: 'sv-SE', host: null };

function category(id: string): NonNullable<SceneData['category']> {
  return { id, slug: id, name: `Pris ${id}`, description: null, theme: null, prize: null, presenter: null, criteria: [], number: 1, of: 3 };
}

function result(categoryId: string, opts: { rehearsal?: boolean; revealedAt?: number } = {}): Result {
  return {
    ceremonyId: 'c1',
    seq: 0,
    categoryId,
    category: { id: categoryId, slug: categoryId, name: `Pris ${categoryId}` },
    winnerId: `w-${categoryId}`,
    winner: { id: `w-${categoryId}`, slug: `w-${categoryId}`, organisation: `Vinnare ${categoryId}`, title: null, name: `Vinnare ${categoryId}` },
    motivation: 'För att.',
    salt: '0'.repeat(64),
    commitment: 'a'.repeat(64),
    revealedAt: new Date(opts.revealedAt ?? T0).toISOString(),
    rehearsal: opts.rehearsal ?? false,
  };
}

function scene(seq: number, kind: SceneKind, categoryId?: string, extra: Partial<SceneEvent> & { result?: Result } = {}): SceneEvent {
  const { result: r, ...rest } = extra;
  return {
    ceremonyId: 'c1',
    seq,
    kind,
    categoryId,
    data: { ceremony, category: categoryId ? category(categoryId) : undefined, nominees: [], result: r },
    at: new Date(T0).toISOString(),
    rehearsal: false,
    ...rest,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('ShowTimeline: scenes', () => {
  it('renders the snapshot scene at once, without an entrance', () => {
    const tl = new ShowTimeline();
    tl.snapshot({ ceremonyId: 'c1', scene: scene(4, 'nominees', 'a'), results: [] }, T0);
    const v = tl.view(T0);
    expect(v.scene?.kind).toBe('nominees');
    expect(v.instant).toBe(true);
    expect(v.nextFlipAt).toBeNull();
  });

  it('drops a scene whose seq is not newer than the one on screen', () => {
    const tl = new ShowTimeline();
    tl.snapshot({ ceremonyId: 'c1', scene: scene(4, 'nominees', 'a'), results: [] }, T0);
    tl.scene(scene(3, 'category', 'a'), T0);
    expect(tl.view(T0).scene?.seq).toBe(4);
    tl.scene(scene(5, 'envelope', 'a'), T0);
    const v = tl.view(T0);
    expect(v.scene?.kind).toBe('envelope');
    expect(v.instant).toBe(false);
  });

  it('keeps the same scene object through a reconnect snapshot of the scene on screen', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    const before = tl.view(T0).scene;
    tl.snapshot({ ceremonyId: 'c1', scene: scene(5, 'envelope', 'a'), results: [] }, T0 + 5000);
    expect(tl.view(T0 + 5000).scene).toBe(before);
  });

  it('drops rehearsal scenes and results on live-only pages, and voids rehearsal results on a reset', () => {
    const pub = new ShowTimeline({ liveOnly: true });
    pub.scene(scene(2, 'category', 'a', { rehearsal: true }), T0);
    pub.reveal({ result: result('a', { rehearsal: true }), seq: 3, showAt: T0, rehearsal: true }, T0);
    expect(pub.view(T0 + 10).scene).toBeNull();
    expect(pub.view(T0 + 10).results).toEqual([]);

    const stage = new ShowTimeline();
    stage.reveal({ result: result('a', { rehearsal: true }), seq: 3, showAt: T0, rehearsal: true }, T0);
    expect(stage.view(T0).results).toHaveLength(1);
    stage.scene(scene(9, 'welcome', undefined, { rehearsal: true, data: { ceremony, reset: true } }), T0 + 1);
    expect(stage.view(T0 + 1).results).toEqual([]);
  });
});

describe('ShowTimeline: the flip', () => {
  it('holds a winner scene until its showAt, then flips', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    const showAt = T0 + 400;
    tl.scene(scene(6, 'winner', 'a', { showAt: iso(showAt), result: result('a') }), T0 + 10);
    let v = tl.view(T0 + 10);
    expect(v.scene?.kind).toBe('envelope');
    expect(v.results).toEqual([]);
    expect(v.nextFlipAt).toBe(showAt);
    expect(v.pendingCategoryId).toBe('a');
    v = tl.view(showAt);
    expect(v.scene?.kind).toBe('winner');
    expect(v.results.map((r) => r.result.categoryId)).toEqual(['a']);
    expect(v.results[0].at).toBe(showAt);
    expect(v.nextFlipAt).toBeNull();
  });

  it('takes showAt from the revealed frame when the winner scene comes first without one', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.scene(scene(6, 'winner', 'a', { result: result('a') }), T0);
    expect(tl.view(T0).nextFlipAt).toBe(T0 + REVEAL_GRACE_MS);
    tl.reveal({ result: result('a'), seq: 6, showAt: T0 + 1000, rehearsal: false }, T0 + 20);
    const v = tl.view(T0 + REVEAL_GRACE_MS + 1);
    expect(v.scene?.kind).toBe('envelope');
    expect(v.nextFlipAt).toBe(T0 + 1000);
    expect(tl.view(T0 + 1000).scene?.kind).toBe('winner');
  });

  it('flips a winner scene without showAt after the grace period when no revealed frame comes', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(6, 'winner', 'a', { result: result('a') }), T0);
    expect(tl.view(T0 + REVEAL_GRACE_MS - 20).scene).toBeNull();
    expect(tl.view(T0 + REVEAL_GRACE_MS).scene?.kind).toBe('winner');
  });

  it('uses the showAt of a revealed frame that came before its winner scene', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.reveal({ result: result('a'), seq: 6, showAt: T0 + 500, rehearsal: false }, T0);
    tl.scene(scene(6, 'winner', 'a', { result: result('a') }), T0 + 5);
    const v = tl.view(T0 + 5);
    expect(v.scene?.kind).toBe('envelope');
    expect(v.nextFlipAt).toBe(T0 + 500);
    expect(tl.view(T0 + 500).scene?.data.category?.id).toBe('a');
  });

  it('builds the winner scene from the last scene when only the reveal arrives (a v2 key-only reveal)', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.reveal({ result: result('a'), seq: 6, showAt: T0 + 300, rehearsal: false }, T0);
    expect(tl.view(T0 + 100).scene?.kind).toBe('envelope');
    const v = tl.view(T0 + 300);
    expect(v.scene).toMatchObject({ kind: 'winner', seq: 6, categoryId: 'a' });
    expect(v.scene?.data.category?.name).toBe('Pris a');
    expect(v.scene?.data.result?.winnerId).toBe('w-a');
  });

  it("prefers the envelope's winner scene data", () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    const winnerData: SceneData = { ceremony, category: { ...category('a'), name: 'Från kuvertet' } };
    tl.reveal({ result: result('a'), seq: 6, showAt: T0, rehearsal: false, winnerData }, T0);
    expect(tl.view(T0).scene?.data.category?.name).toBe('Från kuvertet');
  });

  it('a later scene cancels a held winner and shows at once (the producer moved on)', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.scene(scene(6, 'winner', 'a', { showAt: iso(T0 + 900), result: result('a') }), T0);
    tl.scene(scene(7, 'motivation', 'a', { result: result('a') }), T0 + 10);
    const v = tl.view(T0 + 10);
    expect(v.scene?.kind).toBe('motivation');
    expect(v.results).toHaveLength(1);
  });

  it('the authoritative scene of a held reveal replaces its data and keeps its flip time', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.reveal({ result: result('a'), seq: 6, showAt: T0 + 500, rehearsal: false }, T0);
    tl.scene(scene(6, 'winner', 'a', { result: result('a'), data: { ceremony, category: { ...category('a'), name: 'Rätt' }, result: result('a') } }), T0 + 1);
    expect(tl.view(T0 + 1).nextFlipAt).toBe(T0 + 500);
    expect(tl.view(T0 + 500).scene?.data.category?.name).toBe('Rätt');
  });

  it('a reveal seen twice flips once', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.reveal({ result: result('a'), seq: 6, showAt: T0 + 10, rehearsal: false }, T0);
    const flipped = tl.view(T0 + 10).scene;
    tl.reveal({ result: result('a'), seq: 6, showAt: T0 + 10, rehearsal: false }, T0 + 20);
    const v = tl.view(T0 + 30);
    expect(v.scene).toBe(flipped);
    expect(v.nextFlipAt).toBeNull();
  });

  it('a result revealed on press/public flips at showAt even without a scene', () => {
    const tl = new ShowTimeline({ liveOnly: true });
    tl.reveal({ result: result('b'), seq: 9, showAt: T0 + 200, rehearsal: false }, T0);
    expect(tl.view(T0).latest).toBeNull();
    expect(tl.view(T0 + 200).latest?.categoryId).toBe('b');
  });
});

describe('ShowTimeline: snapshots and the archive', () => {
  it('holds back a winner in a snapshot taken between the cue and the flip, showing the envelope', () => {
    const tl = new ShowTimeline();
    const showAt = T0 + 700;
    tl.snapshot({ ceremonyId: 'c1', scene: scene(6, 'winner', 'a', { showAt: iso(showAt), result: result('a') }), results: [] }, T0);
    let v = tl.view(T0);
    expect(v.scene?.kind).toBe('envelope');
    expect(v.scene?.data.result).toBeUndefined();
    expect(v.results).toEqual([]);
    expect(v.nextFlipAt).toBe(showAt);
    v = tl.view(showAt);
    expect(v.scene?.kind).toBe('winner');
  });

  it('shows a past winner from a snapshot at once, and the snapshot results replace what was held', () => {
    const tl = new ShowTimeline();
    tl.reveal({ result: result('x'), seq: 2, showAt: T0, rehearsal: false }, T0);
    tl.snapshot({ ceremonyId: 'c1', scene: scene(6, 'winner', 'a', { showAt: iso(T0 - 5000), result: result('a') }), results: [result('a')] }, T0);
    const v = tl.view(T0);
    expect(v.scene?.kind).toBe('winner');
    expect(v.results.map((r) => [r.result.categoryId, r.at])).toEqual([['a', null]]);
  });

  it('archive results are visible at once and orders the latest by reveal time', () => {
    const tl = new ShowTimeline({ liveOnly: true });
    tl.archive([result('b', { revealedAt: T0 + 2000 }), result('a', { revealedAt: T0 + 1000 })]);
    const v = tl.view(T0);
    expect(v.results.map((r) => r.result.categoryId)).toEqual(['a', 'b']);
    expect(v.latest?.categoryId).toBe('b');
  });
});

describe('ShowTimeline: key cards', () => {
  it('a card reveal flips at once and survives a snapshot that does not know it yet', () => {
    const tl = new ShowTimeline();
    tl.snapshot({ ceremonyId: 'c1', scene: scene(5, 'envelope', 'a'), results: [] }, T0);
    tl.reveal({ result: result('a'), seq: 5, showAt: T0, rehearsal: false, local: true }, T0);
    expect(tl.view(T0).scene?.kind).toBe('winner');
    expect(tl.localReveals()).toHaveLength(1);
    tl.snapshot({ ceremonyId: 'c1', scene: scene(5, 'envelope', 'a'), results: [] }, T0 + 60_000);
    const v = tl.view(T0 + 60_000);
    expect(v.scene?.kind).toBe('winner');
    expect(v.results.map((r) => r.result.categoryId)).toEqual(['a']);
  });

  it("the system's own winner scene confirms a card reveal without a new entrance", () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.reveal({ result: result('a'), seq: 5, showAt: T0, rehearsal: false, local: true }, T0);
    const shown = tl.view(T0).scene;
    tl.scene(scene(6, 'winner', 'a', { result: result('a'), showAt: iso(T0 + 100) }), T0 + 50);
    const v = tl.view(T0 + 200);
    expect(v.scene).toBe(shown);
    expect(v.scene?.seq).toBe(6);
    expect(tl.localReveals()).toEqual([]);
    tl.scene(scene(7, 'motivation', 'a', { result: result('a') }), T0 + 300);
    expect(tl.view(T0 + 300).scene?.kind).toBe('motivation');
  });

  it('a snapshot that carries the result ends the local hold', () => {
    const tl = new ShowTimeline();
    tl.scene(scene(5, 'envelope', 'a'), T0);
    tl.reveal({ result: result('a'), seq: 5, showAt: T0, rehearsal: false, local: true }, T0);
    tl.snapshot({ ceremonyId: 'c1', scene: scene(7, 'motivation', 'a', { result: result('a') }), results: [result('a')] }, T0 + 1000);
    expect(tl.localReveals()).toEqual([]);
    expect(tl.view(T0 + 1000).scene?.kind).toBe('motivation');
  });
});
