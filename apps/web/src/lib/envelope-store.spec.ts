import type { EnvelopeFrame } from '@laurel/contracts';
import { EnvelopeStore } from './envelope-store.js';

// Node has no IndexedDB: the store works from memory, as in a browser that refuses storage.
const frame = (categoryId: string, commitment = 'a'.repeat(64)): EnvelopeFrame => ({ ceremonyId: 'c1', categoryId, commitment, iv: 'AAAAAAAAAAAAAAAA', ciphertext: 'BBBB' });

describe('EnvelopeStore (memory only)', () => {
  it('keeps one envelope per category, a newer commitment replaces the older, and counts for the page', async () => {
    const store = await EnvelopeStore.open('gala', 'screen');
    expect(store.persistent).toBe(false);
    const counts: number[] = [];
    store.onchange = (n) => counts.push(n);
    store.put([frame('a'), frame('b')]);
    store.put([frame('a')]); // the same envelope again: no change
    store.put([frame('a', 'c'.repeat(64))]);
    expect(store.all().map((e) => [e.categoryId, e.commitment[0], e.audience, e.ceremony])).toEqual([
      ['a', 'c', 'screen', 'gala'],
      ['b', 'a', 'screen', 'gala'],
    ]);
    expect(counts).toEqual([2, 2]);
    store.drop(['a', 'zzz']);
    expect(store.get('a')).toBeUndefined();
    expect(counts).toEqual([2, 2, 1]);
  });

  it('queues card reveals, one per category, until reported', async () => {
    const store = await EnvelopeStore.open('gala', 'screen');
    const q = store.queueCardReveal({ categoryId: 'a', key: 'k'.repeat(43), idempotencyKey: 'i1', at: 1 });
    store.queueCardReveal({ categoryId: 'a', key: 'k'.repeat(43), idempotencyKey: 'i2', at: 2 });
    expect(store.queuedCardReveals().map((r) => r.idempotencyKey)).toEqual(['i2']);
    store.cardRevealReported(q.id);
    expect(store.queuedCardReveals()).toEqual([]);
  });
});
