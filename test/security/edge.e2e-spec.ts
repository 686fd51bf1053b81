import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { io } from 'socket.io-client';
import type { IssuedToken } from '#contracts';
import { loadEnv } from '#observability';
import { AccessResolver } from '#messaging';
import { gatewayConfig, startGateway } from '../../apps/gateway/src/bootstrap.js';
import { GatewayEnv } from '../../apps/gateway/src/config.js';
import { eventually } from '../support/eventually.js';
import { startSystem, TEST_SERVICE_TOKEN, TEST_WEB_DIST, type TestSystem } from '../support/system.js';
import { discoverRoutes, setUpCast, type Cast } from './support.js';

/**
 * The hardened edge of the gateway, over HTTP and socket.io against the real system:
 * - every answer (every route of the gateway, pages, assets, the Swagger UI, health, 404s, 429s,
 *   socket.io long-polling) carries the security headers, with the policy its kind needs;
 * - rate limits: public calls per address (X-Forwarded-For does not buy a fresh budget), a juror token
 *   over its budget, a producer cueing as fast as it can with the default budgets, 1,000 juror tokens
 *   behind one address, socket handshakes; 429 answers follow the error contract;
 * - `trust proxy` only for TRUST_PROXY; bad values stop the gateway at boot.
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch cannot pick the local address), optionally from another loopback address. */
function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) };
    // agent: false: one connection per call, closed after it (no keep-alive socket outlives the test).
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, localAddress: options.localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A gateway of this test's own on the system's NATS, with its own environment (validated as at boot). */
async function gatewayWith(system: TestSystem, env: Record<string, string>): Promise<{ url: string; app: INestApplication }> {
  const config = gatewayConfig(loadEnv(GatewayEnv, { NATS_URL: system.natsUrl, PORT: '0', LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN, WEB_DIST: TEST_WEB_DIST, ...env }));
  config.instance = `${config.instance}-edge-${randomUUID().slice(0, 8)}`;
  const app = await startGateway(config);
  return { url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, app };
}

const TOO_MANY = { statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/^too many requests: slow down and try again in \d+ s$/) as unknown as string };

describe('the edge: security headers, rate limits, trust proxy', () => {
  let system: TestSystem;
  let cast: Cast;
  const gateways: INestApplication[] = [];
  const base = () => `/api/v1/ceremonies/${cast.imported.slug}`;

  async function gateway(env: Record<string, string>): Promise<string> {
    const started = await gatewayWith(system, env);
    gateways.push(started.app);
    // Grants reach a new gateway through the KV watch: wait until it knows the cast's tokens (asked in-process,
    // so the wait spends no budget: a token the gateway does not know yet counts as public traffic).
    const access = started.app.get(AccessResolver);
    await eventually(() => expect([cast.tokens.juror, cast.tokens.chair, cast.tokens.producer, cast.tokens.screen].map((t) => access.knownCaller(t!)?.role)).toEqual(['juror', 'juror', 'producer', 'screen']), { timeoutMs: 15000 });
    return started.url;
  }

  beforeAll(async () => {
    system = await startSystem({ label: 'security_edge' });
    cast = await setUpCast(system);
  });

  afterAll(async () => {
    for (const app of gateways) await app.close().catch(() => undefined);
    await system?.dispose();
  });

  describe('security headers', () => {
    type Kind = 'page' | 'stage' | 'api' | 'docs' | 'other';
    const kindOf = (path: string): Kind =>
      path.startsWith('/api/docs') ? 'docs' : path.startsWith('/api/') ? 'api' : /^\/stage\/[^/]+$/.test(path) ? 'stage' : /^\/(control|jury|press|presenter|c)\/[^/]+$|^\/admin$|^\/$/.test(path) ? 'page' : 'other';

    function expectHeaders(path: string, kind: Kind, answer: Answer): void {
      const h = answer.headers;
      const csp = String(h['content-security-policy'] ?? '');
      const must = (ok: boolean, what: string) => {
        if (!ok) throw new Error(`${path} (${answer.status}, ${kind}): ${what}; headers ${JSON.stringify(h, null, 1)}`);
      };
      must(h['referrer-policy'] === 'no-referrer', 'Referrer-Policy no-referrer');
      must(h['x-content-type-options'] === 'nosniff', 'X-Content-Type-Options nosniff');
      must(!/'unsafe-inline'|'unsafe-eval'/.test(csp), "no 'unsafe-inline' or 'unsafe-eval'");
      if (kind === 'api') must(csp.includes("default-src 'none'"), "default-src 'none'");
      else {
        must(csp.includes("script-src 'self';"), "script-src 'self' only");
        must(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/.test(csp), 'connect-src with the socket.io WebSocket');
      }
      if (kind === 'stage') must(csp.includes('frame-ancestors *') && h['x-frame-options'] === undefined, 'frame-ancestors * and no X-Frame-Options');
      else must(csp.includes("frame-ancestors 'none'") && h['x-frame-options'] === 'DENY', "frame-ancestors 'none' and X-Frame-Options DENY");
      if (kind === 'docs' && String(h['content-type']).startsWith('text/html')) {
        // Swagger UI's inline styles are allowed by their hashes, nothing more.
        must(/style-src 'self'( 'sha256-[A-Za-z0-9+/=]+'){2};style-src-attr 'unsafe-hashes' 'sha256-[A-Za-z0-9+/=]+'/.test(csp), 'style hashes for the Swagger UI');
      }
    }

    it('are on every answer: every route of the gateway, pages, assets, docs, health, 404 and long-polling', async () => {
      const routes = discoverRoutes(system.apps.gateway!);
      const fill = (path: string) =>
        `/${path}`.replace(':c', cast.imported.slug).replace(':cat', cast.catA).replace(/:[a-zA-Z]+/g, '00000000-0000-0000-0000-000000000000').replace(/\/$/, '') || '/';
      const asset = readdirSync(join(TEST_WEB_DIST!, 'assets')).find((f) => f.endsWith('.js'))!;
      const extra = ['/api/docs', '/api/docs/', '/api/docs/openapi.json', '/api/docs/swagger-ui.css', '/api/docs/swagger-ui-init.js', `/assets/${asset}`, '/no-such-page', '/api/v1/no-such-route'];
      const checked = new Set<string>();
      for (const route of routes) {
        const path = fill(route.path);
        // Without a token: the answer may be anything from 200 to 401 or 404, the headers are the same.
        const answer = await call(`${system.gatewayUrl}${path}`, { method: route.method === 'ALL' ? 'GET' : route.method, headers: { 'content-type': 'application/json' }, body: ['POST', 'PUT', 'PATCH'].includes(route.method) ? '{}' : undefined });
        expect(answer.status).toBeLessThan(500);
        expectHeaders(path, kindOf(path), answer);
        checked.add(`${route.method} ${path}`);
      }
      for (const path of extra) {
        const answer = await call(`${system.gatewayUrl}${path}`);
        expect(answer.status).toBeLessThan(500);
        expectHeaders(path, kindOf(path), answer);
        checked.add(`GET ${path}`);
      }
      // socket.io's long-polling answers never pass through Express: the two headers that matter are set on them too.
      const polling = await call(`${system.gatewayUrl}/socket.io/?EIO=4&transport=polling`);
      expect(polling.status).toBe(200);
      expect({ nosniff: polling.headers['x-content-type-options'], referrer: polling.headers['referrer-policy'] }).toEqual({ nosniff: 'nosniff', referrer: 'no-referrer' });
      // Close the Engine.IO session it opened (packet "1"), or its ping timers outlive the test.
      const sid = (JSON.parse(polling.body.slice(1)) as { sid: string }).sid;
      expect((await call(`${system.gatewayUrl}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '1' })).status).toBe(200);
      // Every page route, every API route, the docs, assets, health and metrics were among them.
      expect(routes.length).toBeGreaterThan(30);
      expect(checked.size).toBeGreaterThanOrEqual(routes.length + extra.length);
      process.stdout.write(`security headers checked on ${checked.size + 1} answers (${routes.length} gateway routes, ${extra.length} other paths, long-polling)\n`);
    });

    it('STAGE_FRAME_ANCESTORS narrows who may frame the stage', async () => {
      const url = await gateway({ STAGE_FRAME_ANCESTORS: "'self' https://graphics.example.se" });
      const stage = await call(`${url}/stage/${cast.imported.slug}`);
      expect(stage.headers['content-security-policy']).toContain("frame-ancestors 'self' https://graphics.example.se");
      expect((await call(`${url}/control/${cast.imported.slug}`)).headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });
  });

  describe('rate limits', () => {
    it('public calls: 429 in the error contract past the budget, and X-Forwarded-For buys no fresh budget', async () => {
      const url = await gateway({ PUBLIC_RATE_LIMIT_PER_MINUTE: '5' });
      const answers: Answer[] = [];
      for (let i = 0; i < 8; i++) answers.push(await call(`${url}${base()}/results`, { headers: { 'x-forwarded-for': `198.51.100.${i}` } }));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const refused = answers[5];
      expect(JSON.parse(refused.body)).toEqual(TOO_MANY);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['content-security-policy']).toContain("default-src 'none'");
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
      // A made-up token is public traffic: same address, same budget.
      const madeUp = await call(`${url}${base()}/results`, { headers: { authorization: 'Bearer lrl_juror_made-up-token-000000000000000' } });
      expect(madeUp.status).toBe(429);
      // A known token is counted on its own, not with its address.
      expect((await call(`${url}${base()}/me`, { headers: { authorization: `Bearer ${cast.tokens.juror}` } })).status).toBe(200);
    });

    it('pages and assets: their own budget per address', async () => {
      const url = await gateway({ STATIC_RATE_LIMIT_PER_MINUTE: '3' });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(`${url}/c/${cast.imported.slug}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const refused = await call(`${url}/admin`);
      expect(JSON.parse(refused.body)).toEqual(TOO_MANY);
      expect(refused.headers['content-security-policy']).toContain("script-src 'self'");
    });

    it('a juror token past its budget gets 429; another juror behind the same address does not', async () => {
      const url = await gateway({ JUROR_RATE_LIMIT_PER_MINUTE: '4', PUBLIC_RATE_LIMIT_PER_MINUTE: '2' });
      const me = (token: string) => call(`${url}${base()}/me`, { headers: { authorization: `Bearer ${token}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await me(cast.tokens.juror!)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const refused = await me(cast.tokens.juror!);
      expect(JSON.parse(refused.body)).toEqual(TOO_MANY);
      for (let i = 0; i < 4; i++) expect((await me(cast.tokens.chair!)).status).toBe(200);
      expect((await me(cast.tokens.chair!)).status).toBe(429);
    });

    it('a producer cueing as fast as it can is never limited with the default budgets', async () => {
      const url = await gateway({});
      const cue = (action: 'blackout' | 'resume') =>
        call(`${url}${base()}/show/cues`, { method: 'POST', headers: { authorization: `Bearer ${cast.tokens.producer}`, 'content-type': 'application/json' }, body: JSON.stringify({ action, idempotencyKey: randomUUID() }) });
      const statuses: number[] = [];
      // 300 cues, ten in flight at a time: far beyond what a control room sends in a minute.
      for (let round = 0; round < 30; round++) {
        statuses.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => cue(i % 2 === 0 ? 'blackout' : 'resume')))).map((a) => a.status));
      }
      expect(statuses.filter((s) => s === 429)).toEqual([]);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set(statuses.filter((s) => s === 200 || s === 409)));
    });

    it('1,000 juror tokens behind one address are not pooled', async () => {
      const url = await gateway({ JUROR_RATE_LIMIT_PER_MINUTE: '2', PUBLIC_RATE_LIMIT_PER_MINUTE: '10' });
      const tokens: string[] = [];
      // One juror with a thousand tokens is the same to the limiter as a thousand jurors: one budget per token.
      for (let batch = 0; batch < 50; batch++) {
        const issued = await Promise.all(
          Array.from({ length: 20 }, () => system.http<IssuedToken>('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'juror', jurorId: cast.jurors.juror } })),
        );
        for (const res of issued) {
          // 202: issued, but a service had not applied the grant within WRITES_WAIT_MS (a loaded machine); the token is
          // in the body either way, and the limiter below only counts once the gateway knows it (awaited there).
          expect([201, 202]).toContain(res.status);
          tokens.push(res.body.token);
        }
      }
      expect(new Set(tokens).size).toBe(1000);
      const me = (token: string) => call(`${url}${base()}/me`, { headers: { authorization: `Bearer ${token}` } });
      // The gateway knows a grant once its KV watch has delivered it (asked in-process: no budget spent).
      const access = gateways.at(-1)!.get(AccessResolver);
      await eventually(() => expect(tokens.filter((t) => access.knownCaller(t)?.role !== 'juror')).toEqual([]), { timeoutMs: 60000, intervalMs: 250 });
      const statuses: number[] = [];
      for (let i = 0; i < tokens.length; i += 25) {
        // Each juror spends its whole budget: two calls.
        statuses.push(...(await Promise.all(tokens.slice(i, i + 25).flatMap((t) => [me(t), me(t)]))).map((a) => a.status));
      }
      // 2,000 calls from one address whose public budget is 10: none refused (429). GET /me is answered by the jury
      // service: on a loaded CI machine (two test files at once) one of them once took over the gateway's 5 s and was
      // a 503; that is not the limiter, and a retry would spend the token's budget, so it is counted, not retried.
      expect(statuses).toHaveLength(2000);
      expect(statuses.filter((s) => s === 429)).toEqual([]);
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1990);
      // Each token has its own budget of 2: the third call of any of them is refused, with the contract body.
      for (const t of [tokens[0], tokens[500], tokens[999]]) {
        const refused = await me(t);
        expect(refused.status).toBe(429);
        expect(JSON.parse(refused.body)).toEqual(TOO_MANY);
      }
    }, 240_000);

    it('socket handshakes: per address without a token, per token with one, refused with 429 past the budget', async () => {
      const url = await gateway({ PUBLIC_RATE_LIMIT_PER_MINUTE: '3', SCREEN_RATE_LIMIT_PER_MINUTE: '2' });
      const handshake = (token?: string) =>
        new Promise<{ ok: true } | { ok: false; message: string; data?: { statusCode?: number; retryAfter?: number } }>((resolve) => {
          const socket = io(`${url}/live`, { auth: token ? { ceremony: cast.imported.slug, token } : { ceremony: cast.imported.slug }, transports: ['websocket'], reconnection: false, forceNew: true });
          socket.on('connect', () => {
            socket.disconnect();
            resolve({ ok: true });
          });
          socket.on('connect_error', (err: Error & { data?: { statusCode?: number; retryAfter?: number } }) => {
            socket.disconnect();
            resolve({ ok: false, message: err.message, data: err.data });
          });
        });
      const publicResults = [];
      for (let i = 0; i < 4; i++) publicResults.push(await handshake());
      expect(publicResults.slice(0, 3).every((r) => r.ok)).toBe(true);
      const refused = publicResults[3];
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.message).toMatch(/^too many requests: slow down and try again in \d+ s$/);
      expect(refused.data?.statusCode).toBe(429);
      expect(refused.data?.retryAfter).toBeGreaterThan(0);
      // A screen token from the same address has its own budget (2 handshakes).
      expect((await handshake(cast.tokens.screen)).ok).toBe(true);
      expect((await handshake(cast.tokens.screen)).ok).toBe(true);
      expect(await handshake(cast.tokens.screen)).toMatchObject({ ok: false, data: { statusCode: 429 } });
    });
  });

  describe('trust proxy', () => {
    it('by default, X-Forwarded-For is ignored: the socket address counts', async () => {
      const url = await gateway({ PUBLIC_RATE_LIMIT_PER_MINUTE: '2' });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(`${url}${base()}/results`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
      expect(statuses).toEqual([200, 200, 429]);
    });

    it('believes X-Forwarded-For only from the addresses in TRUST_PROXY', async () => {
      const url = await gateway({ PUBLIC_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '127.0.0.1' });
      const from = (localAddress: string, forwardedFor: string) => call(`${url}${base()}/results`, { localAddress, headers: { 'x-forwarded-for': forwardedFor } });
      // Through the trusted proxy (127.0.0.1): each forwarded client has its own budget.
      expect([(await from('127.0.0.1', '203.0.113.10')).status, (await from('127.0.0.1', '203.0.113.10')).status, (await from('127.0.0.1', '203.0.113.10')).status]).toEqual([200, 200, 429]);
      expect((await from('127.0.0.1', '203.0.113.11')).status).toBe(200);
      // A client's own X-Forwarded-For left of the proxy's entry is not believed past the proxy's.
      expect((await from('127.0.0.1', '203.0.113.99, 203.0.113.11')).status).toBe(200);
      expect((await from('127.0.0.1', '203.0.113.98, 203.0.113.11')).status).toBe(429);
      // From an address not in TRUST_PROXY (127.0.0.2, loopback but not listed), X-Forwarded-For is ignored.
      const untrusted = [];
      for (let i = 0; i < 3; i++) untrusted.push((await from('127.0.0.2', `203.0.113.${20 + i}`)).status);
      expect(untrusted).toEqual([200, 200, 429]);
    });

    // What every gateway must be given (its service identity), so only the variable under test is wrong.
    const required = { LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN };

    it.each([
      ['TRUST_PROXY', 'true'],
      ['TRUST_PROXY', '2'],
      ['TRUST_PROXY', '10.0.0.0/8, not-an-address'],
      ['STAGE_FRAME_ANCESTORS', "https://a.example; script-src *"],
      ['JUROR_RATE_LIMIT_PER_MINUTE', '0'],
      ['PUBLIC_RATE_LIMIT_PER_MINUTE', 'lots'],
    ])('refuses %s=%s at boot', (name, value) => {
      expect(() => loadEnv(GatewayEnv, { ...required, [name]: value })).toThrow(new RegExp(`^Invalid environment variables: ${name}=`));
    });

    it('accepts addresses, ranges and the named ranges in TRUST_PROXY', () => {
      expect(() => loadEnv(GatewayEnv, { ...required, TRUST_PROXY: '10.0.0.0/8, 192.168.1.10, fd00::/8, loopback' })).not.toThrow();
      expect(gatewayConfig(loadEnv(GatewayEnv, required)).trustProxy).toEqual([]);
    });
  });
});
