import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { bearerCredential, CREDENTIAL_HEADER, KV_BUCKETS, type AccessGrant, type LaurelErrorBody } from '#contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../apps/gateway/src/config.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { connectLive } from '../support/live-client.js';
import { startSystem, TEST_ADMIN_TOKEN, type TestSystem } from '../support/system.js';
import { sql } from './support.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The admin token belongs to nominations: it writes the admin grant the gateway and every service
 * resolve; a new LAUREL_ADMIN_TOKEN revokes the old one everywhere; unset, a generated one is kept in a
 * 0600 file; and the grant comes back after the JetStream store is lost.
 */
describe('security: the admin token is owned by nominations', () => {
  let system: TestSystem;
  let nc: NatsConnection;
  let dir: string;
  const kv = async () => new Kvm(jetstream(nc)).open(KV_BUCKETS.access);

  /** A raw request to a service over NATS with a bearer token in the credential header. */
  async function raw(subject: string, data: Record<string, unknown>, token: string): Promise<{ response?: unknown; err?: LaurelErrorBody }> {
    const h = headers();
    h.set(CREDENTIAL_HEADER, bearerCredential(token));
    return (await nc.request(subject, JSON.stringify({ pattern: subject, data, id: 'x' }), { timeout: 5000, headers: h })).json();
  }

  beforeAll(async () => {
    system = await startSystem({ label: 'security_admin_token' });
    nc = await connect({ servers: system.nats.url, name: 'admin-token-test' });
    dir = mkdtempSync(join(tmpdir(), 'laurel-admin-token-e2e-'));
  });

  afterAll(async () => {
    await nc?.close();
    await system?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the gateway holds no admin token: it resolves the grant nominations wrote, like any token', async () => {
    const grant = (await (await kv()).get(sha256(TEST_ADMIN_TOKEN)))!.json<AccessGrant>();
    expect(grant).toMatchObject({ role: 'admin', ceremonyId: null, jurorId: null, expiresAt: null, revoked: false });
    const [row] = await sql<{ id: string; role: string; ceremony_id: string | null }>(system.db.url, `SELECT id, role, ceremony_id FROM nominations.access_tokens WHERE token_hash = $1`, [sha256(TEST_ADMIN_TOKEN)]);
    expect(row).toEqual({ id: grant.tokenId, role: 'admin', ceremony_id: null });
    expect((await system.http('POST', '/api/v1/ceremonies', { token: TEST_ADMIN_TOKEN, body: ceremony2017() })).status).toBe(201);
    // The gateway's own configuration has no trace of it.
    const config = system.apps.gateway!.get<symbol, GatewayConfig>(GATEWAY_CONFIG);
    expect(config.serviceToken).toBeDefined();
    expect(JSON.stringify(config)).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('a new LAUREL_ADMIN_TOKEN revokes the old one everywhere: REST, NATS, an open admin socket', async () => {
    const socket = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: TEST_ADMIN_TOKEN });
    const rotated = 'rotated-admin-token-0123456789abcdef';
    await system.stop('nominations');
    await system.start('nominations', { LAUREL_ADMIN_TOKEN: rotated });
    await eventually(async () => {
      const res = await system.http<LaurelErrorBody>('GET', '/api/v1/ceremonies/kvalitetsmassan-2017/jurors', { token: TEST_ADMIN_TOKEN });
      expect([res.status, res.body.message]).toEqual([401, 'this token has been revoked']);
    });
    expect((await raw('jury.juror.list', { ceremony: 'kvalitetsmassan-2017' }, TEST_ADMIN_TOKEN)).err?.statusCode).toBe(401);
    await eventually(() => expect(socket.socket.connected).toBe(false));
    expect(socket.frames.find((f) => f.event === 'session-ended')?.payload).toEqual({ reason: 'this token has been revoked' });
    socket.close();
    // (the jury learns the ceremony from nominations' events: eventually)
    await eventually(async () => expect((await system.http('GET', '/api/v1/ceremonies/kvalitetsmassan-2017/jurors', { token: rotated })).status).toBe(200));
    const listed = await raw('jury.juror.list', { ceremony: 'kvalitetsmassan-2017' }, rotated);
    expect(listed.err).toBeUndefined();
    expect((listed.response as unknown[]).length).toBeGreaterThan(0);
    const admins = await sql<{ token_hash: string; revoked: boolean }>(system.db.url, `SELECT token_hash, revoked_at IS NOT NULL AS revoked FROM nominations.access_tokens WHERE role = 'admin' ORDER BY created_at`);
    expect(admins).toEqual([
      { token_hash: sha256(TEST_ADMIN_TOKEN), revoked: true },
      { token_hash: sha256(rotated), revoked: false },
    ]);
  });

  it('unset: nominations generates one into a 0600 file, and that token is the admin', async () => {
    const file = join(dir, 'admin-token');
    await system.stop('nominations');
    await system.start('nominations', { LAUREL_ADMIN_TOKEN: undefined, LAUREL_ADMIN_TOKEN_FILE: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const generated = readFileSync(file, 'utf8').trim();
    expect(generated).toMatch(/^lrl_admin_/);
    await eventually(async () => expect((await system.http('GET', '/api/v1/ceremonies/kvalitetsmassan-2017/jurors', { token: generated })).status).toBe(200));
    await eventually(async () => expect((await system.http('GET', '/api/v1/ceremonies/kvalitetsmassan-2017/jurors', { token: 'rotated-admin-token-0123456789abcdef' })).status).toBe(401));
  });

  it('after the JetStream store is lost, the admin grant is put back from Postgres with the other grants', async () => {
    const file = join(dir, 'admin-token');
    const admin = readFileSync(file, 'utf8').trim();
    const issued = await system.http<{ token: string }>('POST', '/api/v1/ceremonies/kvalitetsmassan-2017/tokens', { token: admin, body: { role: 'press' } });
    expect(issued.status).toBe(201);
    await eventually(async () => expect(await (await kv()).get(sha256(issued.body.token))).not.toBeNull());
    await system.nats.stop();
    system.nats.wipeStore();
    await system.nats.start();
    await eventually(
      async () => {
        const bucket = await kv();
        expect((await bucket.get(sha256(admin)))?.json<AccessGrant>()).toMatchObject({ role: 'admin', revoked: false });
        expect((await bucket.get(sha256(issued.body.token)))?.json<AccessGrant>()).toMatchObject({ role: 'press', revoked: false });
        expect((await bucket.get(sha256(TEST_ADMIN_TOKEN)))?.json<AccessGrant>()).toMatchObject({ role: 'admin', revoked: true });
      },
      { timeoutMs: 30000, intervalMs: 200 },
    );
    // A freshly started gateway (empty cache) knows the admin from the rebuilt bucket.
    await system.stop('gateway');
    await system.start('gateway');
    await eventually(async () => expect((await system.http('GET', '/api/v1/ceremonies/kvalitetsmassan-2017/jurors', { token: admin })).status).toBe(200), { timeoutMs: 20000 });
  });
});
