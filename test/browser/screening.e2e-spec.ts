import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ImportCeremonyResult, JurorView, ScreeningView } from '#contracts';
import { eventually } from '../support/eventually.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { LAPTOP, PHONE, ROOT, launchChromium, openPage, requireWebBuild, waitForText } from './browser.js';

const SLUG = 'screening-ui';
const BASE = `/api/v1/ceremonies/${SLUG}`;
const CAT = `${BASE}/categories/gotapriset`;
const SHOTS = join(ROOT, 'docs/screenshots');
const ENTRIES = 12;
const CRITERIA = [
  { key: 'kvalitet', label: 'Kvalitet', weight: 2, anchors: { '1': 'Saknas helt', '5': 'Godkänt, men inget nytt', '10': 'Föredöme för hela landet' } },
  { key: 'fornyelse', label: 'Förnyelse', anchors: { '1': 'Inget nytt', '10': 'Banbrytande' } },
];

/**
 * The issue-15 pages in real Chromium against the whole system: a juror's screening queue on a phone (scores
 * with the rubric anchors, lock, progress), the chair's round view (normalized against raw ranking, a draft
 * adjusted with a reason, the freeze), and the deliberation panel on two jurors' phones, live over the socket.
 * `LAUREL_SCREENSHOTS=1` writes docs/screenshots/screening-*.png and deliberation-phone.png.
 */
describe('screening and deliberation pages', () => {
  let system: TestSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let jurors: JurorView[];
  const tokens = new Map<string, string>();
  const as = <T>(token: string, method: string, path: string, body?: unknown) => system.http<T>(method, path, { token, body });

  beforeAll(async () => {
    requireWebBuild();
    [system, browser] = await Promise.all([startSystem({ label: 'browser_screening' }), launchChromium()]);
    const file = {
      ceremony: { slug: SLUG, name: 'Kvalitetsmässan (gallring)', locale: 'sv-SE' },
      categories: [
        {
          slug: 'gotapriset',
          name: 'GötaPriset',
          nomineeBounds: { min: 3, max: 4 },
          criteria: CRITERIA,
          jury: [{ name: 'Anna Ek', chair: true }, { name: 'Bo Alm' }, { name: 'Cecilia Björk', affiliation: 'Partille kommun' }, { name: 'David Lind' }],
        },
      ],
    };
    expect((await as<ImportCeremonyResult>(system.adminToken, 'POST', '/api/v1/ceremonies', file)).status).toBe(201);
    const orgs = ['Partille kommun', 'Lerums kommun', 'Region Halland', 'Borås stad', 'Alingsås kommun', 'Kungälvs kommun', 'Mölndals stad', 'Härryda kommun', 'Ale kommun', 'Stenungsunds kommun', 'Tjörns kommun', 'Orust kommun'];
    const titles = ['Tillitsbaserad styrning i hemtjänsten', 'Digital bygglovsprocess', 'Patientkontrakt', 'Nya vägar till arbete', 'Kvalitetssäkrad skolmat', 'Öppna data för alla', 'Trygg på vägen hem', 'Samverkan kring unga', 'Klimatklivet lokalt', 'Medborgarlöften', 'Lean i socialtjänsten', 'Digital äldreomsorg'];
    const csv = ['organisation,kind,title,description', ...orgs.map((o, i) => `${o},kommun,${titles[i]},"Ett arbete som ${titles[i].toLowerCase()} och visar resultat."`)].join('\n');
    const res = await fetch(`${system.gatewayUrl}${CAT}/entries/import`, { method: 'POST', headers: { authorization: `Bearer ${system.adminToken}`, 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(200);
    jurors = (await as<JurorView[]>(system.adminToken, 'GET', `${BASE}/jurors`)).body;
    for (const j of jurors) tokens.set(j.id, (await as<{ token: string }>(system.adminToken, 'POST', `${BASE}/tokens`, { role: 'juror', jurorId: j.id })).body.token);
    for (const token of tokens.values()) await eventually(async () => expect((await as(token, 'GET', `${BASE}/me`)).status).toBe(200));
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await system?.dispose();
  });

  const chairToken = () => tokens.get(jurors.find((j) => j.chair)!.id)!;
  const named = (name: string) => jurors.find((j) => j.name === name)!;

  async function open(path: string, token: string, viewport = PHONE): Promise<Page> {
    const { context, page } = await openPage(browser, viewport, { errors, isMobile: viewport === PHONE });
    contexts.push(context);
    await page.goto(`${system.gatewayUrl}${path}#token=${encodeURIComponent(token)}`);
    return page;
  }

  it('the organiser opens the round on the admin page; the chair assigns k = 2 on the round view', async () => {
    const { context, page: admin } = await openPage(browser, LAPTOP, { errors });
    contexts.push(context);
    await admin.goto(`${system.gatewayUrl}/admin?c=${SLUG}`);
    await admin.locator('#admin-token').fill(system.adminToken);
    await admin.locator('#admin-token').press('Enter');
    await admin.locator('details.cat-block summary').first().click();
    await admin.locator('.screening-opener input').fill('4');
    await admin.locator('.screening-opener button').click();
    await waitForText(admin, '.screening-opener .banner', 'Gallringsomgången är öppen med 12 bidrag', { mode: 'contains' });

    const chair = await open(`/jury/${SLUG}/screening`, chairToken(), LAPTOP);
    await chair.waitForSelector('#scr-k');
    await chair.locator('#scr-k').fill('2');
    await chair.locator('button', { hasText: 'Fördela' }).click();
    await chair.waitForSelector('.scr-table tbody tr');
    const round = (await as<ScreeningView>(chairToken(), 'GET', `${CAT}/screening`)).body;
    expect(round).toMatchObject({ status: 'assigned', k: 2, shortlistSize: 4 });
    expect(round.jurors!.map((j) => j.assigned)).toEqual([6, 6, 6, 6]);
  });

  it("a juror scores and locks an entry of their queue on a phone, with the rubric's anchors, and sees the progress", async () => {
    const bo = named('Bo Alm');
    const page = await open(`/jury/${SLUG}/screening`, tokens.get(bo.id)!);
    await page.waitForSelector('.scr-entry');
    expect(await page.locator('.scr-entry').count()).toBe(6);
    await waitForText(page, '.scr-progress-text', '0 av 6 låsta');
    const first = page.locator('.scr-entry').first();
    await first.locator('label', { hasText: /^5$/ }).first().click();
    await waitForText(page, '.scr-entry:first-child fieldset:nth-of-type(1) .anchor-hint', '5 — Godkänt, men inget nytt');
    await first.locator('fieldset').nth(1).locator('label', { hasText: /^8$/ }).click();
    await waitForText(page, '.scr-entry:first-child fieldset:nth-of-type(2) .anchor-hint', '1 — Inget nytt · 10 — Banbrytande');
    await first.locator('button', { hasText: 'Lås bedömningen' }).click();
    await waitForText(page, '.scr-progress-text', '1 av 6 låsta');
    if (process.env.LAUREL_SCREENSHOTS) await page.screenshot({ path: join(SHOTS, 'screening-queue-phone.png'), fullPage: false });
    const entryId = await first.getAttribute('data-entry');
    const stored = (await as<ScreeningView>(tokens.get(bo.id)!, 'GET', `${CAT}/screening`)).body.queue!.find((q) => q.id === entryId)!;
    expect(stored.review).toMatchObject({ scores: { kvalitet: 5, fornyelse: 8 }, lockedAt: expect.any(String) });
  });

  it("the chair's round view ranks normalized against raw, takes an adjustment with its reason, and freezes", async () => {
    // Everyone else's reviews, through the API.
    for (const [ji, j] of jurors.entries()) {
      const token = tokens.get(j.id)!;
      for (const item of (await as<ScreeningView>(token, 'GET', `${CAT}/screening`)).body.queue!) {
        if (item.review.lockedAt) continue;
        const q = 1 + ((item.id.charCodeAt(0) + ji * 3) % 10);
        expect((await as(token, 'PUT', `${CAT}/screening/reviews/${item.id}`, { scores: { kvalitet: q, fornyelse: Math.min(10, q + 1) } })).status).toBe(200);
        expect((await as(token, 'POST', `${CAT}/screening/reviews/${item.id}/lock`)).status).toBe(200);
      }
    }
    const page = await open(`/jury/${SLUG}/screening`, chairToken(), LAPTOP);
    await page.waitForSelector('.scr-table tbody tr');
    expect(await page.locator('.scr-table tbody tr').count()).toBe(ENTRIES);
    expect(await page.locator('.scr-table tbody tr.on-draft').count()).toBe(4);
    // Remove the fourth of the draft, with the reason.
    await page.locator('.scr-table tbody tr.on-draft').nth(3).locator('button').click();
    await page.locator('dialog textarea').fill('Samma projekt som ett bidrag högre upp');
    await page.locator('dialog button.btn-gold').click();
    await waitForText(page, '.scr-adjustments', 'Samma projekt som ett bidrag högre upp', { mode: 'contains' });
    expect(await page.locator('.scr-table tbody tr.on-draft').count()).toBe(3);
    // The page from the top down to the panel's end: an element shot of the panel scrolled it under the sticky
    // header, which was drawn over the panel's top and cut off at the panel's left edge.
    if (process.env.LAUREL_SCREENSHOTS) {
      await page.evaluate(() => window.scrollTo(0, 0));
      const panel = (await page.locator('.scr-chair').boundingBox())!;
      const width = await page.evaluate(() => document.documentElement.clientWidth);
      await page.screenshot({ path: join(SHOTS, 'screening-chair.png'), fullPage: true, clip: { x: 0, y: 0, width, height: Math.ceil(panel.y + panel.height + 16) } });
    }
    await page.locator('button', { hasText: 'Frys nomineringarna' }).click();
    await page.locator('dialog button.btn-danger').click();
    await waitForText(page, '.scr-chair', /Fryst/, { mode: 'contains' });
    await eventually(async () => expect((await as<{ publishedAt: string | null }>(system.adminToken, 'GET', `${CAT}/shortlist`)).body.publishedAt).not.toBeNull());
  });

  it('the deliberation panel opens at the lock and updates live on another juror’s phone', async () => {
    const nominees = await eventually(async () => {
      const view = (await system.http<{ categories: { nominees: { id: string }[] }[] }>('GET', BASE)).body;
      expect(view.categories[0].nominees).toHaveLength(3);
      return view.categories[0].nominees.map((n) => n.id);
    });
    for (const j of jurors) {
      const token = tokens.get(j.id)!;
      const me = (await as<JurorView>(token, 'GET', `${BASE}/me`)).body;
      const conflicted = new Set(me.conflicts.map((c) => c.nomineeId));
      const scores = Object.fromEntries(nominees.filter((n) => !conflicted.has(n)).map((n, i) => [n, { kvalitet: 6 + i, fornyelse: 7 }]));
      await eventually(async () => expect((await as(token, 'PUT', `${CAT}/ballot`, { scores })).status).toBe(200));
      expect((await as(token, 'POST', `${CAT}/ballot/lock`)).status).toBe(200);
    }
    const [bo, david] = await Promise.all([open(`/jury/${SLUG}`, tokens.get(named('Bo Alm').id)!), open(`/jury/${SLUG}`, tokens.get(named('David Lind').id)!)]);
    for (const p of [bo, david]) await p.waitForSelector('.deliberation .thread');
    await bo.locator('.deliberation .thread').first().locator('textarea').fill('Tydligast resultat av de tre, men hur sprids arbetet?');
    await bo.locator('.deliberation .thread').first().locator('button', { hasText: 'Kommentera' }).click();
    await waitForText(david, '.deliberation article.thread:first-of-type .comments', 'Tydligast resultat av de tre', { mode: 'contains' });
    if (process.env.LAUREL_SCREENSHOTS) {
      // The panel's top just below the page's sticky bar.
      await david.evaluate(() => window.scrollTo(0, (document.querySelector('.deliberation') as HTMLElement).getBoundingClientRect().top + window.scrollY - 70));
      await david.screenshot({ path: join(SHOTS, 'deliberation-phone.png') });
    }
    expect(errors).toEqual([]);
  });
});
