import { randomUUID } from 'node:crypto';
import type { CueResult, ImportCeremonyResult, IssuedToken, SceneEvent, SnapshotEvent } from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

/**
 * The walking skeleton through every service, over a real nats-server and real Postgres:
 * import at the gateway → nominations stores it and emits through its outbox → announcements builds
 * its run of show from the event → a producer cue → a `scene` with seq 1 on a socket.io client,
 * and in the snapshot of a client that connects afterwards.
 */
describe('walking skeleton', () => {
  let system: TestSystem;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    system = await startSystem({ label: 'skeleton' });
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await system?.dispose();
  });

  it('imports the 2017 ceremony and cues the first scene to every screen', async () => {
    const imported = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() });
    expect(imported.status).toBe(201);
    expect(imported.body.slug).toBe('kvalitetsmassan-2017');
    expect(imported.body.categories.map((c) => c.slug)).toEqual([
      'gotapriset',
      'sveapriset',
      'sveriges-digitaliseringskommun',
      'sveriges-kvalitetskommun',
      'sveriges-modernaste-myndighet',
    ]);
    expect(imported.body.categories[3].nominees).toHaveLength(6);

    const producer = await system.http<IssuedToken>('POST', '/api/v1/ceremonies/kvalitetsmassan-2017/tokens', { token: system.adminToken, body: { role: 'producer' } });
    expect(producer.status).toBe(201);

    // Announcements learns the ceremony from the event; until then it answers 404.
    await eventually(async () => {
      const snapshot = await system.http<SceneEvent>('GET', '/api/v1/ceremonies/kvalitetsmassan-2017/results');
      expect(snapshot.status).toBe(200);
    });

    const early = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017' });
    clients.push(early);
    const first = early.of<SnapshotEvent>('snapshot')[0];
    expect(first.role).toBe('public');
    expect(first.ceremonyId).toBe(imported.body.id);
    expect(first.scene?.kind).toBe('blackout');
    expect(first.results).toEqual([]);

    const cue = await system.http<CueResult>('POST', '/api/v1/ceremonies/kvalitetsmassan-2017/show/cues', {
      token: producer.body.token,
      body: { action: 'next', idempotencyKey: randomUUID() },
    });
    expect(cue.status).toBe(200);
    expect(cue.body.seq).toBe(1);
    expect(cue.body.scene.kind).toBe('welcome');

    const scene = await early.waitFor<SceneEvent>('scene', (s) => s.seq === 1);
    expect(scene.kind).toBe('welcome');
    expect(scene.ceremonyId).toBe(imported.body.id);
    expect(scene.data.ceremony.name).toBe('Kvalitetsmässan 2017 – invigningsgala');

    const late = await connectLive(system.gatewayUrl, { ceremony: imported.body.id });
    clients.push(late);
    const snapshot = late.of<SnapshotEvent>('snapshot')[0];
    expect(snapshot.scene?.seq).toBe(1);
    expect(snapshot.scene?.kind).toBe('welcome');
  });
});
