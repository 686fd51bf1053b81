import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ImportCeremonyResult, IssuedToken } from '#contracts';
import { GalaDriver } from '../../tools/rehearse/gala-driver.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startSystem, TEST_WEB_DIST, type TestSystem } from '../support/system.js';

/**
 * Nominee names and jury motivations are untrusted text: the stage, presenter, press and public pages
 * must show them as text and never build an element from them. A ceremony whose names and motivation
 * are markup runs its first category to the motivation scene in chromium, and every page is checked
 * after every cue: no <img>/<svg>/<script> from the data, no alert, no request for `x`, and the markup
 * visible as literal text. A static check keeps innerHTML away from data in apps/web/src.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IMG = '<img src=x onerror=alert(1)>';
const SVG = '<svg onload=alert(2)>';
const SCRIPT = '<script>window.__xss=(window.__xss||0)+1</script>';
/** The jury refuses tags in a motivation (400), so the motivation carries what a page that decoded HTML would betray: entities and bare angle brackets. */
const ENTITIES = '&lt;img src=x onerror=alert(1)&gt;';
const MOTIVATION = `Juryns motivering ${ENTITIES} – 1 < 2 && 3 > 2 – en kommun där hjärtat får vara med &amp; &#60;script&#62;`;

interface Probe {
  injected: number;
  alerts: number;
  text: string;
}

const canBrowse = existsSync(CHROMIUM) && TEST_WEB_DIST !== undefined;
const describeBrowser = canBrowse ? describe : describe.skip;

describeBrowser('security: stage, presenter, press and public pages render names and motivations as text (chromium)', () => {
  let system: TestSystem;
  let browser: Browser;
  let imported: ImportCeremonyResult;
  const pages: Record<string, Page> = {};
  const requestsForX: string[] = [];
  const dialogs: string[] = [];
  const base = () => `/api/v1/ceremonies/${imported.slug}`;

  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startSystem({ label: 'security_markup' }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.dispose();
  });

  async function probe(page: Page): Promise<Probe> {
    const result = await page.evaluate(() => {
      const injected =
        document.querySelectorAll('img[src="x"], img[onerror], svg[onload], [onerror], [onload]').length +
        [...document.scripts].filter((s) => (s.textContent ?? '').includes('__xss')).length;
      return { injected, alerts: (window as unknown as { __alerts?: number }).__alerts ?? 0, xss: (window as unknown as { __xss?: number }).__xss ?? 0, text: document.body.innerText };
    });
    return { injected: result.injected + result.xss, alerts: result.alerts, text: result.text };
  }

  async function expectTextOnly(when: string): Promise<Record<string, string>> {
    const texts: Record<string, string> = {};
    for (const [name, page] of Object.entries(pages)) {
      const p = await probe(page);
      expect({ when, name, injected: p.injected, alerts: p.alerts }).toEqual({ when, name, injected: 0, alerts: 0 });
      texts[name] = p.text;
    }
    expect({ when, dialogs, requestsForX }).toEqual({ when, dialogs: [], requestsForX: [] });
    return texts;
  }

  it('imports a ceremony whose nominee names are markup: accepted and stored as the text it is', async () => {
    const file = ceremony2017() as { ceremony: Record<string, unknown>; categories: { slug: string; nominees: Record<string, unknown>[] }[] };
    file.ceremony = { ...file.ceremony, slug: 'markup-gala', name: `Gala ${IMG}` };
    const gota = file.categories.find((c) => c.slug === 'gotapriset')!;
    gota.nominees[0] = { ...gota.nominees[0], organisation: `Åre kommun ${IMG}`, title: `${SVG} Integrationsarbete ${SCRIPT}` };
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file });
    expect(res.status).toBe(201);
    imported = res.body;
    const view = await system.http<{ categories: { nominees: { organisation: string | null }[] }[] }>('GET', base());
    expect(view.text).toContain(JSON.stringify(`Åre kommun ${IMG}`).slice(1, -1));
  });

  it('runs the first category to its motivation with the stage, presenter, press and public pages open: never an element from the data', async () => {
    const token = async (role: string) => (await system.http<IssuedToken>('POST', `${base()}/tokens`, { token: system.adminToken, body: { role } })).body.token;
    const [producer, press, screen] = [await token('producer'), await token('press'), await token('screen')];
    await eventually(async () => expect((await system.http('GET', `${base()}/show`, { token: producer })).status).toBe(200));
    const open = async (name: string, path: string) => {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
      await context.addInitScript(() => {
        (window as unknown as { __alerts: number }).__alerts = 0;
        const count = () => {
          (window as unknown as { __alerts: number }).__alerts++;
        };
        window.alert = count as typeof window.alert;
        window.confirm = (() => (count(), false));
        window.prompt = (() => (count(), null));
      });
      const page = await context.newPage();
      page.on('dialog', (d) => {
        dialogs.push(`${name}: ${d.message()}`);
        void d.dismiss();
      });
      page.on('request', (r) => {
        if (/\/x(\?|$)/.test(new URL(r.url()).pathname + new URL(r.url()).search)) requestsForX.push(`${name}: ${r.url()}`);
      });
      await page.goto(`${system.gatewayUrl}${path}`);
      pages[name] = page;
    };
    await open('stage', `/stage/${imported.slug}?label=LED#token=${encodeURIComponent(screen)}`);
    await open('presenter', `/presenter/${imported.slug}?label=Talare#token=${encodeURIComponent(screen)}`);
    await open('press', `/press/${imported.slug}#token=${encodeURIComponent(press)}`);
    await open('public', `/c/${imported.slug}`);
    await open('control', `/control/${imported.slug}#token=${encodeURIComponent(producer)}`);
    await pages.stage.waitForSelector('.stage[data-kind]');
    await expectTextOnly('opened');

    const cue = async (body: Record<string, unknown>) => {
      const res = await system.http<{ scene: { kind: string } }>('POST', `${base()}/show/cues`, { token: producer, body: { idempotencyKey: randomUUID(), ...body } });
      expect(res.status).toBe(200);
      await pages.stage.waitForSelector(`.stage[data-kind="${res.body.scene.kind}"]`);
      return res.body.scene.kind;
    };
    for (const kind of ['welcome', 'category', 'nominees']) expect(await cue({ action: 'next' })).toBe(kind);
    // The nominees scene shows the names: as literal text.
    await eventually(async () => expect((await probe(pages.stage)).text).toContain(`Åre kommun ${IMG}`), { timeoutMs: 8000 });
    await expectTextOnly('nominees');
    expect(await cue({ action: 'next' })).toBe('envelope');

    const file = ceremony2017() as { categories: unknown[] };
    const driver = new GalaDriver((m, p, o) => system.http(m, p, o), system.adminToken, imported, file);
    await expect(driver.deliberate({ category: 'gotapriset', winner: 'are-kommun', motivation: `Juryns motivering ${IMG}` })).rejects.toThrow(/HTTP 400.*without HTML tags/);
    // The ballots are locked by now: the chair computes the verdict again with a text motivation and seals.
    const chair = (await driver.panel('gotapriset')).find((j) => j.chair)!;
    const verdict = await system.http('POST', `${base()}/categories/gotapriset/verdict`, { token: chair.token, body: { motivation: MOTIVATION } });
    expect(verdict.status).toBe(200);
    expect((await system.http('POST', `${base()}/categories/gotapriset/verdict/seal`, { token: chair.token })).status).toBe(200);
    await expectTextOnly('sealed');
    await eventually(async () => {
      const res = await system.http('POST', `${base()}/show/cues`, { token: producer, body: { action: 'reveal', categoryId: 'gotapriset', idempotencyKey: 'reveal-gota' } });
      expect(res.status).toBe(200);
    });
    await pages.stage.waitForSelector('.stage[data-kind="winner"]');
    await eventually(async () => expect((await probe(pages.press)).text).toContain(IMG), { timeoutMs: 8000 });
    await expectTextOnly('winner');
    expect(await cue({ action: 'next' })).toBe('motivation');
    // Entities stay entities: a page that parsed the motivation as HTML would show "<img …>" here instead.
    await eventually(async () => expect((await probe(pages.stage)).text).toContain(`Juryns motivering ${ENTITIES}`), { timeoutMs: 8000 });
    await eventually(async () => expect((await probe(pages.public)).text).toContain(`Juryns motivering ${ENTITIES}`), { timeoutMs: 8000 });
    const texts = await expectTextOnly('motivation');
    expect(texts.press).toContain('1 < 2 && 3 > 2');
    expect(texts.press).toContain('&#60;script&#62;');
    // The winner's name (markup) is text on the press and public pages too.
    expect(texts.press).toContain(`Åre kommun ${IMG}`);
    // The handlers that fire late have fired: the stage's scene swap (the old scene removed after its fade)
    // and the motivation's page fade are done. Then once more, nothing may be markup.
    await pages.stage.waitForFunction(() => document.querySelectorAll('.scene').length === 1 && document.querySelector('.scene.in') !== null && document.querySelector('.motivation-text.leaving') === null);
    await expectTextOnly('settled');
  });
});

describe('security: the web sources never put data into HTML', () => {
  it('innerHTML/outerHTML/insertAdjacentHTML/document.write appear only in the one templating helper, fed with constant markup', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx|js)$/.test(name)) files.push(path);
      }
    };
    walk(join(ROOT, 'apps/web/src'));
    expect(files.length).toBeGreaterThan(3);
    const sinks: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\.srcdoc\s*=|new Function\(|\beval\(/.test(line) && !/^\s*(\*|\/\/)/.test(line)) sinks.push(`${file.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
      });
    }
    // The one sink: dom.ts builds an element tree from markup the page's own code writes (never data).
    expect(sinks).toEqual([expect.stringMatching(/^apps\/web\/src\/lib\/dom\.ts:\d+: tpl\.innerHTML = markup\.trim\(\);$/)]);
    const dom = readFileSync(join(ROOT, 'apps/web/src/lib/dom.ts'), 'utf8');
    expect(dom).toMatch(/untrusted/);
    // Its callers: svg(...) is only ever fed by the artwork functions (`…Svg(...)`), never by data.
    const calls = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bsvg\(([^)]*\)?)/g)].filter((m) => !m[0].startsWith('svg(markup')).map((m) => `${file.slice(ROOT.length + 1)}: ${m[0]}`));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !/: svg\(\w+Svg\(/.test(c))).toEqual([]);
  });
});
