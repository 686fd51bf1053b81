import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { INestApplication } from '@nestjs/common';
import type { JurorView, SealResult } from '#contracts';
import { gatewayConfig, startGateway } from '../../apps/gateway/src/bootstrap.js';
import { ceremony2017, outcome2017, type OutcomeResult } from '../support/fixtures.js';
import { startSystem, TEST_SERVICE_TOKEN, TEST_WEB_DIST, type TestSystem } from '../support/system.js';
import {
  categoryOf,
  deliberateOverRest,
  freePort,
  importCeremony,
  issueToken,
  jurors,
  LAPTOP,
  launchChromium,
  norm,
  openPage,
  pageTexts,
  PHONE,
  requireWebBuild,
  scoreFor,
  STAGE,
  stopwatch,
  waitForText,
  winnerContextTexts,
  WINNER_CONTEXTS,
  type Gala,
} from './browser.js';

/**
 * The 2017 gala in a real browser (Debian's chromium, playwright-core) against the real system
 * (nats-server, Postgres, the four Nest apps, the pages the gateway serves from dist/web).
 *
 * Sveriges KvalitetsKommun is deliberated entirely through the jury page on a phone viewport: each
 * of its eight real jurors scores every criterion and locks; the chair writes the real motivation,
 * computes the verdict and seals. The four other categories are deliberated over REST by demo
 * jurors (the same calls the jury page makes, and covered in test/jury-deliberation) to keep the
 * test fast. The producer then runs the whole show from the control room page by clicking its
 * buttons, confirming each reveal in its dialog, while a stage screen (1920×1080), the presenter's
 * monitor, a press dashboard, the public page and a juror's phone stay open; after every cue each
 * page is checked: the right scene, the right winner and motivation after the reveal, and before
 * it no winner in a winner context and no motivation anywhere.
 */

const KK = 'sveriges-kvalitetskommun';
/** A minute or two on a quiet machine; room for a CI box that runs other suites beside this one. */
const SLOW = 300_000;

describe('the 2017 gala in a browser', () => {
  let system: TestSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const outcome = outcome2017();
  const lap = stopwatch();

  /** Any call a page makes that the server refuses: the pages and the server disagree on the contract. */
  const refused: string[] = [];
  function watch(page: Page): void {
    page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()}`);
    });
  }

  async function open(viewport: { width: number; height: number }, url: string, options: { isMobile?: boolean } = {}): Promise<Page> {
    // Page errors and Content-Security-Policy violations of every page land in `errors`.
    const opened = await openPage(browser, viewport, { ...options, errors });
    contexts.push(opened.context);
    watch(opened.page);
    await opened.page.goto(url);
    return opened.page;
  }

  beforeAll(async () => {
    requireWebBuild();
    [system, browser] = await Promise.all([startSystem({ label: 'browser_gala' }), launchChromium()]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await system?.dispose();
  });

  describe('Kvalitetsmässan 2017', () => {
    let gala: Gala;
    let producer: string;
    let stage: Page;
    let presenter: Page;
    let press: Page;
    let publicPage: Page;
    let control: Page;
    let phone: Page;
    const seals = new Map<string, SealResult>();
    const revealed = new Set<string>();

    const url = (path: string, token?: string) => `${system.gatewayUrl}${path}${token ? `#token=${encodeURIComponent(token)}` : ''}`;
    const watched = (): [string, Page][] => [
      ['stage', stage],
      ['presenter', presenter],
      ['press', press],
      ['public', publicPage],
      ['control', control],
      ['phone', phone],
    ];

    /** Nothing early: no unrevealed winner in a winner context, no unrevealed motivation anywhere. */
    async function expectNoSpoilers(when: string): Promise<void> {
      for (const [name, page] of watched()) {
        const { text, contexts } = await pageTexts(page);
        for (const result of outcome) {
          if (revealed.has(result.category)) continue;
          const motivation = norm(result.motivation);
          for (const snippet of [motivation.slice(0, 60), motivation.slice(-60)]) {
            if (text.includes(snippet)) throw new Error(`${when}: the ${name} page shows the unrevealed motivation of ${result.category}`);
          }
          const winner = categoryOf(gala, result.category).nominees.find((n) => n.slug === result.winner)!;
          const winnerName = winner.organisation ?? winner.title ?? '';
          if (contexts.some((t) => t.includes(winnerName))) throw new Error(`${when}: the ${name} page names ${winnerName} (${result.category}) as a winner before the reveal: ${JSON.stringify(contexts)}`);
        }
      }
    }

    it('opens the stage, presenter, press, public and control room pages', async () => {
      gala = await importCeremony(system, ceremony2017());
      producer = await issueToken(system, gala, 'producer');
      const [pressToken, screenToken] = await Promise.all([issueToken(system, gala, 'press'), issueToken(system, gala, 'screen')]);
      [stage, presenter, press, publicPage, control] = await Promise.all([
        open(STAGE, url(`/stage/${gala.slug}?label=LED-mitten#token=${encodeURIComponent(screenToken)}`)),
        open(LAPTOP, url(`/presenter/${gala.slug}?label=Talarmonitor#token=${encodeURIComponent(screenToken)}`)),
        open(LAPTOP, url(`/press/${gala.slug}`, pressToken)),
        open(PHONE, url(`/c/${gala.slug}`), { isMobile: true }),
        open(LAPTOP, url(`/control/${gala.slug}`, producer)),
      ]);
      await stage.waitForSelector('.stage[data-kind="blackout"]');
      // The token leaves the address bar at once (it must not end up on a projected screen).
      expect(new URL(stage.url()).searchParams.get('token')).toBeNull();
      for (const page of [stage, presenter, press, control]) expect(page.url()).not.toContain('token=');
      await waitForText(publicPage, '.pub-title', 'Kvalitetsmässan 2017 – invigningsgala');
      await waitForText(press, '.press-card h2', 'Sveriges KvalitetsKommun 2017');
      await waitForText(control, '.ros-cat-name', 'GötaPriset 2017');
      // The producer sees the live screens (presence) with their sequence.
      await waitForText(control, '.screen-label', 'LED-mitten');
      await waitForText(control, '.screen-label', 'Talarmonitor');
    });

    it('deliberates Sveriges KvalitetsKommun on the jury page (phone), the others over REST, and seals', async () => {
      const category = categoryOf(gala, KK);
      const result = outcome.find((r) => r.category === KK)!;
      const winner = category.nominees.find((n) => n.slug === result.winner)!;
      // The other four categories over REST, concurrently with the browser (see the note above).
      const others = Promise.all(
        outcome.filter((r) => r.category !== KK).map(async (r) => seals.set(categoryOf(gala, r.category).id, await deliberateOverRest(system, gala, r))),
      );

      lap('start deliberation');
      const panel = (await jurors(system, gala)).filter((j) => j.categoryId === category.id);
      expect(panel).toHaveLength(8);
      // The organiser appoints the chair (the source names none); the chair locks last.
      const chair = panel[0];
      expect((await system.http('PUT', `${gala.base}/categories/${KK}/chair`, { token: system.adminToken, body: { jurorId: chair.id } })).status).toBe(200);
      const order: JurorView[] = [...panel.slice(1), chair];
      const tokens = new Map<string, string>();
      lap('chair appointed');
      await Promise.all(order.map(async (j) => tokens.set(j.id, await issueToken(system, gala, 'juror', j.id))));
      lap('juror tokens issued');

      // The jurors score at once, each on a phone of their own (two phones in this test, taken in turns).
      const phones: Page[] = [];
      for (let i = 0; i < 2; i++) {
        const opened = await openPage(browser, PHONE, { isMobile: true, errors });
        contexts.push(opened.context);
        watch(opened.page);
        phones.push(opened.page);
      }
      phone = phones[0];
      lap('phones opened');

      /**
       * One juror's whole ballot on the jury page. `pointer`: every score is a real click on the phone
       * (the chair and the first juror); otherwise the same labels are clicked inside the page in one
       * round trip (same handlers, same autosave), which keeps the test fast on a loaded machine.
       * Locking is always the real confirmation dialog.
       */
      const scoreAndLock = async (device: Page, juror: JurorView, pointer: boolean): Promise<void> => {
        const j = panel.indexOf(juror);
        await device.goto(url(`/jury/${gala.slug}`, tokens.get(juror.id)));
        await waitForText(device, '.jury-title', category.name);
        await waitForText(device, '.jury-head p.muted', juror.name, { mode: 'contains' });
        // Conflicts of interest are shown and cannot be scored.
        const conflicted = new Set(juror.conflicts.map((c) => c.nomineeId));
        expect(await device.locator('.nominee.conflicted').count()).toBe(conflicted.size);
        const labels: string[] = [];
        for (const [k, nominee] of category.nominees.entries()) {
          if (conflicted.has(nominee.id)) continue;
          for (const [ci, criterion] of category.criteria.entries()) labels.push(`label[for="s-${nominee.id}-${criterion.key}-${scoreFor(j, k, ci, nominee.id === winner.id)}"]`);
        }
        if (pointer) {
          for (const label of labels) await device.locator(label).click();
        } else {
          const missing = await device.evaluate((sels) => sels.filter((sel) => {
            const label = document.querySelector<HTMLLabelElement>(sel);
            label?.click();
            return !label;
          }), labels);
          expect(missing).toEqual([]);
        }
        await waitForText(device, '.progress-text', `${labels.length} av ${labels.length} betyg`);
        // Autosaved as a draft.
        await device.waitForSelector('.save-state[data-state="saved"]');
        // Lock: an irreversible confirmation with an acknowledgement box.
        await device.locator('.lock-btn').click();
        const dialog = device.locator('dialog[open]');
        expect(await dialog.locator('.btn-danger').isDisabled()).toBe(true);
        await dialog.locator('#dlg-check').check();
        await dialog.locator('.btn-danger').click();
        await device.waitForSelector('main.jury.is-locked');
        expect(await device.locator('.seg input:not(:disabled)').count()).toBe(0);
        lap(`juror ${juror.name} scored${pointer ? ' (pointer)' : ''} and locked`);
      };
      const queue = order.filter((j) => j !== chair);
      await Promise.all(
        phones.map(async (device, d) => {
          for (let juror = queue.shift(), first = d === 0; juror; juror = queue.shift(), first = false) await scoreAndLock(device, juror, first);
        }),
      );
      await phones[1].context().close();
      await scoreAndLock(phone, chair, true);

      // The chair (still on the phone): quorum, the real motivation, the verdict, the seal.
      await waitForText(phone, '.quorum', '8 av 8 låsta', { mode: 'contains' });
      await phone.locator('#motivation').fill(result.motivation);
      await phone.locator('.chair button.btn-gold.btn-lg').click();
      await waitForText(phone, '.verdict-winner', `★ ${winner.organisation}`);
      await phone.locator('.chair button.btn-danger.btn-lg').click();
      const sealDialog = phone.locator('dialog[open]');
      await waitForText(phone, 'dialog[open] .seal-winner', `★ ${winner.organisation}`);
      await sealDialog.locator('#dlg-check').check();
      await sealDialog.locator('.btn-danger').click();
      const commitment = await waitForText(phone, '.sealed-box .commitment', /^[0-9a-f]{64}$/);
      seals.set(category.id, { commitment, sealedAt: '' });
      lap('chair sealed');
      await others;
      lap('other categories sealed over REST');
      expect(seals.size).toBe(5);

      // During the show the phone shows a (non-chair) juror's locked ballot.
      await phone.goto(url(`/jury/${gala.slug}`, tokens.get(order[0].id)));
      await phone.waitForSelector('main.jury.is-locked');

      // Press sees every seal with its public commitment; the producer sees progress, never a result.
      for (const [categoryId, seal] of seals) {
        await waitForText(press, `.press-card[aria-labelledby="h-${categoryId}"] .commitment`, seal.commitment);
      }
      await waitForText(control, '.progress-item .small', '8/8 låsta');
      expect(await control.locator('.progress-item .badge-ok').count()).toBe(5);
      await expectNoSpoilers('after sealing');
    }, SLOW);

    /** Clicks a cue button in the control room and waits until the control room shows the new scene. */
    async function cue(button: '.cue-next' | '.cue-reveal', expectKind: string, category?: { id: string; name: string }): Promise<void> {
      await control.waitForSelector(`${button}:not(:disabled)`);
      await control.locator(button).click();
      if (button === '.cue-reveal') {
        // The reveal asks once, with the category in large type (the wrong-envelope lesson of 2017).
        const dialog = control.locator('dialog.reveal-dialog[open]');
        await waitForText(control, 'dialog.reveal-dialog .reveal-cat', category!.name);
        await dialog.locator('.dialog-actions .btn-gold').click();
      }
      await control.waitForSelector(`.ros-row.current[data-kind="${expectKind}"]`);
    }

    async function expectStage(kind: string, check?: (scene: string) => Promise<void>): Promise<void> {
      await stage.waitForSelector(`.stage[data-kind="${kind}"] .scene.scene-${kind}.in`);
      await check?.(`.scene.scene-${kind}:not(.out)`);
    }

    async function expectRevealed(result: OutcomeResult, name: string, categoryId: string, categoryName: string): Promise<void> {
      const motivation = norm(result.motivation);
      // Stage: the winner card, after its flip instant.
      await expectStage('winner', async (s) => {
        await waitForText(stage, `${s} .winner-name`, name);
        await waitForText(stage, `${s} .winner-category`, categoryName);
      });
      // Presenter: the winner and the motivation to read aloud.
      await waitForText(presenter, '.pm-winner-name', name);
      await waitForText(presenter, '.pm-motivation', motivation);
      // Press: the result, copy-ready, checked in the browser against the commitment sealed earlier.
      const card = `.press-card[aria-labelledby="h-${categoryId}"]`;
      await waitForText(press, `${card} .press-winner`, name);
      await waitForText(press, `${card} .press-motivation`, motivation);
      await press.waitForSelector(`${card} .verify.ok`);
      await waitForText(press, `${card} .verify code`, seals.get(categoryId)!.commitment);
      // The press release came with the reveal, never before.
      await waitForText(press, `${card} .press-release-text`, `${name} vinner ${categoryName}`, { mode: 'contains' });
      // Public: the live result and the archive card.
      await waitForText(publicPage, '.pub-live .pub-winner', name);
      await waitForText(publicPage, '.pub-live .pub-motivation', motivation);
      await waitForText(publicPage, `.pub-card#${result.category} .pub-winner`, name);
    }

    it('runs the show from the control room: every cue clicked, every reveal confirmed, every page checked', async () => {
      await cue('.cue-next', 'welcome');
      await expectStage('welcome', async (s) => {
        await waitForText(stage, `${s} .welcome-title`, 'Kvalitetsmässan 2017');
        await waitForText(stage, `${s} .welcome-meta`, 'GöteborgsOperan', { mode: 'contains' });
      });
      // A broadcast canvas: no scrollbars, no cursor, and the 1920×1080 stage fills the output.
      expect(
        await stage.evaluate(() => {
          const root = document.documentElement;
          const box = document.querySelector('.stage')!.getBoundingClientRect();
          return {
            scrolls: root.scrollWidth > root.clientWidth || root.scrollHeight > root.clientHeight,
            cursor: getComputedStyle(document.body).cursor,
            size: [Math.round(box.width), Math.round(box.height)],
          };
        }),
      ).toEqual({ scrolls: false, cursor: 'none', size: [1920, 1080] });
      await expectNoSpoilers('welcome');

      const categories = [...gala.view.categories].sort((a, b) => a.order - b.order);
      for (const category of categories) {
        const result = outcome.find((r) => r.category === category.slug)!;
        const winner = category.nominees.find((n) => n.slug === result.winner)!;
        const name = winner.organisation ?? winner.title ?? '';

        await cue('.cue-next', 'category');
        await expectStage('category', (s) => waitForText(stage, `${s} .category-title`, category.name).then(() => undefined));
        await waitForText(presenter, '.pm-cat', category.name);
        await waitForText(publicPage, '.pub-now strong', category.name);
        await expectNoSpoilers(`${category.slug} category`);

        await cue('.cue-next', 'nominees');
        await expectStage('nominees', async (s) => {
          expect(await stage.locator(`${s} .nominee-card`).count()).toBe(category.nominees.length);
          await waitForText(stage, `${s} .nominee-name`, category.nominees[category.nominees.length - 1].organisation ?? category.nominees[category.nominees.length - 1].title ?? '');
        });
        await waitForText(presenter, '.pm-n-name', category.nominees[0].organisation ?? category.nominees[0].title ?? '');
        await expectNoSpoilers(`${category.slug} nominees`);

        await cue('.cue-next', 'envelope');
        await expectStage('envelope', (s) => waitForText(stage, `${s} .envelope-line`, 'Och priset går till…').then(() => undefined));
        await expectNoSpoilers(`${category.slug} envelope`);
        // Next is refused until the envelope is opened: the control room says so, the stage stays.
        expect(await control.locator('.cue-reveal').isDisabled()).toBe(false);

        await cue('.cue-reveal', 'winner', category);
        revealed.add(category.slug);
        await expectRevealed(result, name, category.id, category.name);
        await expectNoSpoilers(`${category.slug} winner`);

        await cue('.cue-next', 'motivation');
        await expectStage('motivation', async (s) => {
          await waitForText(stage, `${s} .motivation-winner`, name);
          const page = await waitForText(stage, `${s} .motivation-text.current`, /\S/);
          expect(norm(result.motivation).startsWith(page)).toBe(true);
        });
        await expectNoSpoilers(`${category.slug} motivation`);
        lap(`${category.slug} shown`);
      }

      await cue('.cue-next', 'closing');
      await expectStage('closing', async (s) => {
        expect(await stage.locator(`${s} .cw-name`).count()).toBe(5);
        for (const result of outcome) {
          const category = categoryOf(gala, result.category);
          const winner = category.nominees.find((n) => n.slug === result.winner)!;
          await waitForText(stage, `${s} .cw-name`, winner.organisation ?? winner.title ?? '');
        }
      });

      // The results archive over REST agrees with what the pages showed.
      const results = await system.http<{ categoryId: string; winnerId: string; motivation: string; commitment: string }[]>('GET', `${gala.base}/results`);
      expect(results.body).toHaveLength(5);
      for (const r of results.body) expect(r.commitment).toBe(seals.get(r.categoryId)!.commitment);
      expect(errors).toEqual([]);
      expect(refused).toEqual([]);
    }, SLOW);
  });

  describe('a stage screen that loses its connection mid-show', () => {
    let extraGateway: INestApplication | null = null;

    afterAll(async () => {
      await extraGateway?.close().catch(() => undefined);
    });

    it('keeps its last scene on screen, marks the drop for the crew only, and catches up from the snapshot', async () => {
      // A second copy of the ceremony, so this test runs its own show.
      const file = ceremony2017();
      (file.ceremony as { slug: string }).slug = 'kvalitetsmassan-2017-natavbrott';
      const gala = await importCeremony(system, file);
      const result = outcome.find((r) => r.category === 'gotapriset')!;
      const category = categoryOf(gala, result.category);
      const name = category.nominees.find((n) => n.slug === result.winner)!.organisation!;
      await deliberateOverRest(system, gala, result);
      const [producer, screen] = await Promise.all([issueToken(system, gala, 'producer'), issueToken(system, gala, 'screen')]);

      // Gateways are stateless and scale out: the stage hangs off a second gateway that we cut.
      const port = await freePort();
      const config = () => gatewayConfig({ NATS_URL: system.nats.url, PORT: port, LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN, REVEAL_LEAD_MS: 250, WEB_DIST: TEST_WEB_DIST });
      extraGateway = await startGateway(config());
      const edge = `http://127.0.0.1:${port}`;

      const stage = await open(STAGE, `${edge}/stage/${gala.slug}?label=LED-vanster#token=${encodeURIComponent(screen)}`);
      const control = await open(LAPTOP, `${system.gatewayUrl}/control/${gala.slug}#token=${encodeURIComponent(producer)}`);
      await stage.waitForSelector('.net-dot[data-state="connected"]');

      // This producer works from the keyboard: → for next, R then Enter for a reveal.
      const next = async (kind: string) => {
        await control.waitForSelector('.cue-next:not(:disabled)');
        await control.keyboard.press('ArrowRight');
        await control.waitForSelector(`.ros-row.current[data-kind="${kind}"]`);
      };
      for (const kind of ['welcome', 'category', 'nominees', 'envelope']) await next(kind);
      await stage.waitForSelector('.stage[data-kind="envelope"] .scene-envelope.in');

      // Cut: the stage's gateway goes away.
      await extraGateway.close();
      extraGateway = null;
      await stage.waitForSelector('.net-dot[data-state="reconnecting"]');
      // The last scene stays on screen; only the small dot tells the crew.
      expect(await stage.locator('.stage[data-kind="envelope"] .scene-envelope.in').count()).toBe(1);
      expect(await stage.locator('.stage-alert.show').count()).toBe(0);

      // Meanwhile the producer reveals (confirmed) and moves on to the motivation.
      await control.keyboard.press('r');
      await waitForText(control, 'dialog.reveal-dialog .reveal-cat', category.name);
      await control.keyboard.press('Enter');
      await control.waitForSelector('.ros-row.current[data-kind="winner"]');
      await next('motivation');
      // The stage has not seen any of it.
      expect(await stage.locator('.stage[data-kind="envelope"]').count()).toBe(1);
      expect(await winnerContextTexts(stage)).toEqual([]);

      // The gateway comes back on the same address: the stage reconnects and catches up from the snapshot.
      extraGateway = await startGateway(config());
      await stage.waitForSelector('.net-dot[data-state="connected"]', { timeout: 20000 });
      await stage.waitForSelector('.stage[data-kind="motivation"] .scene-motivation.in');
      await waitForText(stage, '.scene-motivation:not(.out) .motivation-winner', name);
      const page = await waitForText(stage, '.scene-motivation:not(.out) .motivation-text.current', /\S/);
      expect(norm(result.motivation).startsWith(page)).toBe(true);
      expect(await stage.locator(WINNER_CONTEXTS).count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    }, SLOW);
  });
});
