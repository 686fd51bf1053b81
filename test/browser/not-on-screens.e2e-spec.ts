import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageType } from '@nats-io/jetstream';
import type { Browser, BrowserContext } from 'playwright-core';
import type { NatsBus } from '#messaging';
import { SLUG, startGala, testBus, type Gala } from '../faults/support.js';
import { GalaJury } from '../support/gala.js';
import { LAPTOP, launchChromium, openPage, requireWebBuild, waitForText } from './browser.js';

const FILLER = 'LAUREL_TEST_FILLER';

/**
 * The control room when JetStream takes no writes (issue 12, fault 12 in a browser): the producer confirms
 * a reveal, it commits, no screen gets it — the page says "not on screens yet" (never done) until its own
 * socket brings the winner scene, once JetStream has room again.
 */
describe('the control room: not on screens yet', () => {
  let gala: Gala;
  let bus: NatsBus;
  let browser: Browser;
  let confDir: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    requireWebBuild();
    confDir = mkdtempSync(join(tmpdir(), 'laurel-browser-full-'));
    writeFileSync(join(confDir, 'limits.conf'), 'jetstream {\n  max_file_store: 8MB\n}\n');
    [gala, browser] = await Promise.all([startGala({ label: 'browser_not_on_screens', natsExtraArgs: ['-c', join(confDir, 'limits.conf')] }), launchChromium()]);
    bus = await testBus(gala.system.nats.url);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await bus?.jsm.streams.delete(FILLER).catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
    rmSync(confDir, { recursive: true, force: true });
  });

  it('shows a committed reveal that reached no screen as "not on screens yet" until the screens have it', async () => {
    const { system, imported } = gala;
    await new GalaJury(system, imported).deliberate('gotapriset');
    await gala.toEnvelope('gotapriset');
    const errors: string[] = [];
    const { context, page: control } = await openPage(browser, LAPTOP, { errors });
    contexts.push(context);
    await control.goto(`${system.gatewayUrl}/control/${SLUG}#token=${encodeURIComponent(gala.tokens.producer)}`);
    await control.waitForSelector('.ros-row.current[data-kind="envelope"]');
    expect(await control.locator('.not-on-screens.hidden').count()).toBe(1);

    // JetStream takes no writes: its store is full.
    await bus.jsm.streams.add({ name: FILLER, subjects: ['laurel.test.filler.>'], storage: StorageType.File });
    for (let i = 0; ; i++) {
      if (i > 200) throw new Error('the store never filled up');
      if (await bus.js.publish('laurel.test.filler.x', new Uint8Array(256 * 1024)).then(() => false, () => true)) break;
    }

    await control.locator('.cue-reveal:not(:disabled)').click();
    await control.locator('dialog.reveal-dialog[open] .dialog-actions .btn-gold').click();
    await waitForText(control, '.not-on-screens', /^Inte på skärmarna än – kommando \d+ är sparat/, { timeoutMs: 15000 });
    expect(await control.locator('.not-on-screens.hidden').count()).toBe(0);

    // Room again: the outbox delivers, the control room's socket brings the winner scene, the warning goes.
    await bus.jsm.streams.delete(FILLER);
    await control.waitForSelector('.not-on-screens.hidden', { state: 'attached', timeout: 30000 });
    await control.waitForSelector('.ros-row.current[data-kind="winner"]');
    expect(errors).toEqual([]);
  });
});
