import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ImportCeremonyResult, IntakeSubmissionPage } from '#contracts';
import { intakeDeclaration } from '../support/intake.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { LAPTOP, launchChromium, openPage, PHONE, requireWebBuild, ROOT, waitForText } from './browser.js';

/**
 * The entrant intake page in Debian's chromium against the real system, on a phone: a submission with
 * markup in a text gets that field's error as text (tied to the field, focused), the corrected one
 * gets a receipt code and an edit link; the link shows the submission and edits it; a category past its
 * deadline shows the closed state; the admin page lists the submission for review and accepts it.
 * With LAUREL_SCREENSHOTS=1 it also writes docs/screenshots/intake-*.png (the README links them).
 */
const SHOTS = process.env.LAUREL_SCREENSHOTS ? join(ROOT, 'docs/screenshots') : null;
const SLUG = 'kvalitetsmassan-intake';

const FILE = {
  ceremony: { slug: SLUG, name: 'Kvalitetsmässan 2017', venue: 'GöteborgsOperan', date: '2017-11-14', timezone: 'Europe/Stockholm', locale: 'sv-SE' },
  categories: [
    {
      slug: 'gotapriset',
      name: 'GötaPriset 2017',
      description: 'För ett förbättringsarbete i offentlig verksamhet som gör skillnad för dem det berör.',
      eligibility: 'Kommuner, regioner och företag i offentlig tjänst.',
      eligibleKinds: ['kommun', 'region', 'foretag'],
      intake: intakeDeclaration('2099-09-01T23:59'),
    },
    { slug: 'sveapriset', name: 'SveaPriset 2017', intake: intakeDeclaration('2017-09-01T23:59') },
  ],
};

describe('entrant intake in a browser: submit, a field error, the receipt, edit by the link, closed', () => {
  let system: TestSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  async function open(url: string, viewport = PHONE): Promise<Page> {
    const opened = await openPage(browser, viewport, { isMobile: viewport === PHONE, errors });
    contexts.push(opened.context);
    await opened.page.goto(`${system.gatewayUrl}${url}`);
    return opened.page;
  }
  const shot = async (page: Page, name: string, fullPage = true) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, name), fullPage });
  };

  beforeAll(async () => {
    requireWebBuild();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    [system, browser] = await Promise.all([startSystem({ label: 'browser_intake' }), launchChromium()]);
    const imported = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: FILE });
    expect(imported.status).toBe(201);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await system?.dispose();
  });

  it('submits, shows a field error as text, then the receipt; the edit link changes the submission', async () => {
    const page = await open(`/intake/${SLUG}/gotapriset`);
    await waitForText(page, 'h1', 'GötaPriset 2017');
    await waitForText(page, '.intake-deadline', /Sista dag: 1 september 2099 (kl\. )?23:59 \(Europe\/Stockholm\)/, { mode: 'contains' });
    // Labels name their fields (getByLabel finds each input by its label text).
    await page.getByLabel('Organisation', { exact: false }).first().fill('Lerums kommun');
    await page.getByLabel('Typ av organisation').fill('kommun');
    await page.getByLabel('Bidragets titel').fill('Digital vård i <b>hemmet</b>');
    await page.getByLabel('Beskrivning').fill('Hemtjänsten i Lerum ger trygg vård med digitala tillsynsbesök.\nFler rader är tillåtna här.');
    await page.getByLabel('Länk till mer information').fill('https://www.lerum.se/digital-vard');
    await page.getByLabel('E-post').fill('kvalitet@lerum.se');
    if (SHOTS) await shot(page, 'intake-form-phone.png');
    await page.getByRole('button', { name: 'Skicka in' }).click();

    // The title's error, as text, tied to the field and focused; the summary lists it.
    const error = await waitForText(page, '#f-title-err', /Skriv vanlig text/, { mode: 'contains' });
    expect(error).toContain('<b>');
    expect(await page.locator('#f-title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-title').getAttribute('aria-describedby')).toBe('f-title-err f-title-help');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-title');
    await waitForText(page, '#intake-summary', /1 fält behöver rättas/, { mode: 'contains' });
    // The markup stays text: no <b> element was made from it.
    expect(await page.locator('main b').count()).toBe(0);
    await shot(page, 'intake-field-error.png', false);

    await page.locator('#f-title').fill('Digital vård i hemmet');
    await page.getByRole('button', { name: 'Skicka in' }).click();
    await waitForText(page, '#intake-thanks', 'Tack! Ditt bidrag är inskickat.');
    const code = (await page.locator('#intake-code').innerText()).replace(/-/g, '');
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const link = await page.locator('#intake-edit-link').getAttribute('href');
    expect(link).toBe(`/intake/${SLUG}/gotapriset#receipt=${code}`);
    await shot(page, 'intake-receipt-phone.png');

    // Later, on another device: the link shows the submission, and edits it.
    const later = await open(link!);
    await waitForText(later, '#intake-yours', 'Ditt bidrag');
    await waitForText(later, '.intake-answers', /Digital vård i hemmet/, { mode: 'contains' });
    await later.getByRole('button', { name: 'Ändra bidraget' }).click();
    expect(await later.locator('#f-title').inputValue()).toBe('Digital vård i hemmet');
    await later.locator('#f-title').fill('Digital vård i hemmet – trygghet dygnet runt');
    await later.locator('#f-website').fill('inte en adress');
    await later.getByRole('button', { name: 'Spara ändringarna' }).click();
    await waitForText(later, '#f-website-err', /Skriv en webbadress som börjar med https:\/\//, { mode: 'contains' });
    expect(await later.evaluate(() => document.activeElement?.id)).toBe('f-website');
    await later.locator('#f-website').fill('https://www.lerum.se/digital-vard');
    await later.getByRole('button', { name: 'Spara ändringarna' }).click();
    await waitForText(later, '.banner-ok', 'Ändringarna är sparade.');
    await waitForText(later, '.intake-answers', /trygghet dygnet runt/, { mode: 'contains' });

    const listed = await system.http<IntakeSubmissionPage>('GET', `/api/v1/ceremonies/${SLUG}/categories/gotapriset/intake/submissions`, { token: system.adminToken });
    expect(listed.body.submissions.map((s) => s.answers.title)).toEqual(['Digital vård i hemmet – trygghet dygnet runt']);
    expect(errors).toEqual([]);
  });

  it('shows the closed state after the deadline, in Swedish and in English', async () => {
    const page = await open(`/intake/${SLUG}/sveapriset`);
    await waitForText(page, '.intake-closed strong', 'Inskickningen är stängd');
    expect(await page.locator('form.intake-form').count()).toBe(0);
    await shot(page, 'intake-closed-phone.png', false);
    const en = await open(`/intake/${SLUG}/sveapriset?lang=en`);
    await waitForText(en, '.intake-closed strong', 'Submissions are closed');
    await waitForText(en, '.intake-deadline', /Deadline: 1 September 2017/, { mode: 'contains' });
    const form = await open(`/intake/${SLUG}/gotapriset?lang=en`);
    await waitForText(form, 'label[for="f-title"] .intake-label', 'Title of the entry');
    expect(errors).toEqual([]);
  });

  it('lists the submission for the admin’s review and accepts it into the entries', async () => {
    const page = await open(`/admin?c=${SLUG}`, LAPTOP);
    await page.locator('#admin-token').fill(system.adminToken);
    await page.getByRole('button', { name: 'Spara' }).first().click();
    const block = page.locator('details.cat-block', { hasText: 'GötaPriset 2017' });
    await block.locator('summary').click();
    await block.getByRole('button', { name: 'Visa inskickade bidrag' }).click();
    await waitForText(page, '.review-item', /Lerums kommun/, { mode: 'contains' });
    await waitForText(page, '.review-item .ok', 'Uppfyller reglerna');
    await block.locator('.review-item').scrollIntoViewIfNeeded();
    await shot(page, 'intake-review.png', false);
    await block.getByRole('button', { name: 'Godkänn som bidrag' }).click();
    await waitForText(page, '.review .ok[role="status"]', 'Godkänt: nu ett bidrag som kan nomineras.');
    const entries = await system.http<{ total: number; entries: { organisation: string; source: string }[] }>('GET', `/api/v1/ceremonies/${SLUG}/categories/gotapriset/entries`, { token: system.adminToken });
    expect(entries.body.entries).toEqual([expect.objectContaining({ organisation: 'Lerums kommun', source: 'intake' })]);
    expect(errors).toEqual([]);
  });
});
