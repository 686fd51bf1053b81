import { randomUUID } from 'node:crypto';
import { readClock, type CueResult, type ImportCeremonyResult, type IssuedToken, type PresenterMessageEvent, type SceneEvent, type SnapshotEvent } from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

type Problems = { statusCode: number; details?: { path: string; message: string }[] };

/** Planned durations from the ceremony file, the clock on every scene for the crew and screens, and producer messages to the presenter. */
describe('the show clock and presenter messages', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  const base = '/api/v1/ceremonies/kvalitetsmassan-2017';
  const tokens: Record<string, IssuedToken> = {};
  const clients: LiveClient[] = [];

  const timed = () => {
    const file = ceremony2017() as { categories: Record<string, unknown>[]; timing?: unknown };
    file.timing = { welcome: 300, closing: 120, interlude: 60, categories: { scenes: { category: 40, nominees: 120, envelope: 20, winner: 30, motivation: 90 } } };
    file.categories[0].timing = { segment: 420, scenes: { nominees: 150 } };
    return file;
  };

  beforeAll(async () => {
    system = await startSystem({ label: 'show_clock' });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: timed() });
    expect(res.status).toBe(201);
    imported = res.body;
    for (const role of ['producer', 'press', 'screen']) tokens[role] = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role, label: `${role} desk` } })).body;
    await eventually(async () => expect((await system.http('GET', `${base}/show`, { token: tokens.producer.token })).status).toBe(200));
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await system?.dispose();
  });

  const cue = (body: Record<string, unknown>) => system.http<CueResult>('POST', `${base}/show/cues`, { token: tokens.producer.token, body: { idempotencyKey: randomUUID(), ...body } });

  it('refuses a bad plan at import with the JSON path: not whole seconds, unknown fields, scenes longer than their segment', async () => {
    const file = timed() as { slug?: string; ceremony: { slug: string }; categories: Record<string, unknown>[]; timing: Record<string, unknown> };
    file.ceremony.slug = 'bad-timing';
    file.timing.welcome = 12.5;
    file.timing.overture = 60;
    file.categories[1].timing = { segment: 100, scenes: { nominees: 90, motivation: 30 } };
    const res = await system.http<Problems>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { path: '/timing/welcome', message: 'must be integer' },
        { path: '/timing/overture', message: 'is not a known field' },
      ]),
    );
    file.timing.welcome = 300;
    delete file.timing.overture;
    const sums = await system.http<Problems>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file });
    expect(sums.status).toBe(400);
    expect(sums.body.details).toEqual([{ path: '/categories/1/timing', message: "the scenes of sveapriset are planned at 210 s in all (with the file's defaults), more than its segment's 100 s" }]);
  });

  it('puts the clock on every scene for the crew and screens, never for press or public; its numbers follow the scene changes', async () => {
    const producer = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.producer.token });
    const screen = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token });
    const press = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.press.token });
    const audience = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017' });
    clients.push(producer, screen, press, audience);

    // Before the show: the plan, nothing started.
    const before = producer.of<SnapshotEvent>('snapshot')[0].scene!.clock!;
    const first = imported.categories[0].id;
    expect(before).toMatchObject({ startedAt: null, segmentId: null, plannedSeconds: 300 + 420 + 300 * 4 + 120 });
    expect(before.segments.map((s) => [s.id, s.plannedSeconds])).toEqual([
      ['welcome', 300],
      ...imported.categories.map((c, i) => [c.id, i === 0 ? 420 : 300]),
      ['closing', 120],
      ['interlude', null],
    ]);

    const welcome = (await cue({ action: 'next' })).body.scene;
    expect(welcome.clock).toMatchObject({ startedAt: welcome.at, sceneStartedAt: welcome.at, scenePlannedSeconds: 300, segmentId: 'welcome' });
    const intro = (await cue({ action: 'next' })).body.scene;
    const nominees = (await cue({ action: 'next' })).body.scene;
    expect(intro.clock).toMatchObject({ segmentId: first, scenePlannedSeconds: 40 });
    expect(nominees.clock).toMatchObject({ segmentId: first, scenePlannedSeconds: 150 });
    const welcomeRan = (Date.parse(intro.at) - Date.parse(welcome.at)) / 1000;
    expect(nominees.clock!.segments.find((s) => s.id === 'welcome')).toMatchObject({ actualSeconds: welcomeRan, since: null, visited: true });
    expect(nominees.clock!.segments.find((s) => s.id === first)).toMatchObject({ since: intro.at, visited: true });
    // Read at the scene's own instant: the welcome ran (far) under its 300 s; the end is the plan still ahead.
    const reading = readClock(nominees.clock!, Date.parse(nominees.at));
    expect(reading.overUnderSeconds).toBeCloseTo(welcomeRan - 300, 3);
    expect(reading.sceneRemainingSeconds).toBe(150);
    const inSegment = (Date.parse(nominees.at) - Date.parse(intro.at)) / 1000;
    expect(reading.segmentRemainingSeconds).toBeCloseTo(420 - inSegment, 3);
    expect(Date.parse(reading.estimatedEnd!)).toBe(Date.parse(nominees.at) + Math.round((420 - inSegment) * 1000) + (300 * 4 + 120) * 1000);
    expect(reading.plannedEnd).toBe(new Date(Date.parse(welcome.at) + before.plannedSeconds! * 1000).toISOString());

    // A blackout keeps the segment running; an interlude is its own (planned 60 s per visit).
    const dark = (await cue({ action: 'blackout' })).body.scene;
    expect(dark.clock).toMatchObject({ segmentId: first, scenePlannedSeconds: null });
    await cue({ action: 'resume' });
    const interlude = (await cue({ action: 'goto', scene: 'interlude' })).body.scene;
    expect(interlude.clock).toMatchObject({ segmentId: 'interlude', scenePlannedSeconds: 60 });
    expect(interlude.clock!.segments.find((s) => s.id === 'interlude')).toMatchObject({ plannedSeconds: 60, since: interlude.at });

    await producer.waitFor<SceneEvent>('scene', (s) => s.seq === interlude.seq);
    await screen.waitFor<SceneEvent>('scene', (s) => s.seq === interlude.seq);
    expect(screen.of<SceneEvent>('scene').every((s) => s.clock !== undefined && s.cuedBy === undefined)).toBe(true);
    expect(producer.of<SceneEvent>('scene').every((s) => s.clock !== undefined && s.cuedBy?.label === 'producer desk')).toBe(true);
    for (const client of [press, audience]) {
      await client.waitFor<SceneEvent>('scene', (s) => s.seq === interlude.seq);
      expect(client.frames.filter((f) => /"clock"|"cuedBy"/.test(JSON.stringify(f.payload)))).toEqual([]);
    }
    // Kept across reloads: a new producer socket gets the same clock in its snapshot.
    const reloaded = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.producer.token });
    clients.push(reloaded);
    expect(reloaded.of<SnapshotEvent>('snapshot')[0].scene?.clock).toEqual(interlude.clock);

    // A rehearsal reset starts the rehearsal's clock afresh (the live clock is untouched).
    const rehearsed = (await cue({ action: 'next', rehearsal: true })).body.scene;
    expect(rehearsed.clock).toMatchObject({ segmentId: 'welcome', startedAt: rehearsed.at });
    const reset = await system.http<{ seq: number }>('POST', `${base}/show/rehearsal/reset`, { token: tokens.producer.token });
    const afterReset = await system.http<{ scene: SceneEvent }>('GET', `${base}/show?rehearsal=1`, { token: tokens.producer.token });
    expect(afterReset.body.scene).toMatchObject({ seq: reset.body.seq, clock: { startedAt: null, segmentId: null } });
    expect((await system.http<{ scene: SceneEvent }>('GET', `${base}/show`, { token: tokens.producer.token })).body.scene.clock).toEqual(interlude.clock);
  });

  it('sends a producer message to the presenter monitor (screens and crew only), keeps it for reconnecting screens, and clears it', async () => {
    const screen = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token });
    const producer = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.producer.token });
    const press = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.press.token });
    const audience = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017' });
    // Socket protocol v2 pages (the presenter monitor on the ShowTimeline) get the same.
    const screenV2 = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token, v: 2 });
    const pressV2 = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.press.token, v: 2 });
    clients.push(screen, producer, press, audience, screenV2, pressV2);

    const bad = await system.http<Problems>('POST', `${base}/show/presenter-message`, { token: tokens.producer.token, body: { text: 'x'.repeat(141) } });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.map((d) => d.path)).toContain('text');
    expect((await system.http('POST', `${base}/show/presenter-message`, { token: tokens.screen.token, body: { text: '30 s' } })).status).toBe(403);

    const sent = await system.http<PresenterMessageEvent>('POST', `${base}/show/presenter-message`, { token: tokens.producer.token, body: { text: '30 s', tone: 'urgent' } });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ text: '30 s', tone: 'urgent', by: { label: 'producer desk', role: 'producer' }, rehearsal: false });
    for (const client of [screen, producer, screenV2]) expect(await client.waitFor<PresenterMessageEvent>('presenter-message', (m) => m.id === sent.body.id)).toEqual(sent.body);

    const later = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token });
    clients.push(later);
    expect(later.of<SnapshotEvent>('snapshot')[0].presenterMessage).toEqual(sent.body);
    const laterV2 = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token, v: 2 });
    clients.push(laterV2);
    expect(laterV2.of<SnapshotEvent>('snapshot')[0].presenterMessage).toEqual(sent.body);

    const cleared = await system.http<PresenterMessageEvent>('POST', `${base}/show/presenter-message`, { token: tokens.producer.token, body: { text: '' } });
    expect(cleared.body).toMatchObject({ text: '', tone: 'info' });
    await screen.waitFor<PresenterMessageEvent>('presenter-message', (m) => m.id === cleared.body.id);
    const afterClear = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens.screen.token });
    clients.push(afterClear);
    expect(afterClear.of<SnapshotEvent>('snapshot')[0]).not.toHaveProperty('presenterMessage');

    // An ordered barrier: a scene after both messages reached press and public, and no message before it.
    const barrier = (await cue({ action: 'next' })).body;
    expect((await screenV2.waitFor<SceneEvent>('scene', (s) => s.seq === barrier.seq)).clock).toBeDefined();
    for (const client of [press, audience, pressV2]) {
      await client.waitFor<SceneEvent>('scene', (s) => s.seq === barrier.seq);
      expect(client.of('presenter-message')).toEqual([]);
      expect(client.frames.filter((f) => /"clock"|"cuedBy"/.test(JSON.stringify(f.payload)))).toEqual([]);
      expect(client.of<SnapshotEvent>('snapshot').every((s) => s.presenterMessage === undefined)).toBe(true);
    }
  });
});
