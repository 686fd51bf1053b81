import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { IssuedToken } from '#contracts';
import { presetDefinitions } from '../../apps/companion/src/definitions.js';
import { cssColor, keyFaces, type KeyFace } from '../../apps/companion/src/key-faces.js';
import { RecordingHost } from '../../apps/companion/src/testing/host.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { launchChromium } from './browser.js';

/**
 * docs/screenshots/streamdeck-page.png: the module's 15-key preset page as a Stream Deck shows it, drawn
 * from the module's own variables and feedbacks while it follows a rehearsal on the real system (an
 * envelope on stage, its reveal armed). Runs with LAUREL_SCREENSHOTS=1 only, like screenshots.e2e-spec.ts:
 *   LAUREL_SCREENSHOTS=1 ./laurel test jest -- test/browser/companion-page
 */
const run = process.env.LAUREL_SCREENSHOTS ? describe : describe.skip;
const OUT = join(process.cwd(), 'docs/screenshots');

function deckHtml(rows: KeyFace[][]): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>');
  const keys = rows
    .flat()
    .map((k) => `<div class="key" style="background:${cssColor(k.bgcolor)};color:${cssColor(k.color)}">${escape(k.text)}</div>`)
    .join('');
  return `<!doctype html><meta charset="utf-8"><style>
    body{margin:0;background:#1b1b1b;font-family:Arial,Helvetica,sans-serif}
    .deck{display:grid;grid-template-columns:repeat(5,120px);gap:18px;padding:28px;background:#111;border-radius:22px;width:max-content;margin:20px}
    .key{width:120px;height:120px;border-radius:12px;display:flex;align-items:center;justify-content:center;text-align:center;font-size:15px;font-weight:bold;line-height:1.25;overflow:hidden;padding:6px;box-sizing:border-box;box-shadow:inset 0 0 0 2px #333}
  </style><div class="deck">${keys}</div>`;
}

run('the Stream Deck page (screenshot)', () => {
  let system: TestSystem;
  let browser: Browser;
  const host = new RecordingHost();
  let instance: ReturnType<RecordingHost['instance']> | null = null;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    [system, browser] = await Promise.all([startSystem({ label: 'companion_page' }), launchChromium()]);
    const timed = ceremony2017() as { timing?: unknown };
    timed.timing = { welcome: 240, closing: 180, categories: { segment: 420 } };
    await system.http('POST', '/api/v1/ceremonies', { token: system.adminToken, body: timed });
  });

  afterAll(async () => {
    await instance?.destroy();
    await browser?.close();
    await system?.dispose();
  });

  it('draws the page at an armed envelope', async () => {
    const base = '/api/v1/ceremonies/kvalitetsmassan-2017';
    const deck = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer', label: 'Stream Deck' } })).body;
    await eventually(async () => expect((await system.http('GET', `${base}/show`, { token: deck.token })).status).toBe(200));
    instance = host.instance();
    await instance.init({ url: `${system.gatewayUrl}/control/kvalitetsmassan-2017`, ceremony: '', rehearsal: true }, true, { token: deck.token });
    await eventually(() => expect(host.variables.connection).toBe('OK'));
    for (let i = 0; i < 4; i++) await host.press('next');
    await host.press('arm_reveal');
    await eventually(() => expect(host.feedbacks).toMatchObject({ reveal_armed: true, armed_matches_stage: true, on_air: true }));

    const rows = keyFaces(presetDefinitions('laurel').presets, host.variables, host.feedbacks);
    expect(rows[0][0].text).toMatch(/^NOW\nEnvelope: /);
    expect(cssColor(rows[2][3].bgcolor)).toBe('#c80000');
    const page = await browser.newPage({ viewport: { width: 760, height: 520 } });
    await page.setContent(deckHtml(rows));
    await page.locator('.deck').screenshot({ path: join(OUT, 'streamdeck-page.png') });
    await page.close();
  });
});
