import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import type { ImportCeremonyResult } from '#contracts';
import { migrate, schemaDrift } from '#persistence';
import { announcementsDataSource, SCHEMA as ANNOUNCEMENTS } from '../apps/announcements/src/data-source.js';
import { juryDataSource, SCHEMA as JURY } from '../apps/jury/src/data-source.js';
import { nominationsDataSource, SCHEMA as NOMINATIONS } from '../apps/nominations/src/data-source.js';
import { voteDataSource, SCHEMA as VOTE } from '../apps/vote/src/data-source.js';
import { OutboxMessage } from '#messaging';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { startSystem, type TestSystem } from './support/system.js';

const healthUrl = (system: TestSystem, name: 'nominations' | 'announcements') => {
  const address = system.apps[name]!.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
};

describe('foundation: persistence, health, errors across NATS', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({ label: 'foundation', publicRateLimitPerMinute: 20 });
  });

  afterAll(async () => {
    await system?.dispose();
  });

  it.each([
    [NOMINATIONS, nominationsDataSource],
    [ANNOUNCEMENTS, announcementsDataSource],
    [JURY, juryDataSource],
    [VOTE, voteDataSource],
  ])('schema %s: migrations and entities agree (no drift)', async (schema, options) => {
    const dataSource = await new DataSource(options(system.db.url)).initialize();
    try {
      await migrate(dataSource, schema);
      expect(await schemaDrift(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('each service reports liveness and readiness (NATS and database)', async () => {
    for (const name of ['nominations', 'announcements'] as const) {
      const ready = await fetch(`${healthUrl(system, name)}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { status: string; info: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      expect(body.info.nats.status).toBe('up');
      expect(body.info.database.status).toBe('up');
      expect((await fetch(`${healthUrl(system, name)}/health/live`)).status).toBe(200);
      const metrics = await (await fetch(`${healthUrl(system, name)}/metrics`)).text();
      expect(metrics).toContain('process_cpu_seconds_total');
    }
    const gateway = await fetch(`${system.gatewayUrl}/health/ready`);
    expect(gateway.status).toBe(200);
  });

  it('rate-limits public calls with a clear 429, never the crew', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await system.http('GET', '/api/v1/ceremonies/nope-gala/results')).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await system.http<{ statusCode: number; message: string }>('GET', '/api/v1/ceremonies/nope-gala/results');
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/too many requests/) });
    for (let i = 0; i < 25; i++) expect((await system.http('GET', '/api/v1/ceremonies/nope-gala/results', { token: system.adminToken })).status).not.toBe(429);
  });

  it('a service that is down gives 503 with its name, at once', async () => {
    await system.stop('nominations');
    try {
      const res = await system.http<{ statusCode: number; message: string }>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('nominations service is unavailable'), details: { service: 'nominations' } });
    } finally {
      await system.start('nominations');
    }
  });

  it('the correlation id of a request travels with the event it causes', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const file = ceremony2017();
    (file.ceremony as { slug: string }).slug = 'correlated-gala';
    const response = await fetch(`${system.gatewayUrl}/api/v1/ceremonies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken}`, 'content-type': 'application/json', 'x-correlation-id': correlationId },
      body: JSON.stringify(file),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);
    const { id } = (await response.json()) as ImportCeremonyResult;
    const dataSource = await new DataSource(nominationsDataSource(system.db.url)).initialize();
    try {
      const row = await dataSource.getRepository(OutboxMessage).findOneByOrFail({ ceremonyId: id, kind: 'event' });
      expect(JSON.parse(row.payload)).toMatchObject({ correlationId, type: 'nominations.ceremony.imported', version: 1, ceremonyId: id });
      await eventually(async () => expect((await dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: row.id })).publishedAt).not.toBeNull());
    } finally {
      await dataSource.destroy();
    }
  });

  it('malformed NATS payloads and unknown subjects are rejected without crashing a service', async () => {
    const nc = await connect({ servers: system.nats.url });
    try {
      const garbage = await nc.request('nominations.ceremony.get', 'this is not json', { timeout: 3000 }).then(
        (m) => m.string(),
        (e: Error) => e.message,
      );
      expect(garbage).toBeTruthy();
      const invalid = await nc.request('nominations.ceremony.get', JSON.stringify({ pattern: 'nominations.ceremony.get', id: '1', data: { ceremony: 42, extra: true } }), { timeout: 3000 });
      const reply = invalid.json<{ err: { statusCode: number; details: { path: string }[] } }>();
      expect(reply.err.statusCode).toBe(400);
      expect([...new Set(reply.err.details.map((d) => d.path))].sort()).toEqual(['ceremony', 'extra']);
      const unknown = await nc.request('nominations.nope', JSON.stringify({ pattern: 'nominations.nope', id: '2', data: {} }), { timeout: 1000 }).then(
        () => 'answered',
        (e: Error) => e.message,
      );
      expect(unknown).toMatch(/no responders|timeout|503/i);
    } finally {
      await nc.close();
    }
    const ready = await fetch(`${healthUrl(system, 'nominations')}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
