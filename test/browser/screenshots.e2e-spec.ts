import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import type { CueResult } from '#contracts';
import { ceremony2017, outcome2017 } from '../support/fixtures.js';
import { startSystem, type TestSystem } from '../support/system.js';
import {
  categoryOf,
  deliberateOverRest,
  importCeremony,
  issueToken,
  jurors,
  LAPTOP,
  launchChromium,
  openPage,
  PHONE,
  requireWebBuild,
  ROOT,
  scoreFor,
  settled,
  STAGE,
  waitForText,
  type Gala,
} from './browser.js';

/**
 * Screenshots of the product for the README (docs/screenshots/): every stage scene at 1920×1080 with
 * full motion (taken once its entrance animations have finished), the jury page on a 390×844 phone,
 * the control room, press dashboard and presenter monitor at 1440×900, the public page on a phone.
 *
 *   LAUREL_SCREENSHOTS=1 ./laurel test jest -- test/browser/screenshots
 *
 * (or `npm run build:web && LAUREL_SCREENSHOTS=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/browser/screenshots`).
 * Without LAUREL_SCREENSHOTS the suite is skipped, so the normal test run leaves docs/ alone.
 */
const OUT = join(ROOT, 'docs/screenshots');
const KK = 'sveriges-kvalitetskommun';
const run = process.env.LAUREL_SCREENSHOTS ? describe : describe.skip;

run('screenshots for the README', () => {
  let system: TestSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let gala: Gala;
  let producer: string;
  let screen: string;
  const outcome = outcome2017();

  beforeAll(async () => {
    requireWebBuild();
    mkdirSync(OUT, { recursive: true });
    [system, browser] = await Promise.all([startSystem({ label: 'browser_screenshots' }), launchChromium()]);
    gala = await importCeremony(system, ceremony2017());
    [producer, screen] = await Promise.all([issueToken(system, gala, 'producer'), issueToken(system, gala, 'screen')]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await system?.dispose();
  });

  async function open(viewport: { width: number; height: number }, path: string, options: { isMobile?: boolean } = {}): Promise<Page> {
    const opened = await openPage(browser, viewport, { ...options, reducedMotion: false });
    contexts.push(opened.context);
    await opened.page.goto(`${system.gatewayUrl}${path}`);
    return opened.page;
  }

  /** Stage scenes (gradients, glow) as JPEG to keep the repository light; app pages as PNG. */
  async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
    await settled(page);
    const jpeg = name.startsWith('stage-');
    await page.screenshot({ path: join(OUT, `${name}.${jpeg ? 'jpg' : 'png'}`), fullPage: options.fullPage ?? false, ...(jpeg ? { type: 'jpeg' as const, quality: 90 } : {}) });
  }

  async function cue(action: string, extra: Record<string, unknown> = {}): Promise<CueResult> {
    const res = await system.http<CueResult>('POST', `${gala.base}/show/cues`, { token: producer, body: { action, idempotencyKey: randomUUID(), ...extra } });
    if (res.status !== 200) throw new Error(`cue ${action}: ${res.status} ${res.text}`);
    return res.body;
  }

  it('the jury page on a phone: scoring, then the chair with the verdict', async () => {
    const category = categoryOf(gala, KK);
    const result = outcome.find((r) => r.category === KK)!;
    const winner = category.nominees.find((n) => n.slug === result.winner)!;
    const panel = (await jurors(system, gala)).filter((j) => j.categoryId === category.id);
    expect((await system.http('PUT', `${gala.base}/categories/${KK}/chair`, { token: system.adminToken, body: { jurorId: panel[0].id } })).status).toBe(200);
    const tokens = await Promise.all(panel.map((j) => issueToken(system, gala, 'juror', j.id)));
    const scores = (j: number) =>
      Object.fromEntries(category.nominees.map((n, k) => [n.id, Object.fromEntries(category.criteria.map((c, ci) => [c.key, scoreFor(j, k, ci, n.id === winner.id)]))]));

    // Juror 2 on the phone, half-way through the ballot (scores autosaved as a draft).
    const phone = await open(PHONE, `/jury/${gala.slug}#token=${encodeURIComponent(tokens[1])}`, { isMobile: true });
    await waitForText(phone, '.jury-title', category.name);
    for (const [k, nominee] of category.nominees.slice(0, 2).entries()) {
      for (const [ci, criterion] of category.criteria.entries()) {
        await phone.locator(`label[for="s-${nominee.id}-${criterion.key}-${scoreFor(1, k, ci, nominee.id === winner.id)}"]`).click();
      }
    }
    await phone.locator(`label[for="s-${category.nominees[2].id}-${category.criteria[0].key}-6"]`).click();
    await phone.waitForSelector('.save-state[data-state="saved"]');
    await phone.evaluate(() => window.scrollTo(0, 0));
    await shot(phone, 'jury-phone');
    await phone.evaluate(() => document.querySelectorAll('.nominee')[1]?.scrollIntoView({ block: 'start' }));
    await shot(phone, 'jury-phone-scoring');

    // Everyone locks (over REST here), the chair computes the verdict on the phone.
    for (const [j, token] of tokens.entries()) {
      expect((await system.http('PUT', `${gala.base}/categories/${KK}/ballot`, { token, body: { scores: scores(j) } })).status).toBe(200);
      expect((await system.http('POST', `${gala.base}/categories/${KK}/ballot/lock`, { token })).status).toBe(200);
    }
    await phone.goto(`${system.gatewayUrl}/jury/${gala.slug}#token=${encodeURIComponent(tokens[0])}`);
    await waitForText(phone, '.quorum', '8 av 8 låsta', { mode: 'contains' });
    await phone.locator('#motivation').fill(result.motivation);
    await phone.locator('.chair button.btn-gold.btn-lg').click();
    await waitForText(phone, '.verdict-winner', `★ ${winner.organisation}`);
    await phone.evaluate(() => document.querySelector('.verdict')?.scrollIntoView({ block: 'center' }));
    await shot(phone, 'jury-phone-chair');
    await phone.locator('.chair button.btn-danger.btn-lg').click();
    await phone.locator('dialog[open] #dlg-check').check();
    await shot(phone, 'jury-phone-seal');
    await phone.locator('dialog[open] .btn-danger').click();
    await waitForText(phone, '.sealed-box .commitment', /^[0-9a-f]{64}$/);

    await Promise.all(outcome.filter((r) => r.category !== KK).map((r) => deliberateOverRest(system, gala, r)));
  }, 300_000);

  // Full motion on a shared machine: each scene waits for its entrance animations before its picture.
  it('every stage scene at 1920×1080, the control room, press, presenter and public pages', async () => {
    const stage = await open(STAGE, `/stage/${gala.slug}?label=LED-mitten#token=${encodeURIComponent(screen)}`);
    const control = await open(LAPTOP, `/control/${gala.slug}#token=${encodeURIComponent(producer)}`);
    const pressToken = await issueToken(system, gala, 'press');
    const press = await open(LAPTOP, `/press/${gala.slug}#token=${encodeURIComponent(pressToken)}`);
    const presenter = await open(LAPTOP, `/presenter/${gala.slug}?label=Talarmonitor#token=${encodeURIComponent(screen)}`);
    const publicPage = await open(PHONE, `/c/${gala.slug}`, { isMobile: true });
    await stage.waitForSelector('.stage[data-kind="blackout"]');

    const scene = async (kind: string) => {
      await stage.waitForSelector(`.stage[data-kind="${kind}"] .scene.scene-${kind}.in`);
      // The previous scene fades out and is removed.
      await stage.waitForFunction(() => document.querySelectorAll('.scene').length === 1);
    };

    await cue('next');
    await scene('welcome');
    await shot(stage, 'stage-welcome');

    const ordered = [...gala.view.categories].sort((a, b) => a.order - b.order);
    for (const category of ordered) {
      const featured = category.slug === KK;
      await cue('next');
      await scene('category');
      if (featured) await shot(stage, 'stage-category');
      await cue('next');
      await scene('nominees');
      if (featured) {
        await shot(stage, 'stage-nominees');
        await shot(presenter, 'presenter');
      }
      await cue('next');
      await scene('envelope');
      if (featured) {
        await shot(stage, 'stage-envelope');
        await waitForText(control, '.onair-name', category.name);
        await shot(control, 'control-room');
        await control.locator('.cue-reveal').click();
        await waitForText(control, 'dialog.reveal-dialog .reveal-cat', category.name);
        await shot(control, 'control-room-reveal');
        await control.locator('dialog.reveal-dialog[open] .dialog-actions .btn-gold').click();
      } else {
        await cue('reveal', { categoryId: category.id });
      }
      await scene('winner');
      if (featured) {
        await shot(stage, 'stage-winner');
        await waitForText(press, `.press-card[aria-labelledby="h-${category.id}"] .press-winner`, /\S/);
        await press.waitForSelector(`.press-card[aria-labelledby="h-${category.id}"] .verify.ok`);
        // The first card's press release opened, as a journalist would before copying it.
        await press.locator('.press-card .press-release summary').first().click();
        await press.waitForSelector('.press-card .press-release[open] .press-release-text');
        await press.evaluate(() => window.scrollTo(0, 0));
        await shot(press, 'press');
        await waitForText(publicPage, '.pub-live .pub-winner', /\S/);
        await shot(publicPage, 'public-phone');
        await shot(presenter, 'presenter-winner');
      }
      await cue('next');
      await scene('motivation');
      if (featured) {
        await shot(stage, 'stage-motivation');
        await cue('blackout');
        await scene('blackout');
        await shot(stage, 'stage-blackout');
        await cue('resume');
        await scene('motivation');
      }
    }
    await cue('next');
    await scene('closing');
    await shot(stage, 'stage-closing');
    await shot(publicPage, 'public-results', { fullPage: true });
    // The interlude the producer can put up at any time (goto).
    await cue('goto', { scene: 'interlude' });
    await scene('interlude');
    await shot(stage, 'stage-interlude');
  }, 400_000);

  it('the admin page: the ceremony, its jurors and a screen link with its QR code', async () => {
    const admin = await open(LAPTOP, `/admin?c=${gala.slug}`);
    await admin.locator('#admin-token').fill(system.adminToken);
    await admin.locator('#admin-token').press('Enter');
    await admin.waitForSelector('#tok-role');
    await admin.locator('#tok-role').selectOption('screen');
    await admin.locator('#tok-label').fill('LED-vägg vänster');
    await admin.locator('.token-form button[type="submit"]').click();
    await admin.waitForSelector('.link-row canvas');
    await shot(admin, 'admin', { fullPage: true });
  }, 120_000);

  it('the rehearsal watermark on the stage', async () => {
    const stage = await open(STAGE, `/stage/${gala.slug}?rehearsal=1&label=LED-mitten#token=${encodeURIComponent(screen)}`);
    await stage.waitForSelector('.net-dot[data-state="connected"]');
    const cued = await cue('goto', { rehearsal: true, categoryId: categoryOf(gala, KK).id, scene: 'nominees' });
    expect(cued.scene).toMatchObject({ kind: 'nominees', rehearsal: true });
    await stage.waitForSelector('.stage.rehearsal[data-kind="nominees"] .scene.scene-nominees.in', { timeout: 30_000 }).catch(async (error: unknown) => {
      const state = await stage.evaluate(() => ({ kind: document.querySelector('.stage')?.getAttribute('data-kind'), cls: document.querySelector('.stage')?.className }));
      throw new Error(`rehearsal stage: ${JSON.stringify(state)}`, { cause: error });
    });
    await stage.waitForFunction(() => document.querySelectorAll('.scene').length === 1);
    await shot(stage, 'stage-rehearsal');
  }, 120_000);
});
