import { combinedMotivation, combineVerdict, computeCommitment, computeVoteReceipt, voteRoot, type BallotExport, type VoteExport } from '#contracts';
import { checkJuryPart, recountVotes } from './recount.js';

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

/** The same log as a combined category: the jury ranked c, a, b; weights 60/40. */
function combinedLog() {
  const x = sealedLog();
  const weights = { jury: 60, audience: 40 };
  const jury = { winnerId: 'c', ranking: [{ nomineeId: 'c', rank: 1, score: 8, jurorCount: 3 }, { nomineeId: 'a', rank: 2, score: 7, jurorCount: 3 }, { nomineeId: 'b', rank: 3, score: 5, jurorCount: 3 }], commitment: 'ab'.repeat(32), sealedAt: at(20), ballotRoot: 'cd'.repeat(32), ballotCount: 3 };
  const result = combineVerdict(['a', 'b', 'c'].map((id) => ({ id })), jury, x.log.sealed.counts, weights);
  const winner = { id: result.winnerId, slug: 'x', organisation: `Org ${result.winnerId}`, title: null, name: `Org ${result.winnerId}` };
  const motivation = combinedMotivation(winner, result, weights, 'sv-SE');
  const commitment = computeCommitment({ categoryId, winnerId: result.winnerId, motivation, salt: salt(7) });
  x.log.sealed = { ...x.log.sealed, winnerId: result.winnerId, commitment };
  x.log.combined = { weights, jury, points: result.points };
  return { log: x.log, published: { categoryId, winnerId: result.winnerId, motivation, salt: salt(7), commitment, winner, locale: 'sv-SE' }, result };
}

describe('recountVotes, a combined category (jury and audience)', () => {
  it('recomputes the combination from the recounted votes and the jury part', () => {
    const { log, published, result } = combinedLog();
    // a: jury 2nd (1 p), audience 2nd (1 p) → 100; b: 0 + 2 → 80; c: 2 + 0 → 120.
    expect(result.points.map((p) => [p.nomineeId, p.total])).toEqual([['c', 120], ['a', 100], ['b', 80]]);
    const r = recountVotes(log, published);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.checks.map((c) => c.what)).toEqual(expect.arrayContaining(['the revealed motivation states the recomputed points', expect.stringMatching(/^points per nominee/)]));
  });

  it('catches changed votes that move the points, a forged jury part, and claimed points that do not add up', () => {
    const failing = (mutate: (x: ReturnType<typeof combinedLog>) => void) => {
      const x = combinedLog();
      mutate(x);
      return recountVotes(x.log, x.published).checks.filter((c) => !c.ok).map((c) => c.what);
    };
    // Two of b's votes dropped from the log: a now leads the audience, and the points differ from the sealed ones.
    expect(failing((x) => x.log.votes.splice(1, 2))).toEqual(expect.arrayContaining(['counts per nominee', expect.stringMatching(/^points per nominee/)]));
    // The jury part swapped for another winner: the combination no longer gives the sealed winner.
    expect(failing((x) => (x.log.combined!.jury = { ...x.log.combined!.jury, winnerId: 'b', ranking: x.log.combined!.jury.ranking.map((r) => ({ ...r, rank: r.nomineeId === 'b' ? 1 : r.rank! + 1 })) }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^points per nominee/), expect.stringMatching(/^the winner/)]),
    );
    expect(failing((x) => (x.log.combined!.points[0].total += 1))).toEqual([expect.stringMatching(/^points per nominee/)]);
  });

  it("checks the jury part against the jury's own seal (its ballot export)", () => {
    const { log } = combinedLog();
    const jury = log.combined!.jury;
    const ballots = { verdict: { winnerId: jury.winnerId, tieBreakWinnerId: null, ranking: jury.ranking, commitment: jury.commitment, sealedAt: jury.sealedAt, ballotRoot: jury.ballotRoot, ballotCount: jury.ballotCount } } as unknown as BallotExport;
    expect(checkJuryPart(log, ballots).filter((c) => !c.ok)).toEqual([]);
    ballots.verdict.ranking = [...jury.ranking].reverse().map((r, i) => ({ ...r, rank: i + 1 }));
    expect(checkJuryPart(log, ballots).filter((c) => !c.ok).map((c) => c.what)).toEqual(["the jury's ranking (vote log vs the jury's seal)"]);
  });
});
