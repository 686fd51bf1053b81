import { ballotRoot, computeCommitment, computeReceipt, type BallotExport } from '#contracts';
import { computeRanking } from '../verdicts/scoring.js';
import { recount, type PublishedResult } from './recount.js';

const categoryId = '00000000-0000-4000-8000-0000000000c1';
const n = (i: number) => `00000000-0000-4000-8000-00000000000${i}`;
const j = (i: number) => `00000000-0000-4000-8000-0000000000a${i}`;
const salt = (i: number) => String(i).repeat(64);

/** A consistent export: four jurors, one conflicted with n1, one recused (conflicted with both). */
function panel(given: Record<string, Record<string, Record<string, number>>>, tieBreakWinnerId: string | null = null): { exported: BallotExport; published: PublishedResult } {
  const scores = structuredClone(given); // tests tamper with what this returns
  const jurors = [1, 2, 3, 4].map((i) => ({ id: j(i), chair: i === 1 }));
  const conflicts = [
    { jurorId: j(3), nomineeId: n(1) },
    { jurorId: j(4), nomineeId: n(1) },
    { jurorId: j(4), nomineeId: n(2) },
  ];
  const criteria = [
    { key: 'kvalitet', weight: 2 },
    { key: 'innovation', weight: 1 },
  ];
  const ballots = Object.entries(scores).map(([jurorId, s], i) => ({ jurorId, scores: s, salt: salt(i + 1), receipt: computeReceipt({ categoryId, jurorId, scores: s, salt: salt(i + 1) }), lockedAt: '2017-11-14T17:00:00.000Z' }));
  const ranking = computeRanking(
    { criteria, nomineeIds: [n(1), n(2)], jurors: jurors.map((x) => ({ id: x.id, recused: x.id === j(4) })), conflicts, lockedBallots: ballots },
    tieBreakWinnerId ? { tieBreakWinnerId } : {},
  );
  const root = ballotRoot(ballots);
  const contents = { categoryId, winnerId: ranking.winnerId!, motivation: 'Juryns motivering, tillräckligt lång.', salt: 'ab'.repeat(32) };
  const commitment = computeCommitment(contents);
  return {
    exported: {
      ceremonyId: '00000000-0000-4000-8000-0000000000ce',
      categoryId,
      categorySlug: 'gotapriset',
      revealedAt: '2017-11-14T19:00:00.000Z',
      criteria,
      nomineeIds: [n(1), n(2)],
      quorum: null,
      jurors,
      conflicts,
      ballots,
      verdict: { winnerId: ranking.winnerId!, tieBreakWinnerId, ranking: ranking.ranking, commitment, sealedAt: '2017-11-14T18:00:00.000Z', ballotRoot: root.root, ballotCount: root.count },
    },
    published: { ...contents, commitment, ballotRoot: root.root, ballotCount: root.count },
  };
}

const clear = {
  [j(1)]: { [n(1)]: { kvalitet: 9, innovation: 8 }, [n(2)]: { kvalitet: 6, innovation: 7 } },
  [j(2)]: { [n(1)]: { kvalitet: 8, innovation: 9 }, [n(2)]: { kvalitet: 7, innovation: 5 } },
  [j(3)]: { [n(2)]: { kvalitet: 10, innovation: 10 } },
};

const failed = (r: ReturnType<typeof recount>) => r.checks.filter((c) => !c.ok).map((c) => c.what);

describe('recount', () => {
  it('agrees with a consistent verdict: receipts, root, recusal, quorum, ranking, winner, commitment', () => {
    const { exported, published } = panel(clear);
    const result = recount(exported, published);
    expect(failed(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checks.find((c) => c.what.startsWith('quorum'))!.what).toContain(j(4));
  });

  it('catches a score changed in the export (its receipt no longer matches)', () => {
    const { exported, published } = panel(clear);
    exported.ballots[0].scores[n(2)].kvalitet = 10;
    expect(failed(recount(exported, published))).toEqual(expect.arrayContaining(['every ballot hashes to its receipt']));
  });

  it('catches a consistently re-hashed forgery: receipts and root recomputed, but not the published root or the sealed ranking', () => {
    const { exported, published } = panel(clear);
    const b = exported.ballots[1];
    b.scores[n(2)] = { kvalitet: 10, innovation: 10 };
    b.receipt = computeReceipt({ categoryId, jurorId: b.jurorId, scores: b.scores, salt: b.salt });
    const forgedRoot = ballotRoot(exported.ballots);
    exported.verdict.ballotRoot = forgedRoot.root;
    expect(failed(recount(exported, published))).toEqual(expect.arrayContaining(['ballot root (recomputed vs published)', 'ranking (recomputed vs sealed)']));
  });

  it('catches a published winner that the ballots do not give', () => {
    const { exported, published } = panel(clear);
    const other = { ...published, winnerId: n(2) };
    other.commitment = computeCommitment(other);
    expect(failed(recount(exported, other))).toEqual(['winner (recomputed vs revealed)', 'commitment (sealed vs revealed)']);
  });

  it('catches a missing ballot (quorum and count) and reports the scoring rule that failed', () => {
    const { exported, published } = panel(clear);
    exported.ballots.pop();
    const result = recount(exported, published);
    expect(failed(result)).toEqual(expect.arrayContaining(['ballot root (recomputed vs sealed)', 'ballot count (recomputed vs sealed, published)']));
    expect(result.checks.find((c) => c.what.startsWith('quorum'))).toMatchObject({ ok: false, found: '2 of 3 locked' });
  });

  it('follows the chair through a tie, and refuses a tie-break that is not recorded', () => {
    const tied = {
      [j(1)]: { [n(1)]: { kvalitet: 8, innovation: 8 }, [n(2)]: { kvalitet: 8, innovation: 8 } },
      [j(2)]: { [n(1)]: { kvalitet: 8, innovation: 8 }, [n(2)]: { kvalitet: 8, innovation: 8 } },
      [j(3)]: { [n(2)]: { kvalitet: 8, innovation: 8 } },
    };
    const { exported, published } = panel(tied, n(2));
    expect(failed(recount(exported, published))).toEqual([]);
    expect(recount(exported, published).checks.some((c) => c.what.startsWith('tie at the top'))).toBe(true);
    exported.verdict.tieBreakWinnerId = null;
    expect(failed(recount(exported, published))).toEqual(expect.arrayContaining([expect.stringMatching(/^quorum|^winner/)]));
  });

  it('a combined category (jury and audience): the jury part is checked against its own seal, not the revealed combination', () => {
    const { exported, published } = panel(clear);
    exported.vote = { mode: 'combined', weights: { jury: 50, audience: 50 } };
    // The reveal published the combination: another winner, the vote's commitment and root.
    const revealed = { ...published, winnerId: n(2), motivation: 'Juryn och publiken: …', ballotRoot: 'cd'.repeat(32), ballotCount: 51 };
    revealed.commitment = computeCommitment(revealed);
    expect(failed(recount(exported, revealed))).toEqual([]);
    expect(recount(exported, revealed).checks.map((c) => c.what)).not.toContain('winner (recomputed vs revealed)');
    // A forged jury ballot is still caught by the jury's own seal.
    exported.ballots[0].scores[n(2)].kvalitet = 10;
    expect(failed(recount(exported, revealed))).toEqual(expect.arrayContaining(['every ballot hashes to its receipt']));
  });
});
