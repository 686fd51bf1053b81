import type { EnvelopeStagedEvent, RevealedEvent } from '#contracts';
import { LiveState } from './live-state.service.js';

const ceremonyId = '00000000-0000-4000-8000-000000000001';
const cat = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;
const box = (tag: string) => ({ iv: `iv-${tag}`, ciphertext: `ct-${tag}` });

function staged(n: number): EnvelopeStagedEvent {
  return { ceremonyId, categoryId: cat(n), commitment: 'c'.repeat(64), sealedAt: '2026-12-06T05:00:00.000Z', envelopes: { screen: box(`s${n}`), press: box(`p${n}`), public: box(`u${n}`) } };
}

function result(n: number, seq: number, rehearsal = false): Omit<RevealedEvent, 'showAt'> {
  return {
    ceremonyId,
    seq,
    categoryId: cat(n),
    category: { id: cat(n), slug: `c${n}`, name: `C${n}` },
    winnerId: cat(9),
    winner: { id: cat(9), slug: 'w', organisation: 'W', title: null, name: 'W' },
    motivation: 'm',
    salt: 's'.repeat(64),
    commitment: 'c'.repeat(64),
    revealedAt: '2026-12-06T05:00:01.000Z',
    rehearsal,
  };
}

describe('LiveState, socket protocol v2', () => {
  it('holds each staged envelope once and serves each audience its own box, until the category is revealed', () => {
    const state = new LiveState();
    expect(state.applyStaged(staged(1))).toBe(true);
    expect(state.applyStaged(staged(1))).toBe(false);
    state.applyStaged(staged(2));
    expect(state.envelopes(ceremonyId, 'press').map((e) => e.ciphertext)).toEqual(['ct-p1', 'ct-p2']);
    state.applyReveal({ ...result(1, 7), key: 'k'.repeat(43) }, '2026-12-06T05:00:01.250Z');
    expect(state.envelopes(ceremonyId, 'public')).toEqual([{ ceremonyId, categoryId: cat(2), commitment: 'c'.repeat(64), iv: 'iv-u2', ciphertext: 'ct-u2' }]);
  });

  it('keeps the key apart from the result (v1 frames and snapshots never carry it) and marks the keyed seq', () => {
    const state = new LiveState();
    state.applyStaged(staged(1));
    const applied = state.applyReveal({ ...result(1, 7), key: 'k'.repeat(43) }, '2026-12-06T05:00:01.250Z');
    expect(applied?.key).toBe('k'.repeat(43));
    expect(applied?.revealed).not.toHaveProperty('key');
    expect(state.show(ceremonyId, false).results.get(cat(1))).not.toHaveProperty('key');
    expect(state.keyedReveal(ceremonyId, 7)).toBe(true);
    // Once only.
    expect(state.applyReveal({ ...result(1, 7), key: 'k'.repeat(43) }, '2026-12-06T05:00:01.250Z')).toBeNull();
  });

  it('treats a reveal without a key, of a category with no staged envelope, or of the rehearsal as keyless (v1 frames for v2 sockets)', () => {
    const state = new LiveState();
    state.applyStaged(staged(1));
    expect(state.applyReveal(result(1, 7), 'x')?.key).toBeNull();
    expect(state.applyReveal({ ...result(2, 8), key: 'k'.repeat(43) }, 'x')?.key).toBeNull();
    expect(state.applyReveal({ ...result(1, 9, true), key: 'k'.repeat(43) }, 'x')?.key).toBeNull();
    expect([7, 8, 9].some((seq) => state.keyedReveal(ceremonyId, seq))).toBe(false);
  });
});

describe('LiveState, replays over a snapshot', () => {
  const scene = (seq: number, rehearsal: boolean, reset = false) => ({ ceremonyId, seq, kind: 'welcome' as const, data: { ceremony: { id: ceremonyId, slug: 'c', name: 'C', venue: '', date: '', locale: 'sv', host: '' }, ...(reset ? { reset: true } : {}) }, at: '2026-12-06T05:00:00.000Z', rehearsal });

  it('drops a reveal older than the scene held: a rehearsal reset after it left it out of the snapshot', () => {
    const state = new LiveState();
    // Cold start: the rehearsal's KV snapshot after a reset (seq 12, no results).
    state.applySnapshot({ ceremonyId, scene: scene(12, true), results: [] }, true);
    // The stream replays the reveal of the run before the reset (seq 5), then its scenes.
    expect(state.applyReveal(result(1, 5, true), 'x')).toBeNull();
    expect(state.applyScene(scene(10, true, true) as never)).toBeNull();
    expect(state.show(ceremonyId, true).results.size).toBe(0);
    // A reveal after the scene held is new.
    expect(state.applyReveal(result(1, 13, true), 'x')?.revealed.seq).toBe(13);
  });
});
