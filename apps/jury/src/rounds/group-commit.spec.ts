import { GroupCommit, type Outcome } from './group-commit.js';

describe('group commit', () => {
  it('sends a lone item at once and batches what arrives while a batch is being written, in order', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const commit = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => ({ ok: true, value: i * 10 }));
    });
    const first = commit.submit(1);
    const rest = [2, 3, 4].map((i) => commit.submit(i));
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('gives each item its own outcome: a refused item does not sink the others', async () => {
    const commit = new GroupCommit<number, number>(async (items) => items.map((i): Outcome<number> => (i % 2 ? { ok: true, value: i } : { ok: false, error: new Error(`even ${i}`) })));
    const results = await Promise.allSettled([1, 2, 3].map((i) => commit.submit(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 'even 2', 3]);
  });

  it('retries a batch that failed as a whole item by item, so only the failing item fails', async () => {
    const seen: number[][] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      seen.push(items);
      if (items.includes(3)) throw new Error('database says no to 3');
      return items.map((i) => ({ ok: true, value: i }));
    });
    const blocker = commit.submit(0);
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => commit.submit(i)));
    await blocker;
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 2, 'database says no to 3', 4]);
    expect(seen).toEqual([[0], [1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('caps a batch at its maximum size', async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      return items.map((i) => ({ ok: true, value: i }));
    }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => commit.submit(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});
