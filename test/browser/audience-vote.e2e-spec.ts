import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { ImportCeremonyResult, IssuedToken, SealedEvent } from '#contracts';
import { eventually } from '../support/eventually.js';
import { audienceGala } from '../support/fixtures.js';
import { connectLive } from '../support/live-client.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { launchChromium, openPage, PHONE, requireWebBuild, settled, STAGE, LAPTOP } from './browser.js';

const SLUG = 'publikgalan-browser';
const BASE = `/api/v1/ceremonies/${SLUG}`;
/** With LAUREL_SCREENSHOTS=1 the run also writes docs/screenshots/vote-*.png (linked from the README). */
const SHOTS = process.env.LAUREL_SCREENSHOTS ? join(process.cwd(), 'docs/screenshots') : null;

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  // After its transitions: the stage cross-fades from the envelope to the winner.
  await settled(page);
  await page.screenshot({ path: join(SHOTS, name) });
}

/**
 * Publikpriset in a browser (issue 16): the organiser prints a sheet of voter tickets; a phone opens the first
 * ticket's QR link, gets the ballot when the producer opens the vote, votes and keeps its receipt; the stage shows
 * the countdown and the turnout; after the seal and the reveal the phone checks its receipt against the sealed root.
 */
describe('browser: a phone votes from a ticket\'s QR link', () => {
  let system: TestSystem;
  let browser: Browser;
  let imported: ImportCeremonyResult;
  const errors: string[] = [];

  beforeAll(async () => {
    requireWebBuild();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    [system, browser] = await Promise.all([startSystem({ label: 'browser_vote' }), launchChromium()]);
    imported = (await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: audienceGala(SLUG) })).body;
  });

  afterAll(async () => {
    await browser?.close();
    await system?.dispose();
  });

  it('tickets → QR link → ballot → receipt; stage countdown and turnout; the receipt checks after the reveal', async () => {
    const category = imported.categories.find((c) => c.slug === 'publikpriset')!;
    const token = async (role: string) => (await system.http<IssuedToken>('POST', `${BASE}/tokens`, { token: system.adminToken, body: { role } })).body.token;
    const producer = await token('producer');
    const screen = await token('screen');

    // The organiser's sheet: QR codes, each carrying the ballot link with its ticket in the fragment.
    const admin = await openPage(browser, LAPTOP, { errors });
    await admin.context.addInitScript((t) => sessionStorage.setItem('laurel.adminToken', t), system.adminToken);
    await admin.page.goto(`${system.gatewayUrl}/admin?tickets=${SLUG}`);
    await admin.page.fill('#tk-count', '8');
    await admin.page.getByRole('button', { name: 'Skapa biljetter' }).click();
    await eventually(async () => expect(await admin.page.locator('.tk-card canvas').count()).toBe(8));
    const links = await admin.page.locator('.tk-card canvas').evaluateAll((els) => els.map((e) => e.getAttribute('data-link')!));
    expect(links[0]).toMatch(new RegExp(`^${system.gatewayUrl}/vote/${SLUG}#t=[A-Za-z0-9_-]{22}$`));
    expect(new Set(links).size).toBe(8);
    await shot(admin.page, 'vote-tickets.png');

    // The stage, then the phone from the first ticket's link: the vote has not opened yet.
    const stage = await openPage(browser, STAGE, { errors, reducedMotion: false });
    await stage.page.goto(`${system.gatewayUrl}/stage/${SLUG}#token=${screen}`);
    const phone = await openPage(browser, PHONE, { isMobile: true, errors });
    await phone.page.goto(links[0]);
    await eventually(async () => expect(await phone.page.locator('.vote-msg').textContent()).toMatch(/inte öppnat/));
    // The ticket left the address bar at once.
    expect(phone.page.url()).toBe(`${system.gatewayUrl}/vote/${SLUG}`);

    // The producer opens the vote from the control room's vote panel: the ballot comes to the phone, the countdown
    // and turnout to the stage.
    const control = await openPage(browser, LAPTOP, { errors });
    await control.page.goto(`${system.gatewayUrl}/control/${SLUG}#token=${producer}`);
    const panel = control.page.getByTestId('vote-panel');
    await panel.locator('.vote-seconds').fill('90');
    await panel.locator(`.vote-row[data-category="${category.id}"]`).getByRole('button', { name: 'Öppna röstningen' }).click();
    await phone.page.locator('.vote-nominee').first().waitFor();
    expect(await phone.page.locator('.vote-nominee').allTextContents()).toEqual(['Alingsås kommun', 'Borås Stad', 'Kungälvs kommun']);
    await eventually(async () => expect(await phone.page.getByTestId('vote-countdown').textContent()).toMatch(/^Stänger om 1:[23]\d$/));
    await shot(phone.page, 'vote-phone-ballot.png');
    await phone.page.locator('.vote-nominee', { hasText: 'Borås Stad' }).click();
    await phone.page.getByRole('button', { name: 'Rösta', exact: true }).click();
    await phone.page.getByTestId('vote-receipt').waitFor();
    const receipt = (await phone.page.getByTestId('vote-receipt').textContent())!;
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);
    await shot(phone.page, 'vote-phone-receipt.png');

    // Two more tickets vote over the API; the stage shows 3 votes and the countdown, no standing.
    for (const link of links.slice(1, 3)) {
      const ticket = link.split('#t=')[1];
      expect((await system.http('POST', `${BASE}/categories/${category.id}/votes`, { body: { ticket, nomineeId: category.nominees[0].id } })).status).toBe(201);
    }
    await eventually(async () => expect(await stage.page.getByTestId('stage-vote-turnout').textContent()).toBe('3 röster'), { timeoutMs: 10000 });
    expect(await stage.page.getByTestId('stage-vote-countdown').textContent()).toMatch(/^1:[0-3]\d$/);
    expect(await stage.page.locator('.vote-band').getAttribute('data-state')).toBe('open');
    await shot(stage.page, 'vote-stage-countdown.png');
    // The producer sees the turnout, never a standing.
    await eventually(async () => expect(await panel.locator(`.vote-row[data-category="${category.id}"] [data-testid="vote-turnout"]`).textContent()).toBe('Röstningen är öppen · 3 röster'));
    await shot(control.page, 'vote-control-room.png');

    // A second tab on the same phone: the ticket is kept, and it says it has voted.
    await phone.page.reload();
    await phone.page.getByTestId('vote-receipt').waitFor();

    // Close, seal, and reveal through the envelope guard like any award.
    const press = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: await token('press') });
    await panel.locator(`.vote-row[data-category="${category.id}"]`).getByRole('button', { name: 'Stäng röstningen' }).click();
    await press.waitFor<SealedEvent>('sealed', (s) => s.categoryId === category.id, 20000);
    press.close();
    await eventually(async () => expect(await stage.page.locator('.vote-band').getAttribute('data-state')).not.toBe('open'));
    const cue = (body: Record<string, unknown>) => system.http('POST', `${BASE}/show/cues`, { token: producer, body: { idempotencyKey: randomUUID(), ...body } });
    for (let i = 0; i < 4; i++) expect((await cue({ action: 'next' })).status).toBe(200);
    expect((await cue({ action: 'reveal', categoryId: category.id })).status).toBe(200);
    await eventually(async () => expect(await stage.page.locator('.stage').getAttribute('data-kind')).toBe('winner'), { timeoutMs: 10000 });
    await eventually(async () => expect(await stage.page.locator('.stage').textContent()).toContain('Alingsås kommun'));
    await shot(stage.page, 'vote-stage-reveal.png');

    // The phone checks its receipt against the sealed vote root.
    await eventually(async () => {
      await phone.page.reload();
      await phone.page.getByRole('button', { name: 'Kontrollera att min röst räknades' }).click({ timeout: 2000 });
      // The check is a request: read its answer once the page has written one, not the instant after the click.
      await phone.page.waitForFunction(() => (document.querySelector('[data-testid="vote-proof"]')?.textContent ?? '') !== '', undefined, { timeout: 5000 });
      expect(await phone.page.getByTestId('vote-proof').textContent()).toBe('✓ Din röst finns i den förseglade räkningen (3 röster).');
    }, { timeoutMs: 30000, intervalMs: 500 });
    await shot(phone.page, 'vote-phone-checked.png');
    expect(errors).toEqual([]);
  }, 120_000);
});
