import { randomUUID } from 'node:crypto';
import {
  computeCommitment,
  voteRoot,
  type BallotView,
  type CueResult,
  type ImportCeremonyResult,
  type IssuedTickets,
  type IssuedToken,
  type JurorView,
  type RevealedEvent,
  type SealedEvent,
  type SealResult,
  type VerdictResult,
  type VoteExport,
  type VoteReceipt,
  type VoteWindowView,
} from '#contracts';
import pg from 'pg';
import { runTally } from '../tools/audit/tally.js';
import { runVoteAudit } from '../tools/audit/votes.js';
import { eventually } from './support/eventually.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

/** Keys that would give a standing or a result away; before the reveal no spy may see one for the category. */
const STANDING_KEYS = ['counts', 'tally', 'winnerId', 'winner', 'motivation', 'salt', 'ranking', 'standings', 'votes', 'points', 'combination', 'combined', 'score', 'scores'];

function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

function combinedGala(slug: string): Record<string, unknown> {
  return {
    ceremony: { slug, name: 'Kombinationsgalan', locale: 'sv-SE' },
    categories: [
      {
        slug: 'arets-kommun',
        name: 'Årets kommun 2026',
        vote: { mode: 'combined', weights: { jury: 50, audience: 50 } },
        nominees: [
          { slug: 'alingsas', organisation: 'Alingsås kommun' },
          { slug: 'boras', organisation: 'Borås Stad' },
          { slug: 'kungalv', organisation: 'Kungälvs kommun' },
          { slug: 'lerum', organisation: 'Lerums kommun' },
        ],
        jury: [
          { name: 'Ordförande Ek', chair: true },
          { name: 'Ledamot Björk' },
          { name: 'Ledamot Lind' },
        ],
      },
    ],
  };
}

/**
 * The combined verdict end to end (issue 16): a category decided by jury and audience, Eurovision style. Import →
 * the audience votes and the vote closes → the seal waits for the jury → the jury locks and seals → the vote service
 * combines both and seals the one verdict → reveal through the envelope guard. Spies for every role (the producer
 * included) see no standing, no jury result and no points before the reveal; afterwards the combination recounts.
 */
describe('the combined verdict: jury and audience ranking points, sealed and revealed as one award', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  let producerToken: string;
  let tickets: IssuedTickets;
  const slug = 'kombinationsgalan';
  const base = `/api/v1/ceremonies/${slug}`;
  const spies: { role: string; live: LiveClient; responses: { path: string; text: string }[]; token?: string }[] = [];
  const receipts: VoteReceipt[] = [];
  const category = () => imported.categories.find((c) => c.slug === 'arets-kommun')!;
  const nominee = (s: string) => category().nominees.find((n) => n.slug === s)!.id;
  const cue = (body: Record<string, unknown>) => system.http<CueResult & { message?: string }>('POST', `${base}/show/cues`, { token: producerToken, body: { idempotencyKey: randomUUID(), ...body } });

  beforeAll(async () => {
    system = await startSystem({ label: 'combined_vote' });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: combinedGala(slug) });
    expect(res.status).toBe(201);
    imported = res.body;
    const token = async (role: string) => (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role } })).body.token;
    producerToken = await token('producer');
    for (const [role, t, v] of [['public', undefined, undefined], ['public v2', undefined, 2], ['screen', await token('screen'), undefined], ['press', await token('press'), 2], ['producer', producerToken, undefined]] as const) {
      spies.push({ role, token: t, live: await connectLive(system.gatewayUrl, { ceremony: slug, token: t, ...(v ? { v } : {}) }), responses: [] });
    }
  });

  afterAll(async () => {
    spies.forEach((s) => s.live.close());
    await system?.dispose();
  });

  async function spiesPoll(): Promise<void> {
    for (const spy of spies) {
      for (const path of [`${base}/votes`, `${base}/results`, base, `${base}/categories/arets-kommun/votes/export`, `${base}/categories/arets-kommun/ballots`]) {
        const r = await system.http('GET', path, { token: spy.token });
        spy.responses.push({ path, text: r.text });
      }
    }
  }

  function leaks(): { role: string; leaked: string[] }[] {
    const found: { role: string; leaked: string[] }[] = [];
    for (const spy of spies) {
      const seen = [...spy.live.frames.map((f) => f.payload), ...spy.responses.map((r) => { try { return JSON.parse(r.text) as unknown; } catch { return r.text; } })];
      for (const o of objects(seen)) {
        if (o.categoryId !== category().id && o.id !== category().id) continue;
        const leaked = STANDING_KEYS.filter((k) => k in o && o[k] !== null && o[k] !== undefined);
        if (leaked.length) found.push({ role: spy.role, leaked });
      }
    }
    return found;
  }

  it('the audience votes: 10 for Borås, 8 for Kungälv, 2 for Alingsås, 1 for Lerum', async () => {
    tickets = (await system.http<IssuedTickets>('POST', `${base}/tickets`, { token: system.adminToken, body: { count: 25 } })).body;
    const opened = await system.http<VoteWindowView>('POST', `${base}/categories/arets-kommun/vote/open`, { token: producerToken, body: { durationSeconds: 120 } });
    expect([opened.status, opened.body.state]).toEqual([200, 'open']);
    const plan = [...Array<string>(10).fill('boras'), ...Array<string>(8).fill('kungalv'), ...Array<string>(2).fill('alingsas'), 'lerum'];
    const answers = await Promise.all(plan.map((s, i) => system.http<VoteReceipt>('POST', `${base}/categories/arets-kommun/votes`, { body: { ticket: tickets.tickets[i].token, nomineeId: nominee(s) } })));
    for (const a of answers) {
      expect(a.status).toBe(201);
      receipts.push(a.body);
    }
    await spies.find((s) => s.role === 'producer')!.live.waitFor<VoteWindowView>('vote', (v) => v.categoryId === category().id && v.turnout === 21);
    await spiesPoll();
  });

  it('the vote closes before the jury has sealed: its seal waits for the jury', async () => {
    const closed = await system.http<VoteWindowView>('POST', `${base}/categories/arets-kommun/vote/close`, { token: producerToken });
    expect([closed.status, closed.body.state]).toEqual([200, 'closed']);
    // Past the close's grace (2 s) the audience tally alone could be sealed; a combined one waits for the jury.
    await new Promise((r) => setTimeout(r, 3000));
    const votes = await system.http<VoteWindowView[]>('GET', `${base}/votes`, { token: producerToken });
    expect(votes.body.find((v) => v.categoryId === category().id)!.state).toBe('closed');
    expect(spies.flatMap((s) => s.live.of<SealedEvent>('sealed')).filter((s) => s.categoryId === category().id)).toEqual([]);
    await spiesPoll();
  });

  it('the jury ranks Alingsås, Borås, Kungälv, Lerum, locks and seals; then the vote service seals the combination', async () => {
    const jurors = (await system.http<JurorView[]>('GET', `${base}/jurors`, { token: system.adminToken })).body.filter((j) => j.categoryId === category().id);
    expect(jurors).toHaveLength(3);
    const tokens = new Map<string, string>();
    for (const j of jurors) tokens.set(j.id, (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'juror', jurorId: j.id } })).body.token);
    const score: Record<string, number> = { alingsas: 9, boras: 7, kungalv: 5, lerum: 3 };
    for (const j of jurors) {
      const token = tokens.get(j.id)!;
      await eventually(async () => expect((await system.http('GET', `${base}/me`, { token })).status).toBe(200));
      const scores = Object.fromEntries(category().nominees.map((n) => [n.id, { overall: score[n.slug] }]));
      expect((await system.http<BallotView>('PUT', `${base}/categories/arets-kommun/ballot`, { token, body: { scores } })).status).toBe(200);
      expect((await system.http<BallotView>('POST', `${base}/categories/arets-kommun/ballot/lock`, { token })).status).toBe(200);
    }
    const chair = tokens.get(jurors.find((j) => j.chair)!.id)!;
    const verdict = await system.http<VerdictResult>('POST', `${base}/categories/arets-kommun/verdict`, { token: chair, body: { motivation: 'Juryns motivering för Alingsås, tillräckligt lång.' } });
    expect([verdict.status, verdict.body.winnerId]).toEqual([200, nominee('alingsas')]);
    const seal = await system.http<SealResult>('POST', `${base}/categories/arets-kommun/verdict/seal`, { token: chair });
    expect(seal.status).toBe(200);

    // One seal reaches the crew and press: the vote service's, over the audience's votes (never the jury's alone).
    const press = spies.find((s) => s.role === 'press')!;
    const sealed = await press.live.waitFor<SealedEvent>('sealed', (s) => s.categoryId === category().id, 20_000);
    expect(sealed.commitment).not.toBe(seal.body.commitment);
    expect([sealed.ballotRoot, sealed.ballotCount]).toEqual([voteRoot(receipts.map((r) => r.receipt)).root, 21]);
    await eventually(async () => expect((await system.http<VoteWindowView[]>('GET', `${base}/votes`)).body.find((v) => v.categoryId === category().id)!.state).toBe('sealed'));
    // Every role gets the envelope of the combined verdict, bound to the combined commitment.
    const envelope = await spies.find((s) => s.role === 'public v2')!.live.waitFor<{ categoryId: string; commitment: string }>('envelope', (e) => e.categoryId === category().id);
    expect(envelope.commitment).toBe(sealed.commitment);
    await spiesPoll();
  });

  it('nobody, the producer included, saw a standing, a jury result or a point before the reveal', () => {
    expect(leaks()).toEqual([]);
    for (const spy of spies) expect(spy.live.of<SealedEvent>('sealed').filter((s) => s.categoryId === category().id).length).toBeLessThanOrEqual(1);
  });

  it('the reveal goes through the envelope guard: Borås wins on points (jury 2nd, audience 1st), not the jury\'s Alingsås', async () => {
    const id = category().id;
    expect((await cue({ action: 'next' })).body.scene.kind).toBe('welcome');
    expect((await cue({ action: 'reveal', categoryId: id })).status).toBe(409);
    for (const kind of ['category', 'nominees', 'envelope']) expect((await cue({ action: 'next' })).body.scene).toMatchObject({ kind, categoryId: id });
    expect((await cue({ action: 'reveal', categoryId: id })).status).toBe(200);
    const revealed = await spies[0].live.waitFor<RevealedEvent>('revealed', (r) => r.categoryId === id);
    // Points, 50/50: Alingsås 3 + 1, Borås 2 + 3, Kungälv 1 + 2, Lerum 0 + 0 (n − place per side).
    expect(revealed.winnerId).toBe(nominee('boras'));
    expect(revealed.motivation).toBe('Juryn och publiken: Borås Stad fick 250 poäng (juryn 2 × 50, publiken 3 × 50; 10 röster).');
    expect(computeCommitment({ categoryId: id, winnerId: revealed.winnerId, motivation: revealed.motivation, salt: revealed.salt })).toBe(revealed.commitment);
    // The scan that found nothing before finds the result now (it can fail).
    expect(leaks().map((l) => l.role)).toContain('public');
  });

  it('after the reveal the export shows the combination, and both audits recount it: 0, then 1 once the jury part is forged', async () => {
    const log = await eventually(async () => {
      const r = await system.http<VoteExport>('GET', `${base}/categories/arets-kommun/votes/export`, { token: system.adminToken });
      expect(r.status).toBe(200);
      return r.body;
    });
    expect(log.combined!.weights).toEqual({ jury: 50, audience: 50 });
    expect(log.combined!.jury.winnerId).toBe(nominee('alingsas'));
    expect(log.combined!.points.map((p) => [category().nominees.find((n) => n.id === p.nomineeId)!.slug, p.juryPoints, p.audiencePoints, p.total])).toEqual([
      ['boras', 2, 3, 250],
      ['alingsas', 3, 1, 200],
      ['kungalv', 1, 2, 150],
      ['lerum', 0, 0, 0],
    ]);

    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const args = [slug, '--url', system.gatewayUrl, '--token', system.adminToken];
    expect({ exit: await runVoteAudit(args, io), problems: lines.filter((l) => l.includes('MISMATCH') || !l.startsWith(' ')) }).toEqual({ exit: 0, problems: [expect.stringMatching(/^✓/), 'votes: all 1 revealed audience votes recount to what was sealed and revealed'] });
    expect(lines.join('\n')).toMatch(/ok\s+the jury's ranking \(vote log vs the jury's seal\)/);
    expect(lines.join('\n')).toMatch(/ok\s+the revealed motivation states the recomputed points/);
    lines.length = 0;
    // The jury's own recount: its ballots give its sealed ranking, and the revealed result is the combination.
    expect({ exit: await runTally(args, io), problems: lines.filter((l) => l.includes('MISMATCH')) }).toEqual({ exit: 0, problems: [] });

    // Someone with the database makes the vote service's copy of the jury ranking put Kungälv first.
    const db = new pg.Client({ connectionString: system.db.url });
    await db.connect();
    try {
      const forged = log.combined!.jury.ranking.map((r) => ({ ...r, rank: r.nomineeId === nominee('kungalv') ? 0 : r.rank }));
      const changed = await db.query(`UPDATE vote.windows SET combination = jsonb_set(combination, '{jury,ranking}', $1::jsonb) WHERE category_id = $2`, [JSON.stringify(forged), category().id]);
      expect(changed.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    lines.length = 0;
    expect(await runVoteAudit(args, io)).toBe(1);
    expect(lines.filter((l) => l.includes('MISMATCH')).map((l) => l.trim().split(':')[0])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^MISMATCH points per nominee/), "MISMATCH the jury's ranking (vote log vs the jury's seal)"]),
    );
  });
});
