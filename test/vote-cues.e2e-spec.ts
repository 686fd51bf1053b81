import { randomUUID } from 'node:crypto';
import { voteRoot, type CueResult, type ImportCeremonyResult, type IssuedTickets, type SceneEvent, type SealedEvent, type VoteCueResult, type VoteReceipt, type VoteWindowView } from '#contracts';
import { audienceGala } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { issueToken } from './support/tokens.js';
import { startSystem, type TestSystem } from './support/system.js';

/**
 * Issue 16, item 3: the producer cues `vote-open` and `vote-close` in the run of show (POST …/show/cues). The gateway
 * sends them to the vote service's own commands with the producer's credential; the stage's band shows the window
 * (countdown, turnout) from its `vote` frames, over the scene on stage, which the vote cues leave as it is.
 */
describe('vote cues: the producer opens and closes the audience vote from the run of show', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  let producerToken: string;
  let screenToken: string;
  let pressToken: string;
  let tickets: IssuedTickets;
  let screen: LiveClient;
  let press: LiveClient;
  const slug = 'cuegalan';
  const base = `/api/v1/ceremonies/${slug}`;
  const receipts: VoteReceipt[] = [];
  const openKey = randomUUID();
  let sceneBefore: SceneEvent;
  let firstOpen: VoteCueResult;

  const category = () => imported.categories.find((c) => c.slug === 'publikpriset')!;
  const vote = (ticket: string, nomineeId: string) => system.http<VoteReceipt & { message: string }>('POST', `${base}/categories/${category().id}/votes`, { body: { ticket, nomineeId } });
  /** token null: no token at all. */
  const cue = <T = VoteCueResult>(body: Record<string, unknown>, token: string | null = producerToken) =>
    system.http<T & { message: string; details: { path: string; message: string }[] }>('POST', `${base}/show/cues`, { token: token ?? undefined, body: { idempotencyKey: randomUUID(), ...body } });

  beforeAll(async () => {
    system = await startSystem({ label: 'vote_cues' });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: audienceGala(slug) });
    expect(res.status).toBe(201);
    imported = res.body;
    const token = (role: string) => issueToken(system, base, role);
    producerToken = await token('producer');
    screenToken = await token('screen');
    pressToken = await token('press');
    const issued = await system.http<IssuedTickets>('POST', `${base}/tickets`, { token: system.adminToken, body: { count: 12 } });
    expect(issued.status).toBe(201);
    tickets = issued.body;
    screen = await connectLive(system.gatewayUrl, { ceremony: slug, token: screenToken });
    press = await connectLive(system.gatewayUrl, { ceremony: slug, token: pressToken });
    // The show is on: the first scene of the run of show is on stage before the vote is cued.
    const started = await cue<CueResult>({ action: 'next' });
    expect(started.status).toBe(200);
    sceneBefore = started.body.scene;
    await screen.waitFor<SceneEvent>('scene', (s) => s.seq === sceneBefore.seq);
  });

  afterAll(async () => {
    screen?.close();
    press?.close();
    await system?.dispose();
  });

  it('refuses a vote cue from anyone but the producer (and the admin): 401 without a token, 403 for screen and press', async () => {
    expect((await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 60 }, null)).status).toBe(401);
    expect((await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 60 }, screenToken)).status).toBe(403);
    expect((await cue({ action: 'vote-close', categoryId: 'publikpriset' }, pressToken)).status).toBe(403);
    // Nothing opened: a vote is still refused.
    const early = await vote(tickets.tickets[0].token, category().nominees[0].id);
    expect([early.status, early.body.message]).toEqual([409, 'the vote is closed']);
  });

  it('answers a malformed vote cue with 400 and the fields', async () => {
    const noDuration = await cue({ action: 'vote-open', categoryId: 'publikpriset' });
    expect([noDuration.status, noDuration.body.details.map((d) => d.path)]).toEqual([400, ['durationSeconds']]);
    const noCategory = await cue({ action: 'vote-close' });
    expect([noCategory.status, noCategory.body.details.map((d) => d.path)]).toEqual([400, ['categoryId']]);
    expect((await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 2 })).status).toBe(400);
    const rehearsal = await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 60, rehearsal: true });
    expect([rehearsal.status, rehearsal.body.details.map((d) => d.path)]).toEqual([400, ['rehearsal']]);
    const onShowCue = await cue({ action: 'next', durationSeconds: 60 });
    expect([onShowCue.status, onShowCue.body.details.map((d) => d.path)]).toEqual([400, ['durationSeconds']]);
    expect((await cue({ action: 'vote-later', categoryId: 'publikpriset' })).status).toBe(400);
  });

  it('vote-open opens the window with the countdown; the stage gets it (countdown, turnout) and keeps its scene', async () => {
    const opened = await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 90, idempotencyKey: openKey });
    expect(opened.status).toBe(200);
    firstOpen = opened.body;
    expect(opened.body).toMatchObject({ action: 'vote-open', vote: { state: 'open', categoryId: category().id, turnout: 0 }, seq: sceneBefore.seq, scene: { seq: sceneBefore.seq, kind: sceneBefore.kind } });
    expect(Date.parse(opened.body.vote.closesAt!) - Date.parse(opened.body.vote.openedAt!)).toBe(90_000);
    // The stage's band is fed by this frame: the window's closesAt (its countdown) and the turnout.
    const frame = await screen.waitFor<VoteWindowView>('vote', (v) => v.categoryId === category().id && v.state === 'open');
    expect(frame.closesAt).toBe(opened.body.vote.closesAt);
    expect(frame.turnout).toBe(0);
    expect(screen.of<SceneEvent>('scene').filter((s) => s.seq > sceneBefore.seq)).toEqual([]);
  });

  it('accepts votes while open, and the stage sees the turnout', async () => {
    const [a, b] = category().nominees.map((n) => n.id);
    const plan = [a, a, b, a, b];
    const answers = await Promise.all(plan.map((nomineeId, i) => vote(tickets.tickets[i].token, nomineeId)));
    for (const answer of answers) {
      expect(answer.status).toBe(201);
      receipts.push(answer.body);
    }
    await screen.waitFor<VoteWindowView>('vote', (v) => v.categoryId === category().id && v.turnout === 5, 15_000);
  });

  it('the same key again answers with the first window and opens nothing twice', async () => {
    const retried = await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 300, idempotencyKey: openKey });
    expect(retried.status).toBe(200);
    expect(retried.body.vote).toMatchObject({ state: 'open', openedAt: firstOpen.vote.openedAt, closesAt: firstOpen.vote.closesAt });
  });

  it('vote-close closes it: later votes are refused "the vote is closed", and the tally is sealed', async () => {
    const closed = await cue({ action: 'vote-close', categoryId: 'publikpriset' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ action: 'vote-close', vote: { state: 'closed', categoryId: category().id, turnout: 5 }, seq: sceneBefore.seq });
    await screen.waitFor<VoteWindowView>('vote', (v) => v.categoryId === category().id && v.state === 'closed');
    const late = await vote(tickets.tickets[9].token, category().nominees[0].id);
    expect([late.status, late.body.message]).toEqual([409, 'the vote is closed']);

    const sealed = await press.waitFor<SealedEvent>('sealed', (s) => s.categoryId === category().id, 20_000);
    expect(sealed.ballotCount).toBe(5);
    expect(sealed.ballotRoot).toBe(voteRoot(receipts.map((r) => r.receipt)).root);
  });

  it('after the close: the opening key still answers with its window (now closed), a new key is refused, closing again changes nothing', async () => {
    const retried = await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 90, idempotencyKey: openKey });
    expect(retried.status).toBe(200);
    expect(retried.body.vote).toMatchObject({ openedAt: firstOpen.vote.openedAt, turnout: 5 });
    expect(['closed', 'sealed']).toContain(retried.body.vote.state);
    const again = await cue({ action: 'vote-open', categoryId: 'publikpriset', durationSeconds: 90 });
    expect([again.status, again.body.message]).toEqual([409, 'the vote in Publikpriset 2026 has already been held']);
    const closeAgain = await cue({ action: 'vote-close', categoryId: 'publikpriset' });
    expect(closeAgain.status).toBe(200);
    expect(closeAgain.body.vote.openedAt).toBe(firstOpen.vote.openedAt);
    const late = await vote(tickets.tickets[10].token, category().nominees[0].id);
    expect([late.status, late.body.message]).toEqual([409, 'the vote is closed']);
  });
});
