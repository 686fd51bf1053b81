import { batchBySize } from './screening.controller.js';

describe('opening a large screening round in batches', () => {
  it('keeps every entry, in order, in batches under the byte bound', () => {
    const entries = Array.from({ length: 468 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, organisation: `Organisation ${i}`, title: 'Bidrag', description: 'å'.repeat(3900) }));
    const batches = batchBySize(entries);
    expect(batches.length).toBeGreaterThan(3);
    expect(batches.flat()).toEqual(entries);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThan(420_000);
  });

  it('sends a small round in one batch, and an entry larger than the bound on its own', () => {
    expect(batchBySize([{ id: 'a' }, { id: 'b' }])).toEqual([[{ id: 'a' }, { id: 'b' }]]);
    expect(batchBySize([{ id: 'a', description: 'x'.repeat(50) }, { id: 'b' }], 40)).toEqual([[{ id: 'a', description: 'x'.repeat(50) }], [{ id: 'b' }]]);
  });
});
