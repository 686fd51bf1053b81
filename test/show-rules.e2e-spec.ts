import { randomUUID } from 'node:crypto';
import type { CueResult, ImportCeremonyResult, IssuedToken, RevealedEvent, SceneEvent, SnapshotEvent } from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { GalaJury } from './support/gala.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

describe('cue rules, rehearsal and role boundaries at the gateway', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  const base = '/api/v1/ceremonies/kvalitetsmassan-2017';
  const tokens: Record<string, IssuedToken> = {};
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    system = await startSystem({ label: 'show_rules' });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() });
    imported = res.body;
    for (const role of ['producer', 'press', 'screen']) {
      tokens[role] = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role } })).body;
    }
    await eventually(async () => expect((await system.http('GET', `${base}/show`, { token: tokens.producer.token })).status).toBe(200));
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await system?.dispose();
  });

  const cue = (token: string | undefined, body: Record<string, unknown>) =>
    system.http<CueResult & { message: string; details?: { path: string }[] }>('POST', `${base}/show/cues`, { token, body: { idempotencyKey: randomUUID(), ...body } });

  it('only the producer (or admin) may cue; others are refused with a clear error', async () => {
    expect((await cue(undefined, { action: 'next' })).status).toBe(401);
    for (const role of ['press', 'screen']) {
      const res = await cue(tokens[role].token, { action: 'next' });
      expect(res.status).toBe(403);
      expect(res.body.message).toBe(`a ${role} token may not make this call`);
    }
    const bad = await cue('not-a-real-token', { action: 'next' });
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('unknown token');
  });

  it('validates a cue: unknown action and missing idempotency key are 400 with the field', async () => {
    const unknown = await cue(tokens.producer.token, { action: 'explode' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details?.map((d) => d.path)).toContain('action');
    const noKey = await system.http<{ details: { path: string }[] }>('POST', `${base}/show/cues`, { token: tokens.producer.token, body: { action: 'next' } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.details.map((d) => d.path)).toContain('idempotencyKey');
  });

  it('walks the run of show: next cannot open an envelope, prev goes back in scenes only, blackout covers and resume restores', async () => {
    const p = tokens.producer.token;
    const gota = imported.categories[0];
    expect((await cue(p, { action: 'prev' })).status).toBe(409);
    expect((await cue(p, { action: 'next' })).body.scene.kind).toBe('welcome');
    for (const kind of ['category', 'nominees', 'envelope']) expect((await cue(p, { action: 'next' })).body.scene.kind).toBe(kind);
    const stuck = await cue(p, { action: 'next' });
    expect(stuck.status).toBe(409);
    expect(stuck.body.message).toMatch(/reveal/i);

    const blackout = await cue(p, { action: 'blackout' });
    expect(blackout.body.scene).toMatchObject({ kind: 'blackout', data: { covered: 'envelope' } });
    expect((await cue(p, { action: 'next' })).status).toBe(409);
    expect((await cue(p, { action: 'resume' })).body.scene.kind).toBe('envelope');
    expect((await cue(p, { action: 'resume' })).status).toBe(409);

    await new GalaJury(system, imported).deliberate('gotapriset');
    const revealed = await eventually(async () => {
      const res = await cue(p, { action: 'reveal', categoryId: 'gotapriset' });
      expect(res.status).toBe(200);
      return res.body;
    });
    expect(revealed.scene.kind).toBe('winner');
    // Back in scenes, never in results: the envelope again, and the result stays public.
    expect((await cue(p, { action: 'prev' })).body.scene).toMatchObject({ kind: 'envelope', categoryId: gota.id });
    const results = await system.http<RevealedEvent[]>('GET', `${base}/results`);
    expect(results.body.map((r) => r.categoryId)).toEqual([gota.id]);
    expect((await cue(p, { action: 'next' })).body.scene.kind).toBe('winner');
    const goto = await cue(p, { action: 'goto', scene: 'winner', categoryId: 'sveapriset' });
    expect(goto.status).toBe(409);
  });

  it('keeps the rehearsal apart: crew only, watermarked, never a real verdict, resettable', async () => {
    const publicClient = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017' });
    const press = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.press.token });
    const stage = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token, rehearsal: true });
    clients.push(publicClient, press, stage);
    await expect(connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', rehearsal: true })).rejects.toThrow(/crew only/);
    await expect(connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.press.token, rehearsal: true })).rejects.toThrow(/crew only/);

    const p = tokens.producer.token;
    const steps = ['next', 'next', 'next', 'next'];
    let last: CueResult | undefined;
    for (const action of steps) last = (await cue(p, { action, rehearsal: true })).body;
    expect(last?.scene).toMatchObject({ kind: 'envelope', rehearsal: true });
    const reveal = await cue(p, { action: 'reveal', categoryId: 'gotapriset', rehearsal: true });
    expect(reveal.status).toBe(200);
    const rehearsed = await stage.waitFor<RevealedEvent>('revealed', (r) => r.rehearsal);
    expect(rehearsed.motivation).toMatch(/^REPETITION/);
    expect(rehearsed.commitment).toBe('');

    const reset = await system.http<{ reset: true; seq: number }>('POST', `${base}/show/rehearsal/reset`, { token: p });
    expect(reset.status).toBe(200);
    expect(reset.body.seq).toBeGreaterThan(reveal.body.seq);
    const afterReset = await stage.waitFor<SceneEvent>('scene', (s) => s.seq === reset.body.seq);
    expect(afterReset).toMatchObject({ kind: 'blackout', rehearsal: true, data: { reset: true } });
    const fresh = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token, rehearsal: true });
    clients.push(fresh);
    expect(fresh.of<SnapshotEvent>('snapshot')[0]).toMatchObject({ results: [], scene: { seq: reset.body.seq } });

    // Neither the public nor the press ever saw a rehearsal frame.
    for (const client of [publicClient, press]) expect(client.frames.filter((f) => JSON.stringify(f.payload).includes('"rehearsal":true'))).toEqual([]);
  });

  it('refuses a revoked token on REST and at the socket handshake, with the reason', async () => {
    const extra = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'screen' } })).body;
    await eventually(async () => clients.push(await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: extra.token })));
    expect((await system.http('DELETE', `${base}/tokens/${extra.id}`, { token: system.adminToken })).status).toBe(200);
    await eventually(() => expect(connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: extra.token })).rejects.toThrow('this token has been revoked'));
    const other = { ...ceremony2017(), ceremony: { ...(ceremony2017().ceremony as object), slug: 'another-gala' } };
    expect((await system.http('POST', '/api/v1/ceremonies', { token: system.adminToken, body: other })).status).toBe(201);
    const foreign = await system.http<{ message: string }>('GET', '/api/v1/ceremonies/another-gala/show', { token: tokens.producer.token });
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toBe('this token belongs to another ceremony');
  });

  it('shows the producer which screens are live and how far behind', async () => {
    const producer = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.producer.token });
    const screen = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token });
    clients.push(producer, screen);
    const current = screen.of<SnapshotEvent>('snapshot')[0].scene!.seq;
    screen.socket.emit('presence', { lastSeq: current - 1, label: 'LED-vägg vänster' });
    const seen = await producer.waitFor<{ screens: { label: string; behind: number }[] }>('screens', (p) => p.screens.some((s) => s.label === 'LED-vägg vänster'));
    expect(seen.screens.find((s) => s.label === 'LED-vägg vänster')!.behind).toBe(1);
  });
});
