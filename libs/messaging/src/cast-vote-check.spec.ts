import { CastVoteCommand, castVoteProblems } from '#contracts';
import { validatePayload } from './validation.js';

const ticket = 'AbCdEfGhIjKlMnOpQrStUv';
const nomineeId = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const ceremony = 'publikgalan';
const category = 'publikpriset';

/**
 * The vote path checks a vote by hand (castVoteProblems) instead of class-validator: it must accept and refuse exactly
 * what CastVoteCommand's decorators do, field by field.
 */
describe('castVoteProblems: the same verdict as CastVoteCommand, without class-validator', () => {
  const cases: [string, unknown][] = [
    ['a good vote', { ceremony, category, ticket, nomineeId }],
    ['a short ticket', { ceremony, category, ticket: ticket.slice(1), nomineeId }],
    ['a ticket with a character outside base64url', { ceremony, category, ticket: `${ticket.slice(1)}+`, nomineeId }],
    ['a number for a ticket', { ceremony, category, ticket: 12, nomineeId }],
    ['no ticket', { ceremony, category, nomineeId }],
    ['a nominee that is no UUID', { ceremony, category, ticket, nomineeId: 'boras' }],
    ['no nominee', { ceremony, category, ticket }],
    ['an extra field', { ceremony, category, ticket, nomineeId, weight: 100 }],
    ['an empty category', { ceremony, category: '', ticket, nomineeId }],
    ['a category of 81 characters', { ceremony, category: 'x'.repeat(81), ticket, nomineeId }],
    ['no ceremony', { category, ticket, nomineeId }],
  ];
  it.each(cases)('%s', async (_name, raw) => {
    const byHand = castVoteProblems(raw, ['ceremony', 'category']);
    const byDecorators = await validatePayload(CastVoteCommand, raw).then(
      () => [] as string[],
      (error: { details?: { path: string }[] }) => [...new Set((error.details ?? []).map((d) => d.path))].sort(),
    );
    expect([...new Set(byHand.map((p) => p.path))].sort()).toEqual(byDecorators);
  });

  it('refuses what is not an object at all', () => {
    for (const raw of [null, 'a vote', 42, [ticket, nomineeId]]) expect(castVoteProblems(raw)).toEqual([{ path: '$', message: 'a vote must be a JSON object { ticket, nomineeId }' }]);
  });
});
