import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { importCeremony, issueToken, jurors, LAPTOP, launchChromium, openPage, PHONE, requireWebBuild, STAGE, waitForText, watchCsp, type Gala } from './browser.js';

/**
 * The hardened edge in a real browser (Debian's chromium, playwright-core) against the real system:
 * every page runs under the gateway's Content-Security-Policy without a single violation (scripts
 * from 'self' only, the socket.io WebSocket allowed), tokens travel in the URL fragment and leave the
 * address bar at once (a legacy `?token=` too, which the server never needs), and only the stage page
 * may be framed by another site.
 */
describe('the edge in a browser: CSP, tokens in fragments, framing', () => {
  let system: TestSystem;
  let browser: Browser;
  let gala: Gala;
  const tokens: Record<'producer' | 'press' | 'screen', string> = { producer: '', press: '', screen: '' };
  let juror: { id: string; name: string; token: string };
  let otherJuror: { id: string; name: string; token: string };
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  /** Every request any page made, with its Authorization header (or none). */
  const requests: { page: string; url: string; authorization?: string }[] = [];
  /** Every WebSocket any page opened. */
  const websockets: { page: string; url: string }[] = [];

  async function open(name: string, url: string, viewport = LAPTOP, isMobile = false): Promise<Page> {
    const opened = await openPage(browser, viewport, { isMobile, errors });
    contexts.push(opened.context);
    opened.page.on('request', (r: Request) => requests.push({ page: name, url: r.url(), authorization: r.headers().authorization }));
    opened.page.on('websocket', (ws) => websockets.push({ page: name, url: ws.url() }));
    await opened.page.goto(`${system.gatewayUrl}${url}`);
    return opened.page;
  }

  beforeAll(async () => {
    requireWebBuild();
    [system, browser] = await Promise.all([startSystem({ label: 'browser_edge' }), launchChromium()]);
    gala = await importCeremony(system, ceremony2017());
    [tokens.producer, tokens.press, tokens.screen] = await Promise.all([issueToken(system, gala, 'producer'), issueToken(system, gala, 'press'), issueToken(system, gala, 'screen')]);
    const panel = (await jurors(system, gala)).slice(0, 2);
    [juror, otherJuror] = await Promise.all(panel.map(async (j) => ({ id: j.id, name: j.name, token: await issueToken(system, gala, 'juror', j.id) })));
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await system?.dispose();
  });

  it('runs every page, the Swagger UI included, with no CSP violation and no page error', async () => {
    const tokenIn = (t: string) => `#token=${encodeURIComponent(t)}`;
    const pages: [string, string, string, { width: number; height: number }?][] = [
      ['stage', `/stage/${gala.slug}?label=LED${tokenIn(tokens.screen)}`, '.stage[data-kind]', STAGE],
      ['overlay', `/stage/${gala.slug}?overlay=1&label=OBS${tokenIn(tokens.screen)}`, '.stage[data-kind]', STAGE],
      ['presenter', `/presenter/${gala.slug}?label=Talare${tokenIn(tokens.screen)}`, '.pm-status'],
      ['control', `/control/${gala.slug}${tokenIn(tokens.producer)}`, '.ros-cat-name'],
      ['press', `/press/${gala.slug}${tokenIn(tokens.press)}`, '.press-card h2'],
      ['jury', `/jury/${gala.slug}${tokenIn(juror.token)}`, '.jury-title', PHONE],
      ['public', `/c/${gala.slug}`, '.pub-title', PHONE],
      ['admin', `/admin?c=${gala.slug}`, '#admin-token'],
      ['docs', '/api/docs', '.swagger-ui .info .title'],
    ];
    // One after the other: nine pages at once are too much for a shared CI machine.
    const byName: Record<string, Page> = {};
    for (const [name, url, ready, viewport] of pages) {
      byName[name] = await open(name, url, viewport ?? LAPTOP, viewport === PHONE);
      await byName[name].waitForSelector(ready);
    }
    // The live pages are connected over socket.io's WebSocket (connect-src allows it), not long-polling.
    for (const name of ['stage', 'overlay', 'control', 'press']) await byName[name].waitForSelector('.net-dot[data-state="connected"], .conn[data-state="connected"]');
    for (const name of ['stage', 'overlay', 'presenter', 'control', 'press', 'public']) {
      await eventually(() => expect(websockets.filter((w) => w.page === name && /\/socket\.io\/\?.*transport=websocket/.test(w.url)).length).toBeGreaterThan(0));
    }
    expect(requests.filter((r) => r.url.includes('transport=polling'))).toEqual([]);
    await waitForText(byName.docs, '.swagger-ui .info .title', /Laurel API/);
    // The overlay variant really is transparent (its own inline style is set through the CSSOM).
    expect(await byName.overlay.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgba(0, 0, 0, 0)');
    expect(errors).toEqual([]);
  });

  it('takes the token from the fragment, keeps it in sessionStorage and leaves it in no URL', async () => {
    const page = await open('jury-fragment', `/jury/${gala.slug}?lang=en#token=${encodeURIComponent(juror.token)}&x=1`, PHONE, true);
    await waitForText(page, '.jury-head p.muted', juror.name, { mode: 'contains' });
    const url = new URL(page.url());
    expect(url.pathname).toBe(`/jury/${gala.slug}`);
    expect(url.search).toBe('?lang=en');
    // Only the token leaves the fragment; anything else in it stays.
    expect(url.hash).toBe('#x=1');
    expect(await page.evaluate(() => sessionStorage.getItem('laurel.token.jury'))).toBe(juror.token);
    // A reload (the address bar holds no token any more) keeps the session.
    await page.reload();
    await waitForText(page, '.jury-head p.muted', juror.name, { mode: 'contains' });
    // Another juror's link opened on the same phone only changes the fragment: the page takes the new token.
    await page.goto(`${system.gatewayUrl}/jury/${gala.slug}#token=${encodeURIComponent(otherJuror.token)}`);
    await waitForText(page, '.jury-head p.muted', otherJuror.name, { mode: 'contains' });
    expect(page.url()).not.toContain('token');
    expect(await page.evaluate(() => sessionStorage.getItem('laurel.token.jury'))).toBe(otherJuror.token);
    // No request of any page so far carried a token in its URL; the API calls carried it as a bearer header.
    const all = [tokens.producer, tokens.press, tokens.screen, juror.token, otherJuror.token];
    const withToken = requests.filter((r) => r.url.includes('token=') || all.some((t) => r.url.includes(t) || r.url.includes(encodeURIComponent(t))));
    expect(withToken).toEqual([]);
    const juryApi = requests.filter((r) => r.page === 'jury-fragment' && new URL(r.url).pathname.endsWith('/me'));
    expect(juryApi.length).toBeGreaterThanOrEqual(3);
    for (const r of juryApi) expect(r.authorization).toMatch(/^Bearer \S+$/);
    expect(errors).toEqual([]);
  });

  it('accepts a legacy ?token= link once, scrubs it at once, and the server never needs it', async () => {
    const before = requests.length;
    const page = await open('jury-legacy', `/jury/${gala.slug}?token=${encodeURIComponent(juror.token)}&lang=en`, PHONE, true);
    await waitForText(page, '.jury-head p.muted', juror.name, { mode: 'contains' });
    expect(new URL(page.url()).search).toBe('?lang=en');
    const made = requests.slice(before).filter((r) => r.page === 'jury-legacy');
    // Only the page load itself (the printed link) had it; every later request went without (no Referer either).
    expect(made[0].url).toContain('token=');
    expect(made.slice(1).filter((r) => r.url.includes('token='))).toEqual([]);
    // The server reads no token from a query string: the same call with ?token= and no header is public.
    const me = await system.http<{ statusCode: number }>('GET', `${gala.base}/me?token=${encodeURIComponent(juror.token)}`);
    expect(me.status).toBe(401);
    expect(errors).toEqual([]);
  });

  describe('framed by another site', () => {
    let embedder: Server;
    let embedderUrl = '';

    beforeAll(async () => {
      // Another origin (another port) whose page frames the stage and the control room.
      const gateway = system.gatewayUrl;
      embedder = createServer((_req, res) => {
        res.setHeader('Content-Type', 'text/html');
        res.end(`<!doctype html><title>graphics</title>
          <iframe name="stage" src="${gateway}/stage/${gala.slug}?overlay=1#token=${encodeURIComponent(tokens.screen)}" width="960" height="540"></iframe>
          <iframe name="control" src="${gateway}/control/${gala.slug}#token=${encodeURIComponent(tokens.producer)}" width="960" height="540"></iframe>`);
      });
      await new Promise<void>((resolve) => embedder.listen(0, '127.0.0.1', resolve));
      embedderUrl = `http://localhost:${(embedder.address() as AddressInfo).port}/`;
    });

    afterAll(async () => {
      await new Promise((resolve) => embedder?.close(resolve));
    });

    it('shows the stage page inside the frame and refuses the control room (frame-ancestors)', async () => {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1200 } });
      contexts.push(context);
      const page = await context.newPage();
      const refusals: string[] = [];
      await watchCsp(context, page, refusals);
      await page.goto(embedderUrl);
      const stage = page.frame({ name: 'stage' })!;
      await stage.waitForSelector('.stage[data-kind]');
      await stage.waitForSelector('.net-dot[data-state="connected"]');
      // The control room's frame never gets the page: Chromium refuses it on frame-ancestors 'none'.
      await eventually(() => expect(refusals.filter((r) => r.includes("frame-ancestors 'none'"))).toHaveLength(1));
      const control = page.frame({ name: 'control' })!;
      expect(await control.locator('#app').count()).toBe(0);
      // The stage frame runs, connected, under its own policy without a refusal (the one refusal is the control room's).
      expect(refusals).toHaveLength(1);
    });
  });
});
