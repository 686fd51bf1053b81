import { createHash, randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { KV_BUCKETS, type AccessGrant, type BallotView, type IssuedToken } from '#contracts';
import { eventually } from '../support/eventually.js';
import { connectLive } from '../support/live-client.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { setUpCast, sql, type Cast } from './support.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('security: tokens are hashed, revocable, expiring, and a juror token is bound to one juror and ceremony', () => {
  let system: TestSystem;
  let cast: Cast;
  let nc: NatsConnection;
  const base = () => `/api/v1/ceremonies/${cast.imported.slug}`;

  beforeAll(async () => {
    system = await startSystem({ label: 'security_tokens' });
    cast = await setUpCast(system);
    nc = await connect({ servers: system.nats.url, name: 'security-tokens-test' });
  });

  afterAll(async () => {
    await nc?.close();
    await system?.dispose();
  });

  it('no plaintext token anywhere in the database (every column of every table), only its sha256', async () => {
    const plaintexts = Object.values(cast.issued).map((t) => t.token);
    const tables = await sql<{ schemaname: string; tablename: string }>(system.db.url, `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema')`);
    let rows = 0;
    for (const { schemaname, tablename } of tables) {
      const dump = await sql<{ row: string }>(system.db.url, `SELECT t::text AS row FROM "${schemaname}"."${tablename}" t`);
      rows += dump.length;
      for (const { row } of dump) for (const token of plaintexts) expect({ table: `${schemaname}.${tablename}`, leaks: row.includes(token) }).toEqual({ table: `${schemaname}.${tablename}`, leaks: false });
    }
    expect(rows).toBeGreaterThan(100);
    const stored = await sql<{ id: string; token_hash: string }>(system.db.url, 'SELECT id, token_hash FROM nominations.access_tokens');
    for (const issued of Object.values(cast.issued)) expect(stored.find((r) => r.id === issued.id)?.token_hash).toBe(sha256(issued.token));
    // The KV mirror the gateways watch is keyed by the hash and carries no token either.
    const kv = await new Kvm(jetstream(nc)).open(KV_BUCKETS.access);
    for (const issued of Object.values(cast.issued)) {
      const entry = await kv.get(sha256(issued.token));
      expect(entry?.json<AccessGrant>().tokenId).toBe(issued.id);
      expect(entry?.string()).not.toContain(issued.token);
      expect(await kv.get(issued.token)).toBeNull();
    }
    // Listing tokens never returns them.
    const list = await system.http('GET', `${base()}/tokens`, { token: system.adminToken });
    for (const token of plaintexts) expect(list.text).not.toContain(token);
  });

  it('revocation: a revoked token is refused on REST and at the handshake, and a socket already open with it is dropped', async () => {
    const issued = (await system.http<IssuedToken>('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'press' } })).body;
    await eventually(async () => expect((await system.http('GET', `${base()}/results`, { token: issued.token })).status).toBe(200));
    const open = await connectLive(system.gatewayUrl, { ceremony: cast.imported.slug, token: issued.token });
    expect((await system.http('DELETE', `${base()}/tokens/${issued.id}`, { token: system.adminToken })).status).toBe(200);
    await eventually(async () => {
      const res = await system.http<{ message: string }>('GET', `${base()}/results`, { token: issued.token });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('this token has been revoked');
    }, { timeoutMs: 2000 });
    await expect(connectLive(system.gatewayUrl, { ceremony: cast.imported.slug, token: issued.token })).rejects.toMatchObject({ message: 'this token has been revoked' });
    await eventually(() => expect(open.socket.connected).toBe(false), { timeoutMs: 5000 });
    expect(open.frames.find((f) => f.event === 'session-ended')?.payload).toEqual({ reason: 'this token has been revoked' });
    open.close();
    // Revoking twice is harmless; a token of this ceremony cannot be revoked through another.
    expect((await system.http('DELETE', `${base()}/tokens/${issued.id}`, { token: system.adminToken })).status).toBe(200);
    expect((await system.http('DELETE', `/api/v1/ceremonies/${cast.other.slug}/tokens/${cast.issued.producer.id}`, { token: system.adminToken })).status).toBe(404);
  });

  it('expiry: ttlSeconds is bounded (60 s … 1 year); a token past expires_at is refused everywhere', async () => {
    for (const ttlSeconds of [0, 59, -1, 1.5, '600', 366 * 24 * 3600 + 1]) {
      const res = await system.http<{ details?: { path: string }[] }>('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'screen', ttlSeconds } });
      expect({ ttlSeconds, status: res.status }).toEqual({ ttlSeconds, status: 400 });
      expect(res.body.details?.map((d) => d.path)).toContain('ttlSeconds');
    }
    const before = Date.now();
    const issued = (await system.http<IssuedToken>('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'screen', ttlSeconds: 60 } })).body;
    expect(Date.parse(issued.expiresAt) - before).toBeGreaterThanOrEqual(59_000);
    expect(Date.parse(issued.expiresAt) - before).toBeLessThanOrEqual(62_000);
    await eventually(async () => expect((await system.http('GET', `${base()}/results`, { token: issued.token })).status).toBe(200));
    const open = await connectLive(system.gatewayUrl, { ceremony: cast.imported.slug, token: issued.token });

    // Time travel instead of a minute's wait: the row and its KV mirror say it expired a second ago.
    const past = new Date(Date.now() - 1000);
    await sql(system.db.url, 'UPDATE nominations.access_tokens SET expires_at = $1 WHERE id = $2', [past, issued.id]);
    const kv = await new Kvm(jetstream(nc)).open(KV_BUCKETS.access);
    const grant = (await kv.get(sha256(issued.token)))!.json<AccessGrant>();
    await kv.put(sha256(issued.token), JSON.stringify({ ...grant, expiresAt: past.toISOString() }));

    await eventually(async () => {
      const res = await system.http<{ message: string }>('GET', `${base()}/results`, { token: issued.token });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('this token has expired');
    }, { timeoutMs: 3000 });
    await expect(connectLive(system.gatewayUrl, { ceremony: cast.imported.slug, token: issued.token })).rejects.toMatchObject({ message: 'this token has expired' });
    await eventually(() => expect(open.socket.connected).toBe(false), { timeoutMs: 6000 });
    expect(open.frames.find((f) => f.event === 'session-ended')?.payload).toEqual({ reason: 'this token has expired' });
    open.close();
    const listed = (await system.http<{ id: string; expiresAt: string }[]>('GET', `${base()}/tokens`, { token: system.adminToken })).body.find((t) => t.id === issued.id)!;
    expect(Date.parse(listed.expiresAt)).toBe(past.getTime());
  });

  it("a juror token acts only as its juror: never on another juror's ballot, another panel or another ceremony", async () => {
    const cat = cast.catA;
    const a = cast.tokens.juror!;
    const chairId = cast.jurors.chair;
    const chairBallot = async () => (await system.http<BallotView>('GET', `${base()}/categories/${cat}/ballot`, { token: cast.tokens.chair })).body;
    const beforeChair = await chairBallot();
    const nominee = cast.imported.categories.find((c) => c.slug === cat)!.nominees[0].id;

    // Naming another juror in the body is refused, not honoured.
    const spoof = await system.http<{ details?: { path: string }[] }>('PUT', `${base()}/categories/${cat}/ballot`, { token: a, body: { jurorId: chairId, scores: { [nominee]: { overall: 7 } } } });
    expect(spoof.status).toBe(400);
    expect(spoof.body.details?.map((d) => d.path)).toContain('jurorId');
    // An actor smuggled in the body never replaces the caller: the gateway sets it last (this saves A's own ballot).
    const actor = await system.http('PUT', `${base()}/categories/${cat}/ballot`, { token: a, body: { actor: { role: 'juror', jurorId: chairId }, scores: {} } });
    expect(actor.status).toBe(200);
    // A non-chair cannot reopen another juror's ballot.
    expect((await system.http('POST', `${base()}/categories/${cat}/ballots/${chairId}/reopen`, { token: a, body: { reason: 'x' } })).status).toBe(403);
    // Declaring a conflict for someone else is refused.
    expect((await system.http('POST', `${base()}/categories/${cat}/conflicts`, { token: a, body: { jurorId: chairId, nomineeId: nominee, reason: 'x' } })).status).toBe(403);
    expect(await chairBallot()).toEqual(beforeChair);

    // Another panel: refused.
    expect((await system.http('PUT', `${base()}/categories/${cast.catB}/ballot`, { token: a, body: { scores: {} } })).status).toBe(403);
    // Another ceremony (the same category slugs exist there): refused before any service sees it.
    for (const [method, path] of [
      ['GET', `/api/v1/ceremonies/${cast.other.slug}/me`],
      ['GET', `/api/v1/ceremonies/${cast.other.slug}/categories/${cat}/ballot`],
      ['PUT', `/api/v1/ceremonies/${cast.other.slug}/categories/${cat}/ballot`],
      ['POST', `/api/v1/ceremonies/${cast.other.slug}/categories/${cat}/ballot/lock`],
    ]) {
      const res = await system.http<{ message: string }>(method, path, { token: a, body: method === 'PUT' ? { scores: {} } : undefined });
      expect({ path, status: res.status, message: res.body.message }).toEqual({ path, status: 403, message: 'this token belongs to another ceremony' });
    }
    // A juror token is issued only for a juror of that ceremony.
    const stranger = await system.http('POST', `/api/v1/ceremonies/${cast.other.slug}/tokens`, { token: system.adminToken, body: { role: 'juror', jurorId: chairId } });
    expect(stranger.status).toBe(404);
    expect((await system.http('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'juror', jurorId: randomUUID() } })).status).toBe(404);
    expect((await system.http('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'juror' } })).status).toBe(400);
    expect((await system.http('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'press', jurorId: chairId } })).status).toBe(400);
    expect((await system.http('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'admin' } })).status).toBe(400);
    // The bound juror is what the service sees.
    expect((await system.http<{ id: string }>('GET', `${base()}/me`, { token: a })).body.id).toBe(cast.jurors.juror);
  });
});
