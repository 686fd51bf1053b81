import { randomUUID } from 'node:crypto';
import type { JuryProgressEvent, SceneEvent, SealedEvent } from '#contracts';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { CALLERS, discoverRoutes, routeKey, setUpCast, type Caller, type Cast, type Route } from './support.js';

/**
 * Role × endpoint matrix. The routes come from the running gateway (Nest's controller metadata);
 * each must be in EXPECTED below, so an endpoint added without a rule here fails the suite.
 *
 * `allow`: callers that get past the access check (any status but 401/403: a 400/404/409 from the
 * service is fine, the call was let through). Everyone else is refused: no token, a revoked or an
 * unknown token → 401; a known token of the wrong role, panel or ceremony → 403. `ops` routes
 * (health, metrics) are outside the API and open to the platform.
 */
type Expect = 'pass' | 401 | 403 | 200;
interface Spec {
  allow: Caller[];
  /** Status for a caller the guard lets through but the service refuses (panel, chair). */
  refuse?: Partial<Record<Caller, 403>>;
  body?: (cast: Cast) => unknown;
  /** `:cat` to use (default: the juror's category). */
  cat?: 'A' | 'missing';
  ops?: boolean;
}

const ANYONE: Caller[] = ['admin', 'producer', 'juror', 'otherPanelJuror', 'chair', 'press', 'screen', 'public'];
const JURORS: Caller[] = ['juror', 'chair', 'otherPanelJuror'];

const EXPECTED: Record<string, Spec> = {
  // ceremonies
  'POST /api/v1/ceremonies': { allow: ['admin'], body: () => ({}) },
  'GET /api/v1/ceremonies/:c': { allow: ANYONE },
  'GET /api/v1/ceremonies/:c/writes/:token': { allow: ['admin', 'producer', 'press', 'screen', ...JURORS] },
  // jury
  'POST /api/v1/ceremonies/:c/categories/:cat/jurors': { allow: ['admin'], body: () => ({}), cat: 'missing' },
  'DELETE /api/v1/ceremonies/:c/categories/:cat/jurors/:jurorId': { allow: ['admin'], cat: 'missing' },
  'PUT /api/v1/ceremonies/:c/categories/:cat/chair': { allow: ['admin'], body: () => ({}), cat: 'missing' },
  'GET /api/v1/ceremonies/:c/jurors': { allow: ['admin'] },
  'GET /api/v1/ceremonies/:c/me': { allow: JURORS },
  'POST /api/v1/ceremonies/:c/categories/:cat/conflicts': {
    allow: ['admin', 'juror', 'chair', 'otherPanelJuror'],
    // A juror declares only their own conflicts (the chair included); another panel's juror is refused too.
    refuse: { otherPanelJuror: 403, chair: 403 },
    body: (cast) => ({ jurorId: cast.jurors.juror, nomineeId: randomUUID(), reason: 'matrix probe' }),
  },
  'GET /api/v1/ceremonies/:c/categories/:cat/ballot': { allow: JURORS, refuse: { otherPanelJuror: 403 } },
  'PUT /api/v1/ceremonies/:c/categories/:cat/ballot': { allow: JURORS, refuse: { otherPanelJuror: 403 }, body: () => ({ scores: {} }) },
  'POST /api/v1/ceremonies/:c/categories/:cat/ballot/lock': { allow: JURORS, refuse: { otherPanelJuror: 403 } },
  'GET /api/v1/ceremonies/:c/categories/:cat/ballot/proof': { allow: JURORS, refuse: { otherPanelJuror: 403 } },
  'GET /api/v1/ceremonies/:c/categories/:cat/ballots': { allow: ['admin'] },
  'POST /api/v1/ceremonies/:c/categories/:cat/ballots/:jurorId/reopen': { allow: JURORS, refuse: { juror: 403, otherPanelJuror: 403 }, body: () => ({ reason: 'matrix probe' }) },
  'GET /api/v1/ceremonies/:c/categories/:cat/panel': { allow: ['admin', ...JURORS], refuse: { otherPanelJuror: 403 } },
  'POST /api/v1/ceremonies/:c/categories/:cat/verdict': { allow: JURORS, refuse: { juror: 403, otherPanelJuror: 403 }, body: () => ({ motivation: 'matrix probe' }) },
  'POST /api/v1/ceremonies/:c/categories/:cat/verdict/seal': { allow: JURORS, refuse: { juror: 403, otherPanelJuror: 403 } },
  'GET /api/v1/ceremonies/:c/audit/verify': { allow: ['admin'] },
  // show
  'POST /api/v1/ceremonies/:c/show/cues': { allow: ['producer', 'admin'], body: () => ({}) },
  'POST /api/v1/ceremonies/:c/show/rehearsal/reset': { allow: ['producer', 'admin'] },
  'POST /api/v1/ceremonies/:c/show/presenter-message': { allow: ['producer', 'admin'], body: () => ({}) },
  'GET /api/v1/ceremonies/:c/show': { allow: ['producer', 'admin'] },
  'GET /api/v1/ceremonies/:c/results': { allow: ANYONE },
  // socket protocol v2 (docs/reveal-v2.md)
  'POST /api/v1/ceremonies/:c/show/card-reveals': { allow: ['screen', 'producer', 'admin'], body: () => ({}) },
  'GET /api/v1/ceremonies/:c/envelope-kit': { allow: ['producer', 'admin'] },
  'POST /api/v1/ceremonies/:c/keycards': { allow: ['admin'], body: () => ({}) },
  // tokens
  'POST /api/v1/ceremonies/:c/tokens': { allow: ['admin'], body: () => ({}) },
  'GET /api/v1/ceremonies/:c/tokens': { allow: ['admin'] },
  'DELETE /api/v1/ceremonies/:c/tokens/:tokenId': { allow: ['admin'] },
  // nominations
  'POST /api/v1/ceremonies/:c/categories/:cat/entries': { allow: ['admin'], body: () => ({}), cat: 'missing' },
  'POST /api/v1/ceremonies/:c/categories/:cat/entries/import': { allow: ['admin'], body: () => ({}), cat: 'missing' },
  'GET /api/v1/ceremonies/:c/categories/:cat/entries': { allow: ['admin'] },
  'GET /api/v1/ceremonies/:c/categories/:cat/shortlist': { allow: ['admin'] },
  'PUT /api/v1/ceremonies/:c/categories/:cat/shortlist': { allow: ['admin'], body: () => ({}), cat: 'missing' },
  'POST /api/v1/ceremonies/:c/categories/:cat/shortlist/publish': { allow: ['admin'], cat: 'missing' },
  // entrant intake (public form and own submission by receipt code; review is the admin's)
  'GET /api/v1/ceremonies/:c/categories/:cat/intake': { allow: ANYONE },
  'POST /api/v1/ceremonies/:c/categories/:cat/intake/submissions': { allow: ANYONE, body: () => ({ answers: {} }) },
  'GET /api/v1/intake/submission': { allow: ANYONE },
  'PUT /api/v1/intake/submission': { allow: ANYONE, body: () => ({ answers: {} }) },
  'GET /api/v1/ceremonies/:c/categories/:cat/intake/submissions': { allow: ['admin'] },
  'POST /api/v1/ceremonies/:c/categories/:cat/intake/submissions/:id/accept': { allow: ['admin'], cat: 'missing' },
  'POST /api/v1/ceremonies/:c/categories/:cat/intake/submissions/:id/reject': { allow: ['admin'], body: () => ({ reason: 'matrix probe' }), cat: 'missing' },
  // screening rounds (issue 15): the organiser opens a round; the chair (or admin) assigns, adjusts and freezes; jurors review their own entries
  'POST /api/v1/ceremonies/:c/categories/:cat/screening': { allow: ['admin'], body: () => ({}), cat: 'missing' },
  'GET /api/v1/ceremonies/:c/categories/:cat/screening': { allow: ['admin', ...JURORS], refuse: { otherPanelJuror: 403 } },
  'POST /api/v1/ceremonies/:c/categories/:cat/screening/assignment': { allow: ['admin', ...JURORS], refuse: { juror: 403, otherPanelJuror: 403 }, body: () => ({ k: 1 }) },
  'POST /api/v1/ceremonies/:c/categories/:cat/screening/conflicts': {
    allow: ['admin', ...JURORS],
    refuse: { otherPanelJuror: 403, chair: 403 },
    body: (cast) => ({ jurorId: cast.jurors.juror, entryId: randomUUID(), reason: 'matrix probe' }),
  },
  'PUT /api/v1/ceremonies/:c/categories/:cat/screening/reviews/:entryId': { allow: JURORS, refuse: { otherPanelJuror: 403 }, body: () => ({ scores: {} }) },
  'POST /api/v1/ceremonies/:c/categories/:cat/screening/reviews/:entryId/lock': { allow: JURORS, refuse: { otherPanelJuror: 403 } },
  'GET /api/v1/ceremonies/:c/categories/:cat/screening/ranking': { allow: ['admin', ...JURORS], refuse: { juror: 403, otherPanelJuror: 403 } },
  'POST /api/v1/ceremonies/:c/categories/:cat/screening/shortlist/adjustments': {
    allow: ['admin', ...JURORS],
    refuse: { juror: 403, otherPanelJuror: 403 },
    body: () => ({ entryId: randomUUID(), onShortlist: true, reason: 'matrix probe' }),
  },
  'POST /api/v1/ceremonies/:c/categories/:cat/screening/shortlist/freeze': { allow: ['admin', ...JURORS], refuse: { juror: 403, otherPanelJuror: 403 } },
  // deliberation (issue 15): the panel's jurors once their ballot is locked; only the chair marks a nominee discussed
  'GET /api/v1/ceremonies/:c/categories/:cat/deliberation': { allow: JURORS, refuse: { otherPanelJuror: 403 } },
  'POST /api/v1/ceremonies/:c/categories/:cat/deliberation/:nomineeId/comments': { allow: JURORS, refuse: { otherPanelJuror: 403 }, body: () => ({ text: 'matrix probe' }) },
  'PUT /api/v1/ceremonies/:c/categories/:cat/deliberation/:nomineeId/discussed': { allow: JURORS, refuse: { juror: 403, otherPanelJuror: 403 }, body: () => ({ discussed: true }) },
  // the audience vote (issue 16): the organiser's tickets, the producer's window, anyone's vote and proof
  'POST /api/v1/ceremonies/:c/tickets': { allow: ['admin'], body: () => ({}) },
  'DELETE /api/v1/ceremonies/:c/tickets/:ticketId': { allow: ['admin'] },
  'POST /api/v1/ceremonies/:c/tickets/status': { allow: ANYONE, body: () => ({}) },
  'POST /api/v1/ceremonies/:c/categories/:cat/vote/open': { allow: ['producer', 'admin'], body: () => ({}) },
  'POST /api/v1/ceremonies/:c/categories/:cat/vote/close': { allow: ['producer', 'admin'] },
  'GET /api/v1/ceremonies/:c/votes': { allow: ANYONE },
  'POST /api/v1/ceremonies/:c/categories/:cat/votes': { allow: ANYONE, body: () => ({}) },
  'GET /api/v1/ceremonies/:c/categories/:cat/votes/proof': { allow: ANYONE },
  'GET /api/v1/ceremonies/:c/categories/:cat/votes/export': { allow: ['admin'] },
  // pages (served to anyone; a bad token sent along is still refused)
  'GET /stage/:c': { allow: ANYONE },
  'GET /control/:c': { allow: ANYONE },
  'GET /jury/:c': { allow: ANYONE },
  'GET /jury/:c/screening': { allow: ANYONE },
  'GET /press/:c': { allow: ANYONE },
  'GET /presenter/:c': { allow: ANYONE },
  'GET /c/:c': { allow: ANYONE },
  'GET /intake/:c/:cat': { allow: ANYONE },
  'GET /vote/:c': { allow: ANYONE },
  'GET /admin': { allow: ANYONE },
  'GET /': { allow: ANYONE },
  // platform
  'GET /health/live': { allow: [], ops: true },
  'GET /health/ready': { allow: [], ops: true },
  'GET /health': { allow: [], ops: true },
  'GET /metrics': { allow: [], ops: true },
};

function expected(route: Route, spec: Spec, caller: Caller): Expect {
  if (spec.ops) return 200;
  if (caller === 'revoked' || caller === 'unknown') return 401;
  if (caller === 'otherCeremony') return route.path.includes(':c') ? 403 : spec.allow.includes('producer') ? 'pass' : 403;
  if (spec.allow.includes(caller)) return spec.refuse?.[caller] ?? 'pass';
  return caller === 'public' ? 401 : 403;
}

describe('security: role × endpoint matrix from the route table, and the socket rooms', () => {
  let system: TestSystem;
  let cast: Cast;
  let routes: Route[];
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    system = await startSystem({ label: 'security_matrix' });
    cast = await setUpCast(system);
    routes = discoverRoutes(system.apps.gateway!);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await system?.dispose();
  });

  it('discovers the route table and every route has a rule here and in the gateway', () => {
    expect(routes.length).toBeGreaterThan(30);
    const keys = routes.map(routeKey);
    const missing = keys.filter((k) => !EXPECTED[k]);
    expect(missing).toEqual([]);
    // And no stale expectations: a removed route must leave the table too.
    expect(Object.keys(EXPECTED).filter((k) => !keys.includes(k))).toEqual([]);
    // The gateway's guard fails closed without @Roles; make that visible here too.
    expect(routes.filter((r) => !r.ops && !r.roles).map(routeKey)).toEqual([]);
    // The gateway's own rule and this table agree on who may pass the guard.
    for (const route of routes.filter((r) => !r.ops)) {
      const spec = EXPECTED[routeKey(route)];
      const roleOf = (c: Caller): string => (JURORS.includes(c) ? 'juror' : c);
      expect({ route: routeKey(route), roles: [...new Set(spec.allow.map(roleOf))].sort() }).toEqual({ route: routeKey(route), roles: [...new Set(route.roles)].sort() });
    }
  });

  it('calls every route as every caller: allowed or refused with the right status', async () => {
    const results: string[] = [];
    const failures: string[] = [];
    const fill = (route: Route, spec: Spec) =>
      `/${route.path}`
        .replace(':c', cast.imported.slug)
        .replace(':cat', spec.cat === 'missing' ? 'no-such-category' : cast.catA)
        .replace(':jurorId', spec.cat === 'missing' ? randomUUID() : cast.jurors.juror)
        .replace(':tokenId', randomUUID())
        .replace(':id', randomUUID())
        .replace(':entryId', randomUUID())
        .replace(':nomineeId', randomUUID())
        .replace(':token', Buffer.from(JSON.stringify([[randomUUID()]])).toString('base64url'));
    for (const route of routes) {
      const spec = EXPECTED[routeKey(route)];
      for (const caller of CALLERS) {
        const want = expected(route, spec, caller);
        const res = await system.http(route.method, fill(route, spec), { token: cast.tokens[caller], body: spec.body?.(cast) });
        const ok = want === 'pass' ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === want;
        const line = `${routeKey(route)} as ${caller}: ${res.status} (want ${want})`;
        results.push(line);
        if (!ok) failures.push(`${line} ${res.text.slice(0, 160)}`);
        if (typeof want === 'number' && want >= 400) {
          // Refusals are the contract's error body, with a reason.
          const body = res.body as { statusCode?: number; message?: string };
          if (body?.statusCode !== want || typeof body.message !== 'string' || body.message.length === 0) failures.push(`${line}: not an error body: ${res.text.slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(results.length).toBe(routes.length * CALLERS.length);
  });

  describe('socket /live', () => {
    const slug = () => cast.imported.slug;
    const connectError = async (auth: Record<string, unknown>): Promise<{ message: string; data?: { statusCode?: number } }> => {
      try {
        const client = await connectLive(system.gatewayUrl, auth as never);
        client.close();
        return { message: 'connected' };
      } catch (error) {
        return error as { message: string; data?: { statusCode?: number } };
      }
    };

    it('handshake: who may connect to the live show and the rehearsal', async () => {
      const live: Record<Caller, number | 'ok'> = {} as never;
      const rehearsal: Record<Caller, number | 'ok'> = {} as never;
      for (const caller of CALLERS) {
        for (const [table, flag] of [
          [live, false],
          [rehearsal, true],
        ] as const) {
          const result = await connectError({ ceremony: slug(), token: cast.tokens[caller], rehearsal: flag });
          table[caller] = result.message === 'connected' ? 'ok' : (result.data?.statusCode ?? -1);
        }
      }
      expect(live).toEqual({ admin: 'ok', producer: 'ok', juror: 'ok', otherPanelJuror: 'ok', chair: 'ok', press: 'ok', screen: 'ok', public: 'ok', revoked: 401, unknown: 401, otherCeremony: 403 });
      expect(rehearsal).toEqual({ admin: 'ok', producer: 'ok', juror: 403, otherPanelJuror: 403, chair: 403, press: 403, screen: 'ok', public: 403, revoked: 401, unknown: 401, otherCeremony: 403 });
      expect((await connectError({ ceremony: 'no-such-ceremony' })).data?.statusCode).toBe(404);
      expect((await connectError({})).data?.statusCode).toBe(400);
    });

    it('sealed goes to press and producer only, jury-progress to producer only; snapshots carry the same split', async () => {
      const watchers: Partial<Record<Caller, LiveClient>> = {};
      for (const caller of ['admin', 'producer', 'press', 'screen', 'public', 'juror', 'chair'] as Caller[]) {
        watchers[caller] = await connectLive(system.gatewayUrl, { ceremony: slug(), token: cast.tokens[caller] });
        clients.push(watchers[caller]);
      }
      const snapshots = Object.fromEntries(Object.entries(watchers).map(([c, w]) => [c, w.frames.find((f) => f.event === 'snapshot')!.payload as Record<string, unknown>]));
      for (const caller of ['screen', 'public', 'juror', 'chair']) {
        expect(snapshots[caller].seals).toBeUndefined();
        expect(snapshots[caller].juryProgress).toBeUndefined();
      }
      expect(snapshots.press.seals).toBeDefined();
      expect(snapshots.press.juryProgress).toBeUndefined();
      expect(snapshots.producer.juryProgress).toBeDefined();

      const sealed = await new GalaJury(system, cast.imported).deliberate('gotapriset');
      const gota = cast.imported.categories.find((c) => c.slug === 'gotapriset')!;
      for (const caller of ['press', 'producer', 'admin'] as Caller[]) {
        const got = await watchers[caller]!.waitFor<SealedEvent>('sealed', (s) => s.categoryId === gota.id);
        expect(got.commitment).toBe(sealed.commitment);
      }
      await watchers.producer!.waitFor<JuryProgressEvent>('jury-progress', (p) => p.categoryId === gota.id && p.sealed);
      // Barrier: a cue after the seal. Every socket gets its scene, after anything the gateway pushed it from
      // the events before (one ordered feed): once all have it, a stray jury frame would be among theirs.
      const barrier = await system.http<{ seq: number }>('POST', `/api/v1/ceremonies/${slug()}/show/cues`, { token: cast.tokens.producer, body: { action: 'next', idempotencyKey: randomUUID() } });
      expect(barrier.status).toBe(200);
      for (const watcher of Object.values(watchers)) await watcher.waitFor<SceneEvent>('scene', (s) => s.seq === barrier.body.seq);
      for (const caller of ['screen', 'public', 'juror', 'chair'] as Caller[]) {
        const events = watchers[caller]!.frames.map((f) => f.event);
        expect({ caller, sealed: events.includes('sealed'), progress: events.includes('jury-progress') }).toEqual({ caller, sealed: false, progress: false });
        // No spoiler: neither the winner nor the motivation reached them before the reveal.
        expect(JSON.stringify(watchers[caller]!.frames)).not.toContain(sealed.motivation.slice(0, 40));
      }
      expect(watchers.press!.of('jury-progress')).toEqual([]);
    });

    it('rehearsal scenes stay in the rehearsal room; clock:ping answers every role, presence of a non-screen is not a screen', async () => {
      const crew = await connectLive(system.gatewayUrl, { ceremony: slug(), token: cast.tokens.producer, rehearsal: true });
      const watchers = await Promise.all((['public', 'press', 'screen'] as Caller[]).map((c) => connectLive(system.gatewayUrl, { ceremony: slug(), token: cast.tokens[c] })));
      clients.push(crew, ...watchers);
      const res = await system.http<{ seq: number }>('POST', `/api/v1/ceremonies/${slug()}/show/cues`, { token: cast.tokens.producer, body: { action: 'next', rehearsal: true, idempotencyKey: randomUUID() } });
      expect(res.status).toBe(200);
      await crew.waitFor<{ rehearsal: boolean }>('scene', (s) => s.rehearsal);
      // Barrier: a live cue after it. The gateway routes both from one ordered feed, so once every watcher has
      // the live scene, the rehearsal one would already be among their frames had it leaked.
      const live = await system.http<{ seq: number }>('POST', `/api/v1/ceremonies/${slug()}/show/cues`, { token: cast.tokens.producer, body: { action: 'next', idempotencyKey: randomUUID() } });
      expect(live.status).toBe(200);
      for (const w of watchers) await w.waitFor<SceneEvent>('scene', (s) => !s.rehearsal && s.seq === live.body.seq);
      for (const w of watchers) expect(w.of<{ rehearsal: boolean }>('scene').filter((s) => s.rehearsal)).toEqual([]);

      for (const w of [crew, ...watchers]) {
        const reply = await new Promise<{ clientSentAt: number; serverTime: number }>((resolve) => w.socket.emit('clock:ping', 1234, resolve));
        expect(reply.clientSentAt).toBe(1234);
        expect(typeof reply.serverTime).toBe('number');
      }
      const producer = await connectLive(system.gatewayUrl, { ceremony: slug(), token: cast.tokens.producer });
      clients.push(producer);
      watchers[0].socket.emit('presence', { lastSeq: 1, label: 'not-a-screen-public' });
      watchers[1].socket.emit('presence', { lastSeq: 1, label: 'not-a-screen-press' });
      watchers[2].socket.emit('presence', { lastSeq: 1, label: 'real-screen' });
      const list = await producer.waitFor<{ screens: { label: string }[] }>('screens', (s) => s.screens.some((x) => x.label === 'real-screen'), 8000);
      const labels = list.screens.map((s) => s.label);
      expect(labels).toContain('real-screen');
      expect(labels.filter((l) => l.startsWith('not-a-screen'))).toEqual([]);
      await eventually(() => expect(watchers[0].of('screens')).toEqual([]));
    });
  });
});
