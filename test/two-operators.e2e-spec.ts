import { randomUUID } from 'node:crypto';
import type { CueResult, ImportCeremonyResult, IssuedToken, SceneEvent, SnapshotEvent, StaleCueDetails } from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

type CueAnswer = CueResult & { statusCode?: number; message?: string; details?: StaleCueDetails };

/**
 * Two operators (a control room and a Stream Deck) who press at the same instant: with `expectedSeq`
 * exactly one cue applies and the other is refused with the scene on stage, so no scene is skipped.
 * Real NATS, Postgres and services.
 */
describe('two operators: cues with expectedSeq', () => {
  let system: TestSystem;
  const base = '/api/v1/ceremonies/kvalitetsmassan-2017';
  const desk: Record<'room' | 'deck', IssuedToken> = {} as never;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    system = await startSystem({ label: 'two_operators' });
    await (system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() }));
    desk.room = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer', label: 'Kontrollrum' } })).body;
    desk.deck = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer', label: 'Stream Deck' } })).body;
    await eventually(async () => expect((await system.http('GET', `${base}/show`, { token: desk.room.token })).status).toBe(200));
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await system?.dispose();
  });

  const cue = (token: string, body: Record<string, unknown>) =>
    system.http<CueAnswer>('POST', `${base}/show/cues`, { token, body: { idempotencyKey: randomUUID(), ...body } });

  it('20 rounds of two simultaneous next presses with the same expectedSeq: one applies, one is refused with the current scene, no scene skipped', async () => {
    const producer = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: desk.room.token, rehearsal: true });
    clients.push(producer);
    let seq = producer.of<SnapshotEvent>('snapshot')[0].scene?.seq ?? 0;
    const applied: SceneEvent[] = [];
    const winners = { room: 0, deck: 0 };
    for (let round = 0; round < 20; round++) {
      const [room, deck] = await Promise.all([
        cue(desk.room.token, { action: 'next', expectedSeq: seq, rehearsal: true }),
        cue(desk.deck.token, { action: 'next', expectedSeq: seq, rehearsal: true }),
      ]);
      expect([room.status, deck.status].sort()).toEqual([200, 409]);
      const [won, lost] = room.status === 200 ? [room, deck] : [deck, room];
      winners[room.status === 200 ? 'room' : 'deck']++;
      expect(won.body.seq).toBe(seq + 1);
      expect(won.body.scene.cuedBy).toEqual({ label: room.status === 200 ? 'Kontrollrum' : 'Stream Deck', role: 'producer' });
      expect(lost.body.message).toMatch(/stale cue/);
      expect(lost.body.details).toMatchObject({ expectedSeq: seq, seq: seq + 1 });
      expect(lost.body.details!.scene).toEqual(won.body.scene);
      applied.push(won.body.scene);
      seq = won.body.seq;
      // An envelope opens only with a reveal (every category counts as sealed in the rehearsal).
      if (won.body.scene.kind === 'envelope') {
        const reveal = await cue(desk.room.token, { action: 'reveal', categoryId: won.body.scene.categoryId, expectedSeq: seq, rehearsal: true });
        expect(reveal.status).toBe(200);
        applied.push(reveal.body.scene);
        seq = reveal.body.seq;
      }
    }

    // No scene skipped: welcome, then category → nominees → envelope → (reveal) winner → motivation per category, each category once.
    const kinds = applied.map((s) => s.kind);
    expect(kinds[0]).toBe('welcome');
    const cycle = ['category', 'nominees', 'envelope', 'winner', 'motivation'];
    kinds.slice(1).forEach((kind, i) => expect(kind).toBe(cycle[i % cycle.length]));
    const categoriesShown = applied.filter((s) => s.kind === 'category').map((s) => s.categoryId);
    expect(new Set(categoriesShown).size).toBe(categoriesShown.length);
    applied.slice(1).forEach((scene, i) => {
      if (scene.kind !== 'category') expect(scene.categoryId).toBe(applied[i].categoryId);
    });
    expect(applied.map((s) => s.seq)).toEqual(applied.map((_, i) => applied[0].seq + i));
    // The producer's socket got every scene, in order, with who cued it.
    await producer.waitFor<SceneEvent>('scene', (s) => s.seq === seq);
    const pushed = producer.of<SceneEvent>('scene').filter((s) => s.seq >= applied[0].seq);
    expect(pushed.map((s) => s.seq)).toEqual(applied.map((s) => s.seq));
    expect(pushed.map((s) => s.cuedBy?.label)).toEqual(applied.map((s) => s.cuedBy?.label));
    // Both operators won some rounds: the requests really raced (reported, not a pass condition).
    console.log(`two operators, 20 rounds: control room applied ${winners.room}, stream deck ${winners.deck}`);
  });

  it('without expectedSeq a cue applies as in v1; a stale one is refused with 409 and the scene on stage; a retried key gets its first answer after the seq moved', async () => {
    const producer = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: desk.deck.token });
    const screen = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'screen' } })).body;
    const stage = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: screen.token });
    const audience = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017' });
    clients.push(producer, stage, audience);
    const before = producer.of<SnapshotEvent>('snapshot')[0].scene!;

    const key = randomUUID();
    const first = await system.http<CueAnswer>('POST', `${base}/show/cues`, { token: desk.room.token, body: { action: 'next', idempotencyKey: key, expectedSeq: before.seq } });
    expect(first.status).toBe(200);
    expect(first.body.scene).toMatchObject({ kind: 'welcome', seq: before.seq + 1, cuedBy: { label: 'Kontrollrum', role: 'producer' } });
    const plain = await cue(desk.deck.token, { action: 'next' });
    expect(plain.status).toBe(200);
    expect(plain.body.scene).toMatchObject({ kind: 'category', seq: before.seq + 2, cuedBy: { label: 'Stream Deck' } });

    // The same key again: its first answer, though the show is at another seq now.
    const retried = await system.http<CueAnswer>('POST', `${base}/show/cues`, { token: desk.room.token, body: { action: 'next', idempotencyKey: key, expectedSeq: before.seq } });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(first.body);

    const stale = await cue(desk.room.token, { action: 'next', expectedSeq: before.seq + 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ statusCode: 409, error: 'Conflict', details: { expectedSeq: before.seq + 1, seq: before.seq + 2, scene: plain.body.scene } });
    const bad = await cue(desk.room.token, { action: 'next', expectedSeq: 'latest' });
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { details: { path: string }[] }).details.map((d) => d.path)).toContain('expectedSeq');
    const admin = await cue(system.adminToken, { action: 'next', expectedSeq: before.seq + 2 });
    expect(admin.status).toBe(200);
    expect(admin.body.scene.cuedBy).toEqual({ label: 'admin', role: 'admin' });

    // Who cued is for the crew: the producer's socket has it, the stage and the public get the scene without it.
    const pushed = await producer.waitFor<SceneEvent>('scene', (s) => s.seq === admin.body.seq);
    expect(pushed.cuedBy).toEqual({ label: 'admin', role: 'admin' });
    for (const client of [stage, audience]) {
      await client.waitFor<SceneEvent>('scene', (s) => s.seq === admin.body.seq);
      expect(client.frames.filter((f) => JSON.stringify(f.payload).includes('cuedBy'))).toEqual([]);
    }
    const late = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: screen.token });
    const lateProducer = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: desk.room.token });
    clients.push(late, lateProducer);
    expect(late.of<SnapshotEvent>('snapshot')[0].scene).not.toHaveProperty('cuedBy');
    expect(lateProducer.of<SnapshotEvent>('snapshot')[0].scene?.cuedBy).toEqual({ label: 'admin', role: 'admin' });
  });
});
