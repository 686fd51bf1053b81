import { randomBytes } from 'node:crypto';
import { computeVoteReceipt, voteRoot, type ImportCeremonyResult, type IssuedTickets, type IssuedToken, type SocketVote, type SocketVoteReply, type VoteReceipt, type VoteWindowView } from '#contracts';
import { eventually } from './support/eventually.js';
import { audienceGala } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

/** The public budget of this system: small, so the socket's votes can be seen to count against it like REST calls. */
const PUBLIC_BUDGET = 40;

/**
 * Votes over the socket (issue 16: "votes arrive over the socket (or REST)"): a public socket.io client with a ticket
 * emits `vote:cast` and its ack answers what REST would, status and body; the same ticket cannot vote twice across the two
 * paths; socket votes count against the caller's rate budget like REST calls; the seal holds every vote either path
 * acknowledged.
 */
describe('the audience vote over the socket: the same answers as REST, one vote per ticket across both', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  let producerToken: string;
  let tickets: IssuedTickets;
  let phone: LiveClient;
  let phoneV2: LiveClient;
  const slug = 'publikgalan-socket';
  const base = `/api/v1/ceremonies/${slug}`;
  const receipts: VoteReceipt[] = [];

  const category = () => imported.categories.find((c) => c.slug === 'publikpriset')!;
  const other = () => imported.categories.find((c) => c.slug === 'unga-rosten')!;
  const socketVote = (client: LiveClient, vote: SocketVote): Promise<SocketVoteReply> => client.socket.timeout(10_000).emitWithAck('vote:cast', vote);
  const restVote = (ticket: string, nomineeId: string) => system.http<Record<string, unknown>>('POST', `${base}/categories/${category().id}/votes`, { body: { ticket, nomineeId } });

  beforeAll(async () => {
    system = await startSystem({ label: 'audience_vote_socket', publicRateLimitPerMinute: PUBLIC_BUDGET });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: audienceGala(slug) });
    expect(res.status).toBe(201);
    imported = res.body;
    const issuedToken = await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer' } });
    producerToken = issuedToken.body.token;
    const issued = await system.http<IssuedTickets>('POST', `${base}/tickets`, { token: system.adminToken, body: { count: 20 } });
    expect(issued.status).toBe(201);
    tickets = issued.body;
    phone = await connectLive(system.gatewayUrl, { ceremony: slug });
    phoneV2 = await connectLive(system.gatewayUrl, { ceremony: slug, v: 2 });
  });

  afterAll(async () => {
    phone?.close();
    phoneV2?.close();
    await system?.dispose();
  });

  it('before the opening: the ack says 409 "the vote is closed", as REST does', async () => {
    const reply = await socketVote(phone, { category: 'publikpriset', ticket: tickets.tickets[0].token, nomineeId: category().nominees[0].id });
    expect(reply).toEqual({ status: 409, body: { statusCode: 409, error: 'Conflict', message: 'the vote is closed' } });
  });

  it('while open: a receipt per ticket (v1 and v2 sockets, category by slug or id); every bad input answered with the REST body', async () => {
    const opened = await system.http('POST', `${base}/categories/publikpriset/vote/open`, { token: producerToken, body: { durationSeconds: 120 } });
    expect(opened.status).toBe(200);
    const [a, b] = category().nominees.map((n) => n.id);
    // Six votes at once over two sockets: each its receipt, checkable against the category, nominee and salt.
    const plan = [a, a, b, b, a, b];
    const replies = await Promise.all(plan.map((nomineeId, i) => socketVote(i % 2 ? phoneV2 : phone, { category: i % 3 ? category().id : 'publikpriset', ticket: tickets.tickets[i].token, nomineeId })));
    for (const [i, reply] of replies.entries()) {
      expect(reply.status).toBe(201);
      const receipt = reply.body as VoteReceipt;
      expect(receipt).toMatchObject({ categoryId: category().id, nomineeId: plan[i] });
      expect(receipt.receipt).toBe(computeVoteReceipt({ categoryId: category().id, nomineeId: plan[i], salt: receipt.salt }));
      receipts.push(receipt);
    }
    // A REST vote beside them.
    const rest = await restVote(tickets.tickets[10].token, b);
    expect(rest.status).toBe(201);
    receipts.push(rest.body as unknown as VoteReceipt);

    // The same ticket again, over the socket or over REST: 409, the first stands.
    const again = await socketVote(phone, { category: 'publikpriset', ticket: tickets.tickets[0].token, nomineeId: b });
    expect(again).toEqual({ status: 409, body: { statusCode: 409, error: 'Conflict', message: 'this ticket has already voted in Publikpriset 2026' } });
    const againRest = await restVote(tickets.tickets[1].token, b);
    expect([againRest.status, againRest.body.message]).toEqual([409, 'this ticket has already voted in Publikpriset 2026']);
    const restThenSocket = await socketVote(phone, { category: 'publikpriset', ticket: tickets.tickets[10].token, nomineeId: a });
    expect(restThenSocket.status).toBe(409);

    // An unknown ticket: 401, the body REST gives.
    const unknownTicket = randomBytes(16).toString('base64url');
    const unknown = await socketVote(phone, { category: 'publikpriset', ticket: unknownTicket, nomineeId: a });
    const unknownRest = await restVote(unknownTicket, a);
    expect(unknown).toEqual({ status: 401, body: unknownRest.body });
    expect(unknown.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'unknown or revoked voter ticket' });
    // A nominee of another category: 400 with the field.
    const wrong = await socketVote(phone, { category: 'publikpriset', ticket: tickets.tickets[12].token, nomineeId: other().nominees[0].id });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/is not a nominee of Publikpriset 2026/), details: [{ path: 'nomineeId' }] });
    // Not a ticket, not a vote, an extra field: 400 from the body's rules, naming the field.
    const notATicket = await socketVote(phone, { category: 'publikpriset', ticket: 'not-a-ticket', nomineeId: a });
    expect(notATicket.status).toBe(400);
    expect(notATicket.body).toMatchObject({ details: [{ path: 'ticket', message: 'must be a voter ticket (22 characters)' }] });
    const restNotATicket = await restVote('not-a-ticket', a);
    expect(restNotATicket.body).toEqual(notATicket.body);
    const junk = await phone.socket.timeout(10_000).emitWithAck('vote:cast', 'a vote' as unknown as SocketVote);
    expect(junk).toMatchObject({ status: 400, body: { statusCode: 400 } });
    const extraField = await socketVote(phone, { category: 'publikpriset', ticket: tickets.tickets[13].token, nomineeId: a, weight: 100 } as SocketVote);
    expect(extraField).toMatchObject({ status: 400, body: { details: [{ path: 'weight', message: 'property weight should not exist' }] } });
    const noCategory = await socketVote(phone, { ticket: tickets.tickets[13].token, nomineeId: a } as SocketVote);
    expect(noCategory).toMatchObject({ status: 400, body: { details: [{ path: 'category' }] } });
    // A vote without an ack callback is dropped (nobody could get its receipt); the socket goes on.
    phone.socket.emit('vote:cast', { category: 'publikpriset', ticket: tickets.tickets[14].token, nomineeId: a }, undefined as never);
    const after = await socketVote(phone, { category: 'publikpriset', ticket: tickets.tickets[15].token, nomineeId: a });
    expect(after.status).toBe(201);
    receipts.push(after.body as VoteReceipt);
  });

  it('the seal holds exactly the votes acknowledged over either path', async () => {
    const closed = await system.http('POST', `${base}/categories/publikpriset/vote/close`, { token: producerToken });
    expect(closed.status).toBe(200);
    const late = await socketVote(phone, { category: 'publikpriset', ticket: tickets.tickets[16].token, nomineeId: category().nominees[0].id });
    expect(late).toEqual({ status: 409, body: { statusCode: 409, error: 'Conflict', message: 'the vote is closed' } });
    // Sealed once the grace has passed and the log is counted: every acknowledged vote, none twice.
    const window = await eventually(async () => {
      const windows = await system.http<VoteWindowView[]>('GET', `${base}/votes`, { token: producerToken });
      const w = windows.body.find((x) => x.categoryId === category().id)!;
      expect(w.state).toBe('sealed');
      return w;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    expect(window.voteCount).toBe(receipts.length);
    expect(window.voteRoot).toBe(voteRoot(receipts.map((r) => r.receipt)).root);
  });

  it('socket votes count against the caller\'s rate budget, as REST calls do: over it, 429 on both', async () => {
    const replies: SocketVoteReply[] = [];
    for (let i = 0; i < PUBLIC_BUDGET; i++) replies.push(await socketVote(phone, { category: 'publikpriset', ticket: 'not-a-ticket', nomineeId: category().nominees[0].id }));
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/too many requests/) });
    // The budget is the address's, REST's too.
    expect((await restVote(tickets.tickets[17].token, category().nominees[0].id)).status).toBe(429);
  });
});
