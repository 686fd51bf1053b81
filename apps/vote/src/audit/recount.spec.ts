import { computeCommitment, computeVoteReceipt, voteRoot, type VoteExport } from '#contracts';
import { recountVotes } from './recount.js';

const categoryId = '7d1f3c1e-0000-4000-8000-000000000001';
const salt = (n: number) => n.toString(16).padStart(64, '0');
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 20, 0, s)).toISOString();

function sealedLog(): { log: VoteExport; published: { categoryId: string; winnerId: string; motivation: string; salt: string; commitment: string } } {
  const choices = ['a', 'b', 'b', 'c', 'b', 'a'];
  const votes: VoteExport['votes'] = choices.map((nomineeId, i) => ({ nomineeId, salt: salt(i + 1), receipt: computeVoteReceipt({ categoryId, nomineeId, salt: salt(i + 1) }), castAt: at(i + 1), accepted: true, reason: null }));
  votes.push({ nomineeId: 'a', salt: salt(99), receipt: computeVoteReceipt({ categoryId, nomineeId: 'a', salt: salt(99) }), castAt: at(59), accepted: false, reason: 'logged too late' });
  const tree = voteRoot(votes.filter((v) => v.accepted).map((v) => v.receipt));
  const motivation = 'Publikens röst: B fick 3 av 6 röster.';
  const commitment = computeCommitment({ categoryId, winnerId: 'b', motivation, salt: salt(7) });
  return {
    log: {
      ceremonyId: 'c',
      categoryId,
      categorySlug: 'publikpriset',
      nomineeIds: ['a', 'b', 'c'],
      openedAt: at(0),
      closedAt: at(30),
      votes,
      sealed: { counts: { a: 2, b: 3, c: 1 }, voteRoot: tree.root, voteCount: tree.count, winnerId: 'b', commitment, sealedAt: at(40) },
    },
    published: { categoryId, winnerId: 'b', motivation, salt: salt(7), commitment },
  };
}

describe('recountVotes (./laurel audit votes)', () => {
  it('agrees with an honest seal: a late vote in the log is not counted', () => {
    const { log, published } = sealedLog();
    const result = recountVotes(log, published);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('finds a changed vote, a dropped vote, a vote outside the window, and a different winner', () => {
    const failing = (mutate: (x: ReturnType<typeof sealedLog>) => void) => {
      const x = sealedLog();
      mutate(x);
      return recountVotes(x.log, x.published).checks.filter((c) => !c.ok).map((c) => c.what);
    };
    expect(failing((x) => (x.log.votes[0].nomineeId = 'c'))).toEqual(['every vote hashes to its receipt', 'counts per nominee']);
    expect(failing((x) => x.log.votes.splice(3, 1))).toEqual(['counts per nominee', 'vote root over the accepted receipts', 'accepted votes']);
    expect(failing((x) => (x.log.votes[1].castAt = at(45)))).toEqual(['every accepted vote was cast inside the window']);
    expect(failing((x) => (x.published.winnerId = 'a'))).toEqual(['the revealed winner', 'the revealed result hashes to the commitment']);
  });
});
