import type { WireScene } from '../wire.js';

const ceremony = { id: 'c1', slug: 'gala', name: 'Gala' };
export const gota = { id: 'cat-gota', slug: 'gotapriset', name: 'GötaPriset', number: 1, of: 2 };
export const svea = { id: 'cat-svea', slug: 'sveapriset', name: 'Sveapriset', number: 2, of: 2 };

/** A scene as the gateway pushes it, for tests. */
export function scene(seq: number, kind: WireScene['kind'], category?: typeof gota, extra: Partial<WireScene> = {}): WireScene {
  return { ceremonyId: 'c1', seq, kind, ...(category ? { categoryId: category.id } : {}), data: { ceremony, ...(category ? { category } : {}) }, at: new Date(1_000_000 + seq * 1000).toISOString(), rehearsal: false, ...extra };
}

