import { PUBLIC_ACTOR } from '#contracts';
import { operatorOf } from './operator.js';

describe('who cued, as a scene records it', () => {
  const producer = { role: 'producer' as const, ceremonyId: 'c', jurorId: null, tokenId: '8d0f5a8e-3c39-4c39-9d4b-2f4f3f1d9b10' };

  it("is the producer token's label, else the start of its id; the admin is admin", () => {
    expect(operatorOf({ ...producer, label: ' Stream Deck ' })).toEqual({ label: 'Stream Deck', role: 'producer' });
    expect(operatorOf({ ...producer, label: null })).toEqual({ label: 'producer 8d0f5a8e', role: 'producer' });
    expect(operatorOf({ role: 'admin', ceremonyId: null, jurorId: null, tokenId: 'x', label: 'LAUREL_ADMIN_TOKEN' })).toEqual({ label: 'admin', role: 'admin' });
  });

  it('is nobody for any other caller', () => {
    expect(operatorOf(PUBLIC_ACTOR)).toBeUndefined();
    expect(operatorOf({ role: 'service', service: 'gateway', ceremonyId: null, jurorId: null, tokenId: null })).toBeUndefined();
  });
});
