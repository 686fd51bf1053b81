import { randomUUID } from 'node:crypto';
import type { CeremonyView, CueResult, ImportCeremonyResult, IssuedToken, JurorView, ShortlistView, WritesState } from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { GalaJury } from './support/gala.js';
import { startSystem, type TestSystem } from './support/system.js';

/** The 2017 file under another slug, so one system can import it many times. */
function ceremonyAs(slug: string): Record<string, unknown> {
  const file = ceremony2017();
  return { ...file, ceremony: { ...(file.ceremony as object), slug } };
}

/**
 * Read-your-writes across services (issue 12): once a command is answered, every endpoint answers as if
 * its effect were complete, also those another service serves. Import → jurors (jury) and the show
 * (announcements) at once; shortlist publish → a ballot on the new nominees (jury) at once; seal → the
 * reveal (announcements) at once; token issue → the token works at once. A service that cannot confirm
 * in time makes the gateway answer 202 with a status link, never a success it cannot stand behind.
 */
describe('read-your-writes across services', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({ label: 'read_your_writes' });
  });

  afterAll(async () => {
    await system?.dispose();
  });

  it('after POST /ceremonies answers 201, its jurors, show and tokens answer at once (20 imports, no retries)', async () => {
    const statuses: Record<string, number[]> = { import: [], jurors: [], producerToken: [], show: [], view: [] };
    for (let i = 0; i < 20; i++) {
      const slug = `ryw-${i}-${randomUUID().slice(0, 6)}`;
      const imported = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremonyAs(slug) });
      statuses.import.push(imported.status);
      expect(imported.status).toBe(201);
      const base = `/api/v1/ceremonies/${slug}`;
      // No eventually(): the first answer must already be the complete one.
      const jurors = await system.http<JurorView[]>('GET', `${base}/jurors`, { token: system.adminToken });
      statuses.jurors.push(jurors.status);
      expect(jurors.status).toBe(200);
      expect(jurors.body.length).toBeGreaterThan(0);
      const producer = await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer' } });
      statuses.producerToken.push(producer.status);
      expect(producer.status).toBe(201);
      const show = await system.http('GET', `${base}/show`, { token: producer.body.token });
      statuses.show.push(show.status);
      expect(show.status).toBe(200);
      const view = await system.http<CeremonyView>('GET', base);
      statuses.view.push(view.status);
      expect(view.body.categories.map((c) => c.id)).toEqual(imported.body.categories.map((c) => c.id));
    }
    console.log(`[read-your-writes] ${JSON.stringify(Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, [...new Set(v)]])))}`);
  });

  it('after a shortlist is published, the jury takes ballots on its nominees at once', async () => {
    const slug = `ryw-shortlist-${randomUUID().slice(0, 6)}`;
    const file = { ceremony: { slug, name: 'Shortlist gala (test)', locale: 'sv-SE' }, categories: [{ slug: 'priset', name: 'Priset', nomineesCount: 3, nomineeBounds: { min: 3, max: 6 } }] };
    expect((await system.http('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file })).status).toBe(201);
    const category = `/api/v1/ceremonies/${slug}/categories/priset`;
    const entryIds: string[] = [];
    for (const organisation of ['Alingsås kommun', 'Borås Stad', 'Lerums kommun']) {
      const entry = await system.http<{ id: string }>('POST', `${category}/entries`, { token: system.adminToken, body: { organisation, kind: 'kommun', title: `Bidrag från ${organisation}` } });
      expect(entry.status).toBe(201);
      entryIds.push(entry.body.id);
    }
    const juror = await system.http<{ id: string }>('POST', `${category}/jurors`, { token: system.adminToken, body: { name: 'Test Juror', chair: true } });
    expect(juror.status).toBe(201);
    const token = await system.http<IssuedToken>('POST', `/api/v1/ceremonies/${slug}/tokens`, { token: system.adminToken, body: { role: 'juror', jurorId: juror.body.id } });
    expect(token.status).toBe(201);
    expect((await system.http('PUT', `${category}/shortlist`, { token: system.adminToken, body: { entryIds } })).status).toBe(200);

    const published = await system.http<ShortlistView>('POST', `${category}/shortlist/publish`, { token: system.adminToken });
    expect(published.status).toBe(200);
    const scores = Object.fromEntries(published.body.nominees.map((n, k) => [n.id, { overall: 5 + k }]));
    const ballot = await system.http('PUT', `${category}/ballot`, { token: token.body.token, body: { scores } });
    expect({ status: ballot.status, body: ballot.body }).toMatchObject({ status: 200 });
  });

  it('after a verdict is sealed, its reveal is taken at once', async () => {
    const slug = `ryw-seal-${randomUUID().slice(0, 6)}`;
    const imported = (await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremonyAs(slug) })).body;
    const base = `/api/v1/ceremonies/${slug}`;
    const producer = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer' } })).body.token;
    const cue = (body: Record<string, unknown>) => system.http<CueResult>('POST', `${base}/show/cues`, { token: producer, body: { idempotencyKey: randomUUID(), ...body } });
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    // To the envelope first (the run of show starts with GötaPriset), then seal and reveal right after.
    for (;;) {
      const next = await cue({ action: 'next' });
      expect(next.status).toBe(200);
      if (next.body.scene.kind === 'envelope' && next.body.scene.categoryId === gota.id) break;
    }
    await new GalaJury(system, imported).deliberate('gotapriset'); // its last call is the seal (200)
    const reveal = await cue({ action: 'reveal', categoryId: gota.id });
    expect({ status: reveal.status, body: reveal.body }).toMatchObject({ status: 200, body: { scene: { kind: 'winner', categoryId: gota.id } } });
  });

  it('answers 202 with a status link when a service cannot confirm in time, and the link says when it is done', async () => {
    await system.stop('jury');
    const slug = `ryw-late-${randomUUID().slice(0, 6)}`;
    try {
      const imported = await system.http<ImportCeremonyResult & { writes: WritesState }>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremonyAs(slug) });
      expect(imported.status).toBe(202);
      expect(imported.body.slug).toBe(slug);
      expect(imported.body.writes).toMatchObject({ status: 'pending', pending: ['jury'], failed: [] });
      expect(imported.headers.get('location')).toBe(imported.body.writes.href);
      const pending = await system.http<WritesState>('GET', imported.body.writes.href, { token: system.adminToken });
      expect(pending.status).toBe(200);
      expect(pending.body).toMatchObject({ status: 'pending', pending: ['jury'] });
      expect((await system.http('GET', imported.body.writes.href)).status).toBe(401);
      expect((await system.http('GET', `/api/v1/ceremonies/${slug}/writes/not-a-token`, { token: system.adminToken })).status).toBe(400);

      await system.start('jury');
      await eventually(async () => expect((await system.http<WritesState>('GET', imported.body.writes.href, { token: system.adminToken })).body.status).toBe('complete'), { timeoutMs: 30000, intervalMs: 200 });
      expect((await system.http('GET', `/api/v1/ceremonies/${slug}/jurors`, { token: system.adminToken })).status).toBe(200);
    } finally {
      if (!system.apps.jury) await system.start('jury');
    }
    const doc = await system.http<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>('GET', '/api/docs/openapi.json');
    expect(Object.keys(doc.body.paths['/api/v1/ceremonies/{c}/writes/{token}'])).toEqual(['get']);
    expect(Object.keys(doc.body.paths['/api/v1/ceremonies'].post.responses).sort()).toEqual(['201', '202']);
  });
});
