import { randomBytes, randomUUID } from 'node:crypto';
import {
  computeCommitment,
  computeVoteReceipt,
  fromHex64,
  merkleLeafHash,
  verifyMerkleInclusion,
  voteRoot,
  type CueResult,
  type ImportCeremonyResult,
  type IssuedTickets,
  type RevealedEvent,
  type SealedEvent,
  type VoteExport,
  type VoteProof,
  type VoteReceipt,
  type VoteWindowView,
} from '#contracts';
import pg from 'pg';
import { runVoteAudit } from '../tools/audit/votes.js';
import { eventually } from './support/eventually.js';
import { audienceGala } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { issueToken } from './support/tokens.js';
import { startSystem, type ExtraGateway, type TestSystem } from './support/system.js';

/** Keys that would give standings or a result away; before the reveal no spy may see one for the category. */
const STANDING_KEYS = ['counts', 'tally', 'winnerId', 'winner', 'motivation', 'salt', 'ranking', 'standings', 'votes'];

function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

/**
 * Publikpriset end to end through the API (issue 16): tickets, the window, votes with receipts, every bad input
 * the issue names, spies for every role (the producer included) that never see a standing before the reveal, the
 * seal like a jury's, the reveal through the envelope guard, inclusion proofs and the vote log's recount.
 */
describe('the audience vote (Publikpriset): one vote per ticket, sealed and revealed like every award', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  let producerToken: string;
  let tickets: IssuedTickets;
  const slug = 'publikgalan';
  const base = `/api/v1/ceremonies/${slug}`;
  const spies: { role: string; live: LiveClient; responses: { path: string; text: string }[] }[] = [];
  const receipts: VoteReceipt[] = [];

  const category = () => imported.categories.find((c) => c.slug === 'publikpriset')!;
  const other = () => imported.categories.find((c) => c.slug === 'unga-rosten')!;
  const vote = (ticket: string, nomineeId: string, cat = category().id, gatewayUrl?: string) =>
    system.http<VoteReceipt & { message: string }>('POST', `${base}/categories/${cat}/votes`, { body: { ticket, nomineeId }, gatewayUrl });
  /** A second gateway (gateways are stateless and run N-wide): votes and turnout through it too. */
  let extra: ExtraGateway;
  let producerOnExtra: LiveClient;
  const cue = (body: Record<string, unknown>) => system.http<CueResult & { message?: string }>('POST', `${base}/show/cues`, { token: producerToken, body: { idempotencyKey: randomUUID(), ...body } });

  beforeAll(async () => {
    system = await startSystem({ label: 'audience_vote' });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: audienceGala(slug) });
    expect(res.status).toBe(201);
    imported = res.body;
    const token = (role: string) => issueToken(system, base, role);
    producerToken = await token('producer');
    extra = await system.startExtraGateway();
    producerOnExtra = await connectLive(extra.url, { ceremony: slug, token: producerToken });
    for (const [role, t] of [['public', undefined], ['screen', await token('screen')], ['press', await token('press')], ['producer', producerToken]] as const) {
      spies.push({ role, live: await connectLive(system.gatewayUrl, { ceremony: slug, token: t }), responses: [] });
    }
  });

  afterAll(async () => {
    spies.forEach((s) => s.live.close());
    producerOnExtra?.close();
    await system?.dispose();
  });

  /** Each spy polls what its role may read over HTTP, recorded for the standings scan. */
  async function spiesPoll(): Promise<void> {
    for (const spy of spies) {
      const t = spy.role === 'public' ? undefined : spy.role === 'producer' ? producerToken : undefined;
      for (const path of [`${base}/votes`, `${base}/results`, base]) {
        const r = await system.http('GET', path, { token: t });
        spy.responses.push({ path, text: r.text });
      }
    }
  }

  it('issues tickets (JSON and CSV), only to the organiser', async () => {
    const issued = await system.http<IssuedTickets>('POST', `${base}/tickets`, { token: system.adminToken, body: { count: 60, label: 'salong A' } });
    expect(issued.status).toBe(201);
    tickets = issued.body;
    expect(tickets.tickets).toHaveLength(60);
    for (const t of tickets.tickets) expect(t.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(tickets.tickets.map((t) => t.token)).size).toBe(60);

    const csv = await system.http('POST', `${base}/tickets?format=csv`, { token: system.adminToken, body: { count: 3 } });
    expect(csv.status).toBe(201);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('ticket_id,token,link_fragment');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},[A-Za-z0-9_-]{22},#t=[A-Za-z0-9_-]{22}$/);

    expect((await system.http('POST', `${base}/tickets`, { token: producerToken, body: { count: 1 } })).status).toBe(403);
    expect((await system.http('POST', `${base}/tickets`, { body: { count: 1 } })).status).toBe(401);
    expect((await system.http('POST', `${base}/tickets`, { token: system.adminToken, body: { count: 0 } })).status).toBe(400);
  });

  it('refuses a vote before the window opens: 409 "the vote is closed"', async () => {
    const early = await vote(tickets.tickets[0].token, category().nominees[0].id);
    expect([early.status, early.body.message]).toEqual([409, 'the vote is closed']);
  });

  it('opens on the producer\'s cue, counts each ticket once, and answers every bad input as the issue says', async () => {
    const opened = await system.http<VoteWindowView>('POST', `${base}/categories/publikpriset/vote/open`, { token: producerToken, body: { durationSeconds: 120 } });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ state: 'open', categoryId: category().id });
    expect(Date.parse(opened.body.closesAt!) - Date.parse(opened.body.openedAt!)).toBe(120_000);
    // Every role learns the window (the phones get their ballot); only the crew and screens see turnout.
    for (const spy of spies) {
      const frame = await spy.live.waitFor<VoteWindowView>('vote', (v) => v.categoryId === category().id && v.state === 'open');
      expect({ role: spy.role, turnoutShown: frame.turnout !== null }).toEqual({ role: spy.role, turnoutShown: spy.role === 'producer' || spy.role === 'screen' });
    }

    // 50 voters: 20, 25 and 5 votes.
    const [a, b, c] = category().nominees.map((n) => n.id);
    const plan: string[] = [...Array.from({ length: 20 }, () => a), ...Array.from({ length: 25 }, () => b), ...Array.from({ length: 5 }, () => c)];
    const answers = await Promise.all(plan.map((nomineeId, i) => vote(tickets.tickets[i].token, nomineeId)));
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(201);
      expect(answer.body.nomineeId).toBe(plan[i]);
      expect(answer.body.receipt).toBe(computeVoteReceipt({ categoryId: category().id, nomineeId: plan[i], salt: answer.body.salt }));
      receipts.push(answer.body);
    }
    await spiesPoll();

    // A second vote on the same ticket: 409, and the first stands (the tally below counts it once).
    const again = await vote(tickets.tickets[0].token, b);
    expect([again.status, again.body.message]).toEqual([409, 'this ticket has already voted in Publikpriset 2026']);
    // The same ticket through two gateways at once: one vote stands (the vote log's msgID per ticket and category).
    const twice = await Promise.all([vote(tickets.tickets[55].token, a), vote(tickets.tickets[55].token, c, category().id, extra.url)]);
    expect(twice.map((r) => r.status).sort()).toEqual([201, 409]);
    receipts.push(twice.find((r) => r.status === 201)!.body);
    // An unknown ticket, and a revoked one: 401.
    const unknown = await vote(randomBytes(16).toString('base64url'), a);
    expect(unknown.status).toBe(401);
    expect((await system.http('DELETE', `${base}/tickets/${tickets.tickets[59].id}`, { token: system.adminToken })).status).toBe(200);
    const revoked = await vote(tickets.tickets[59].token, a);
    expect([revoked.status, revoked.body.message]).toEqual([401, 'unknown or revoked voter ticket']);
    // A nominee of another category: 400 with the field.
    const wrong = await vote(tickets.tickets[56].token, other().nominees[0].id);
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/not a nominee of Publikpriset 2026/);
    // Not a ticket at all: 400 from the body's rules.
    expect((await vote('not-a-ticket', a)).status).toBe(400);
    // The other category is not open: its own window says closed.
    expect((await vote(tickets.tickets[56].token, other().nominees[0].id, other().id)).body.message).toBe('the vote is closed');

    // Turnout reaches the producer and the stage live: 51 accepted votes.
    for (const spy of spies.filter((s) => s.role === 'producer' || s.role === 'screen')) await spy.live.waitFor<VoteWindowView>('vote', (v) => v.categoryId === category().id && v.turnout === 51);
    await producerOnExtra.waitFor<VoteWindowView>('vote', (v) => v.categoryId === category().id && v.turnout === 51);
    const asProducer = await system.http<VoteWindowView[]>('GET', `${base}/votes`, { token: producerToken });
    expect(asProducer.body.find((v) => v.categoryId === category().id)).toMatchObject({ state: 'open', turnout: 51 });
    const asPublic = await system.http<VoteWindowView[]>('GET', `${base}/votes`);
    expect(asPublic.body.find((v) => v.categoryId === category().id)).toMatchObject({ state: 'open', turnout: null });
    await spiesPoll();
  });

  it('closes on the producer\'s cue: later votes are refused, the tally is sealed like a verdict, proofs wait for the reveal', async () => {
    const closed = await system.http<VoteWindowView>('POST', `${base}/categories/publikpriset/vote/close`, { token: producerToken });
    expect(closed.status).toBe(200);
    expect(closed.body.state).toBe('closed');
    const late = await vote(tickets.tickets[57].token, category().nominees[0].id);
    expect([late.status, late.body.message]).toEqual([409, 'the vote is closed']);

    const press = spies.find((s) => s.role === 'press')!;
    const sealed = await press.live.waitFor<SealedEvent>('sealed', (s) => s.categoryId === category().id, 20_000);
    expect(sealed.ballotCount).toBe(51);
    expect(sealed.ballotRoot).toBe(voteRoot(receipts.map((r) => r.receipt)).root);
    const proofEarly = await system.http<{ message: string }>('GET', `${base}/categories/publikpriset/votes/proof?receipt=${receipts[0].receipt}`);
    expect(proofEarly.status).toBe(409);
    expect((await system.http('GET', `${base}/categories/publikpriset/votes/export`, { token: system.adminToken })).status).toBe(409);
    await spiesPoll();
  });

  it('nobody, the producer included, saw a standing before the reveal; the reveal goes through the envelope guard', async () => {
    const revealStart = Date.now();
    const id = category().id;
    for (const spy of [...spies, { role: 'producer (second gateway)', live: producerOnExtra, responses: [] as { path: string; text: string }[] }]) {
      const seen = [...spy.live.frames.map((f) => f.payload), ...spy.responses.map((r) => { try { return JSON.parse(r.text) as unknown; } catch { return r.text; } })];
      for (const o of objects(seen)) {
        const about = o.categoryId === id || o.id === id;
        if (!about) continue;
        const leaked = STANDING_KEYS.filter((k) => k in o && o[k] !== null && o[k] !== undefined);
        expect({ role: spy.role, leaked }).toEqual({ role: spy.role, leaked: [] });
      }
    }

    // The envelope guard: not on stage yet → refused; then category → nominees → envelope → reveal.
    expect((await cue({ action: 'next' })).body.scene.kind).toBe('welcome');
    const offStage = await cue({ action: 'reveal', categoryId: id });
    expect(offStage.status).toBe(409);
    for (const kind of ['category', 'nominees', 'envelope']) expect((await cue({ action: 'next' })).body.scene).toMatchObject({ kind, categoryId: id });
    const reveal = await cue({ action: 'reveal', categoryId: id });
    expect(reveal.status).toBe(200);
    const revealed = await spies[0].live.waitFor<RevealedEvent>('revealed', (r) => r.categoryId === id);
    const boras = category().nominees[1].id;
    expect(revealed.winnerId).toBe(boras);
    expect(revealed.motivation).toBe('Publikens röst: Borås Stad fick 25 av 51 röster.');
    expect(computeCommitment({ categoryId: id, winnerId: revealed.winnerId, motivation: revealed.motivation, salt: revealed.salt })).toBe(revealed.commitment);
    expect(revealStart).toBeLessThanOrEqual(Date.now());
  });

  it('after the reveal: every receipt has an inclusion proof in the sealed root, and the vote log recounts to the seal', async () => {
    await eventually(async () => expect((await system.http('GET', `${base}/categories/publikpriset/votes/proof?receipt=${receipts[0].receipt}`)).status).toBe(200));
    for (const r of receipts.slice(0, 10)) {
      const proof = await system.http<VoteProof>('GET', `${base}/categories/publikpriset/votes/proof?receipt=${r.receipt}`);
      expect(proof.status).toBe(200);
      expect(proof.body.sealedCount).toBe(51);
      expect(verifyMerkleInclusion({ leafHash: merkleLeafHash(fromHex64(r.receipt)), index: proof.body.leafIndex, treeSize: proof.body.treeSize, path: proof.body.path.map(fromHex64), root: fromHex64(proof.body.sealedRoot) })).toBe(true);
    }
    const unknown = await system.http('GET', `${base}/categories/publikpriset/votes/proof?receipt=${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);

    const log = await system.http<VoteExport>('GET', `${base}/categories/publikpriset/votes/export`, { token: system.adminToken });
    expect(log.status).toBe(200);
    const accepted = log.body.votes.filter((v) => v.accepted);
    expect(accepted).toHaveLength(51);
    const recount: Record<string, number> = Object.fromEntries(log.body.nomineeIds.map((n) => [n, 0]));
    for (const v of accepted) {
      expect(computeVoteReceipt({ categoryId: log.body.categoryId, nomineeId: v.nomineeId, salt: v.salt })).toBe(v.receipt);
      recount[v.nomineeId] += 1;
    }
    expect(recount).toEqual(log.body.sealed.counts);
    // 20, 25 and 5 votes, and ticket 55's one vote: whichever of its two simultaneous votes came first.
    const [a, b, c] = category().nominees.map((n) => n.id);
    const first = receipts[receipts.length - 1].nomineeId;
    expect(recount).toEqual({ [a]: 20 + (first === a ? 1 : 0), [b]: 25, [c]: 5 + (first === c ? 1 : 0) });
    expect(voteRoot(accepted.map((v) => v.receipt)).root).toBe(log.body.sealed.voteRoot);
    // The producer may not read the log.
    expect((await system.http('GET', `${base}/categories/publikpriset/votes/export`, { token: producerToken })).status).toBe(403);
  });

  it("the vote service's /metrics: votes answered by outcome and counted by acceptance (no choice in them)", async () => {
    const server = system.apps.vote!.getHttpServer() as import('node:http').Server;
    const { port } = server.address() as import('node:net').AddressInfo;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/^laurel_votes_cast_total\{outcome="accepted"\} 51$/m);
    expect(text).toMatch(/^laurel_votes_cast_total\{outcome="409"\} \d+$/m);
    expect(text).toMatch(/^laurel_votes_cast_total\{outcome="401"\} 2$/m);
    expect(text).toMatch(/^laurel_votes_counted_total\{acceptance="accepted"\} 51$/m);
    expect(text).not.toMatch(/nominee/);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
  });

  it('`./laurel audit votes` recounts from the vote log: 0 when it agrees, 1 once a logged vote is changed behind the seal', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const args = [slug, '--url', system.gatewayUrl, '--token', system.adminToken];
    expect(await runVoteAudit(args, io)).toBe(0);
    expect(lines.at(-1)).toBe('votes: all 1 revealed audience votes recount to what was sealed and revealed');

    // Someone with the database changes one accepted vote (a vote for Kungälv becomes one for Alingsås).
    const db = new pg.Client({ connectionString: system.db.url });
    await db.connect();
    try {
      const [a, , c] = category().nominees.map((n) => n.id);
      const changed = await db.query(`UPDATE vote.votes SET nominee_id = $1 WHERE id = (SELECT id FROM vote.votes WHERE nominee_id = $2 AND accepted LIMIT 1)`, [a, c]);
      expect(changed.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    lines.length = 0;
    expect(await runVoteAudit(args, io)).toBe(1);
    expect(lines.filter((l) => l.includes('MISMATCH')).map((l) => l.trim().split(':')[0])).toEqual(['MISMATCH every vote hashes to its receipt', 'MISMATCH counts per nominee']);
  });
});
