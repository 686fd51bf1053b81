import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { readClock, type ImportCeremonyResult, type IssuedToken, type ShowSnapshot } from '#contracts';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { LAPTOP, PHONE, ROOT, WINNER_CONTEXTS, launchChromium, openPage, requireWebBuild, waitForText } from './browser.js';

const SLUG = 'kvalitetsmassan-2017';
const BASE = `/api/v1/ceremonies/${SLUG}`;
const SHOTS = join(ROOT, 'docs/screenshots');

/**
 * The production floor in real Chromium (issue 13): the show clock in the control room, the presenter's
 * countdown and the producer's message, two control rooms pressing next at once (one refused as stale, no
 * scene skipped) and the program/preview monitors, whose preview never draws a winner before the reveal.
 * Real NATS, Postgres, services and gateway; the rehearsal show (every category counts as sealed there).
 */
describe('the production floor: clock, presenter messages, two operators, program and preview', () => {
  let system: TestSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const tokens = {} as Record<'a' | 'b' | 'screen', string>;

  beforeAll(async () => {
    requireWebBuild();
    [system, browser] = await Promise.all([startSystem({ label: 'browser_floor' }), launchChromium()]);
    const file = ceremony2017() as { timing?: unknown };
    file.timing = { welcome: 300, closing: 120, interlude: 60, categories: { scenes: { category: 40, nominees: 120, envelope: 20, winner: 30, motivation: 90 } } };
    await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file });
    const issue = async (role: string, label: string) => (await system.http<IssuedToken>('POST', `${BASE}/tokens`, { token: system.adminToken, body: { role, label } })).body.token;
    tokens.a = await issue('producer', 'Kontrollrum A');
    tokens.b = await issue('producer', 'Kontrollrum B');
    tokens.screen = await issue('screen', 'Presentatör');
    await eventually(async () => expect((await system.http('GET', `${BASE}/show`, { token: tokens.a })).status).toBe(200), { timeoutMs: 20000 });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await system?.dispose();
  });

  async function open(path: string, token: string, viewport = LAPTOP): Promise<Page> {
    const { context, page } = await openPage(browser, viewport, { errors });
    contexts.push(context);
    await page.goto(`${system.gatewayUrl}${path}${path.includes('?') ? '&' : '?'}rehearsal=1#token=${encodeURIComponent(token)}`);
    return page;
  }

  const monitorFrame = (page: Page, kind: 'program' | 'preview'): Frame => {
    const f = page.frame({ name: `monitor-${kind}` });
    if (!f) throw new Error(`no ${kind} monitor`);
    return f;
  };

  /** Counts every winner element ever drawn in a monitor (a MutationObserver inside its frame). */
  async function spy(frame: Frame): Promise<void> {
    await frame.waitForFunction(() => document.body.dataset.previewReady === '1');
    await frame.evaluate((selector) => {
      const w = window as unknown as { winnerSightings: number };
      w.winnerSightings = document.querySelectorAll(selector).length;
      new MutationObserver(() => {
        w.winnerSightings += document.querySelectorAll(selector).length;
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    }, WINNER_CONTEXTS);
  }
  const sightings = (frame: Frame) => frame.evaluate(() => (window as unknown as { winnerSightings: number }).winnerSightings);

  const seqOf = async (page: Page) => Number(/Sekvens (\d+)/.exec((await page.locator('.onair-meta').textContent()) ?? '')?.[1] ?? 0);

  it('two control rooms press next at once: one is refused as stale, both show the same scene, none skipped; the preview shows no winner before the reveal', async () => {
    const [a, b] = await Promise.all([open(`/control/${SLUG}`, tokens.a), open(`/control/${SLUG}`, tokens.b)]);
    for (const p of [a, b]) await p.waitForSelector('.ros-row[data-kind="welcome"]');
    await spy(monitorFrame(a, 'preview'));
    await spy(monitorFrame(a, 'program'));
    // Before the show: the preview is the welcome.
    await a.waitForSelector('.monitor-preview[data-kind="welcome"]');

    // 20 rounds of both pressing next at once: welcome, then per category category → nominees → envelope,
    // (the reveal, not a round) → motivation. The first envelope is revealed from control room A's keyboard,
    // the others over REST, so that the rounds go on.
    const cycle = ['category', 'nominees', 'envelope', 'motivation'];
    const expected = ['welcome', ...Array.from({ length: 19 }, (_, i) => cycle[i % cycle.length])];
    const shown: string[] = [];
    let firstEnvelope = true;
    const wins = { a: 0, b: 0 };
    for (const [round, kind] of expected.entries()) {
      const before = await seqOf(a);
      await eventually(async () => expect(await seqOf(b)).toBe(before));
      // Both operators press at the same instant: each page clicks its own Next at one agreed wall-clock time
      // (two playwright clicks in a row are tens of ms apart, long enough for the first scene to reach the other page).
      const at = Date.now() + 200;
      await Promise.all([a, b].map((p) => p.evaluate((when) => void setTimeout(() => document.querySelector<HTMLButtonElement>('.cue-next')!.click(), when - Date.now()), at)));
      // Both settle on the one new scene (seq + 1: nothing skipped); exactly one of the two was refused as stale.
      await eventually(async () => expect([await seqOf(a), await seqOf(b)]).toEqual([before + 1, before + 1]));
      for (const p of [a, b]) await p.waitForSelector(`.ros-row.current[data-kind="${kind}"]`, { state: 'attached' });
      shown.push(kind);
      let refused: number[] = [];
      await eventually(async () => {
        refused = await Promise.all([a, b].map((p) => p.locator('.cue-message.stale-cue').count()));
        const texts = await Promise.all([a, b].map((p) => p.locator('.cue-message').textContent()));
        expect({ round, kind, refused: [...refused].sort(), texts }).toEqual({ round, kind, refused: [0, 1], texts: expect.any(Array) as unknown });
      });
      const loser = refused[0] === 1 ? a : b;
      wins[refused[0] === 1 ? 'b' : 'a']++;
      expect(await loser.locator('.cue-message.stale-cue').textContent()).toMatch(/En annan operatör hann före\. På scenen nu: .+ \(sekvens \d+, tagen av Kontrollrum [AB]\)/);
      expect(await a.locator('.onair-meta').textContent()).toMatch(/tagen av Kontrollrum [AB]/);
      if (kind !== 'envelope') continue;

      const seq = before + 1;
      if (firstEnvelope) {
        firstEnvelope = false;
        // On the envelope: the next cue is the reveal, the preview is the sealed envelope, no winner drawn anywhere yet.
        await a.waitForSelector('.monitor-preview[data-action="reveal"][data-kind="envelope"]', { state: 'attached' });
        expect(await a.locator('.monitor-preview').getAttribute('data-result')).toBe('');
        await a.waitForSelector('.monitor-program[data-kind="envelope"]', { state: 'attached' });
        expect(await sightings(monitorFrame(a, 'preview'))).toBe(0);
        expect(await sightings(monitorFrame(a, 'program'))).toBe(0);
        if (process.env.LAUREL_SCREENSHOTS) await a.screenshot({ path: join(SHOTS, 'control-room-floor.png'), fullPage: true });
        // Take preview (T) = the reveal, confirmed in its dialog: the program flips to the winner.
        await a.keyboard.press('t');
        await a.locator('dialog.reveal-dialog[open] .dialog-actions .btn-gold').click();
        await a.waitForSelector('.monitor-program[data-kind="winner"][data-result="1"]', { state: 'attached' });
        await eventually(async () => expect(await sightings(monitorFrame(a, 'program'))).toBeGreaterThan(0));
        // After the reveal the preview is the motivation, with the result now known.
        await a.waitForSelector('.monitor-preview[data-kind="motivation"][data-result="1"]', { state: 'attached' });
      } else {
        const categoryId = (await system.http<ShowSnapshot>('GET', `${BASE}/show?rehearsal=1`, { token: tokens.a })).body.scene!.categoryId;
        const r = await system.http('POST', `${BASE}/show/cues`, { token: tokens.a, body: { action: 'reveal', categoryId, expectedSeq: seq, rehearsal: true, idempotencyKey: randomUUID() } });
        expect(r.status).toBe(200);
      }
      for (const p of [a, b]) await p.waitForSelector('.ros-row.current[data-kind="winner"]', { state: 'attached' });
    }
    expect(shown).toEqual(expected);
    expect(wins.a + wins.b).toBe(20);
    process.stdout.write(`two control rooms, 20 simultaneous rounds: A applied ${wins.a}, B applied ${wins.b}, every other press refused as stale\n`);
    expect(errors).toEqual([]);
  });

  it('the control room shows the show clock as readClock reads it, and the presenter a countdown and the message in very large type', async () => {
    const control = await open(`/control/${SLUG}`, tokens.a);
    const presenter = await open(`/presenter/${SLUG}`, tokens.screen);
    await control.waitForSelector('.show-clock[data-read-at]');
    // The control room's numbers are readClock's, at the gateway time it read them (same on every screen).
    const show = (await system.http<ShowSnapshot>('GET', `${BASE}/show?rehearsal=1`, { token: tokens.a })).body;
    const clock = show.scene!.clock!;
    expect(clock.plannedSeconds).toBeGreaterThan(0);
    await eventually(async () => expect(Number(await control.locator('.show-clock').getAttribute('data-seq'))).toBe(show.scene!.seq));
    const readAt = Number(await control.locator('.show-clock').getAttribute('data-read-at'));
    const shown = Number(await control.locator('.show-clock').getAttribute('data-over-under'));
    expect(Math.abs(shown - Math.round(readClock(clock, readAt).overUnderSeconds))).toBeLessThanOrEqual(1);
    // The welcome (planned 300 s) was left within seconds: the show is under its plan, and says so.
    expect(shown).toBeLessThan(0);
    await waitForText(control, '.clock-overunder .clock-sub', /under$/, { mode: 'contains' });
    await waitForText(control, '.clock-end .clock-value', /^\d{2}[:.]\d{2}$/);

    // The presenter's countdown for the segment on stage (the category's five planned scenes: 300 s).
    await presenter.waitForSelector('.pm-countdown:not(.hidden) .pm-countdown-value');
    expect(Number(await presenter.locator('.pm-countdown').getAttribute('data-seconds'))).toBeLessThanOrEqual(300);

    // "30 s" from the control room: on the presenter's monitor in very large type.
    await control.locator('.msg-30s').click();
    await waitForText(presenter, '.pm-message', '30 s');
    const size = await presenter.locator('.pm-message').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(100);
    expect(await presenter.locator('.pm-message.urgent').count()).toBe(1);
    await waitForText(control, '.pm-msg-state', /På monitorn: ”30 s”/, { mode: 'contains' });
    // Free text, then after a reload the same message is still there (snapshot).
    await control.locator('.pm-msg-input').fill('Tacka sponsorerna');
    await control.locator('.pm-msg-form button[type="submit"]').click();
    await waitForText(presenter, '.pm-message', 'Tacka sponsorerna');
    await presenter.reload();
    await waitForText(presenter, '.pm-message', 'Tacka sponsorerna');
    if (process.env.LAUREL_SCREENSHOTS) {
      await presenter.screenshot({ path: join(SHOTS, 'presenter-message.png') });
    }
    // On a phone: the control room (monitors, clock, message buttons) and the presenter's message fit the width.
    const phoneControl = await open(`/control/${SLUG}`, tokens.b, PHONE);
    const phonePresenter = await open(`/presenter/${SLUG}`, tokens.screen, PHONE);
    await phoneControl.waitForSelector('.show-clock[data-read-at]');
    await waitForText(phonePresenter, '.pm-message', 'Tacka sponsorerna');
    for (const p of [phoneControl, phonePresenter]) expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await phoneControl.locator('.monitor-program .monitor-screen').evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(300);

    await control.locator('.msg-clear').click();
    await presenter.waitForSelector('.pm-message.hidden', { state: 'attached' });
    expect(errors).toEqual([]);
  });
});
