/**
 * Shared pieces of the browser tests: Debian's chromium driven by playwright-core against the pages
 * the gateway serves from dist/web, plus the REST steps the tests take as organiser and jury.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { BallotView, CeremonyView, ImportCeremonyResult, IssuedToken, JurorView, SealResult, VerdictResult } from '#contracts';
import { eventually } from '../support/eventually.js';
import type { OutcomeResult } from '../support/fixtures.js';
import type { TestSystem } from '../support/system.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** `./laurel test` finds (or installs) Debian's chromium and passes it as CHROMIUM_BIN. */
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The pages are served from dist/web: the test command builds them first (`./laurel test`). */
export function requireWebBuild(): void {
  if (!existsSync(join(ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npm run build:web` first (`./laurel test` does it before jest).');
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), never \`npx playwright install\`.`);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--font-render-hinting=none'],
  });
}

export const STAGE = { width: 1920, height: 1080 };
export const PHONE = { width: 390, height: 844 };
export const LAPTOP = { width: 1440, height: 900 };

/**
 * Records what the Content-Security-Policy refused on a page: every `securitypolicyviolation` event (from
 * before the first script runs) and Chromium's own "Refused to …" console errors.
 */
export async function watchCsp(context: BrowserContext, page: Page, sink: string[]): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile || 'document'}:${e.lineNumber})`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /CSP violation|Content Security Policy/i.test(m.text())) sink.push(`${page.url()}: ${m.text()}`);
  });
}

/** A page in its own context (own sessionStorage, as a separate device), collecting page errors and CSP violations. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  options: { isMobile?: boolean; reducedMotion?: boolean; errors?: string[] } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    isMobile: options.isMobile ?? false,
    hasTouch: options.isMobile ?? false,
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    // The functional tests run without ambient animation (a loaded CI machine renders seven pages at once);
    // the screenshots run with full motion.
    reducedMotion: options.reducedMotion === false ? 'no-preference' : 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = options.errors ?? [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  await watchCsp(context, page, errors);
  return { context, page, errors };
}

/** Waits for every finite animation and transition on the page to end (entrances, flips, a scene's cross-fade): what a screenshot must wait for. */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    for (let round = 0; round < 3; round++) {
      const finite = document.getAnimations().filter((a) => {
        const timing = a.effect?.getComputedTiming();
        return timing && timing.endTime !== Infinity && a.playState !== 'finished';
      });
      if (!finite.length) break;
      await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/** Waits until `selector`'s text (whitespace collapsed) satisfies the check; fails with what it saw. */
export async function waitForText(page: Page, selector: string, expected: string | RegExp, options: { timeoutMs?: number; mode?: 'equals' | 'contains' } = {}): Promise<string> {
  const mode = options.mode ?? 'equals';
  const want = typeof expected === 'string' ? { s: norm(expected) } : { re: expected.source, flags: expected.flags };
  try {
    await page.waitForFunction(
      ({ selector, want, mode }) => {
        const n = (s: string) => s.replace(/\s+/g, ' ').trim();
        return [...document.querySelectorAll(selector)].some((el) => {
          const text = n(el.textContent ?? '');
          if ('re' in want && want.re !== undefined) return new RegExp(want.re, want.flags).test(text);
          return mode === 'equals' ? text === want.s : text.includes(want.s ?? '');
        });
      },
      { selector, want, mode },
      { timeout: options.timeoutMs ?? 10000, polling: 50 },
    );
  } catch (error) {
    const seen = await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()), selector).catch(() => []);
    throw new Error(`${page.url()}: no "${selector}" with text ${mode} ${String(expected)}; saw ${JSON.stringify(seen)} (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
  return page.evaluate((sel) => (document.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim(), selector);
}

export function norm(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Everything a page shows or shares: body text, title and meta descriptions (Open Graph). */
export function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const metas = [...document.querySelectorAll('meta[content]')].map((m) => m.getAttribute('content') ?? '');
    return [document.title, ...metas, document.body.textContent ?? ''].join('\n').replace(/\s+/g, ' ');
  });
}

/** pageText and the winner-context texts in one round trip. */
export function pageTexts(page: Page): Promise<{ text: string; contexts: string[] }> {
  return page.evaluate((sel) => {
    const metas = [...document.querySelectorAll('meta[content]')].map((m) => m.getAttribute('content') ?? '');
    const text = [document.title, ...metas, document.body.textContent ?? ''].join('\n').replace(/\s+/g, ' ');
    const contexts = [...document.querySelectorAll(sel)].map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
    return { text, contexts };
  }, WINNER_CONTEXTS);
}

/** Texts of the elements that name a winner (stage, presenter, press, public, closing list). */
export const WINNER_CONTEXTS = '.press-release-text, .winner-name, .motivation-winner, .press-winner, .pub-winner, .pm-winner-name, .cw-name, .motivation-text, .press-motivation, .pub-motivation, .pm-motivation';

export function winnerContextTexts(page: Page): Promise<string[]> {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()), WINNER_CONTEXTS);
}


// ------------------------------------------------------------------------------ REST as organiser / jury

export interface Gala {
  slug: string;
  base: string;
  imported: ImportCeremonyResult;
  view: CeremonyView;
}

export async function importCeremony(system: TestSystem, file: Record<string, unknown>): Promise<Gala> {
  const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file });
  if (res.status !== 201) throw new Error(`import: ${res.status} ${res.text}`);
  const slug = res.body.slug;
  const base = `/api/v1/ceremonies/${slug}`;
  // Announcements learns the ceremony from the event; until then its show answers 404.
  await eventually(async () => expect((await system.http('GET', `${base}/results`)).status).toBe(200));
  // So does jury (panels and jurors from the file).
  await eventually(async () => expect((await system.http('GET', `${base}/jurors`, { token: system.adminToken })).status).toBe(200));
  const view = (await system.http<CeremonyView>('GET', base)).body;
  return { slug, base, imported: res.body, view };
}

/** A token of `role`, once the gateway knows it (grants reach the gateway through a KV bucket). */
export async function issueToken(system: TestSystem, gala: Gala, role: 'producer' | 'press' | 'screen' | 'juror', jurorId?: string): Promise<string> {
  const issued = await system.http<IssuedToken>('POST', `${gala.base}/tokens`, { token: system.adminToken, body: jurorId ? { role, jurorId } : { role } });
  if (issued.status !== 201) throw new Error(`token ${role}: ${issued.status} ${issued.text}`);
  const probe = role === 'juror' ? `${gala.base}/me` : gala.base;
  await eventually(async () => expect((await system.http('GET', probe, { token: issued.body.token })).status).toBe(200));
  return issued.body.token;
}

export function jurors(system: TestSystem, gala: Gala): Promise<JurorView[]> {
  return system.http<JurorView[]>('GET', `${gala.base}/jurors`, { token: system.adminToken }).then((r) => r.body);
}

export function categoryOf(gala: Gala, slug: string) {
  const category = gala.view.categories.find((c) => c.slug === slug);
  if (!category) throw new Error(`no category ${slug}`);
  return category;
}

/** What the pages show as a winner's name: the organisation, else the entry's title. */
export function winnerName(gala: Gala, result: OutcomeResult): string {
  const nominee = categoryOf(gala, result.category).nominees.find((n) => n.slug === result.winner);
  if (!nominee) throw new Error(`no nominee ${result.winner} in ${result.category}`);
  return nominee.organisation ?? nominee.title ?? '';
}

/** A juror's score for a nominee: the real winner highest on every criterion, the others spread below. */
export function scoreFor(juror: number, nominee: number, criterion: number, isWinner: boolean): number {
  return isWinner ? 9 - (juror % 2) : 2 + ((juror + nominee + criterion) % 6);
}

/**
 * A whole deliberation over REST (for the categories the browser does not drive, to keep the test
 * fast): three clearly labelled demo jurors score so the real winner wins and lock; the chair enters
 * the real motivation and seals.
 */
export async function deliberateOverRest(system: TestSystem, gala: Gala, result: OutcomeResult): Promise<SealResult> {
  const category = categoryOf(gala, result.category);
  const criteria = category.criteria.length ? category.criteria.map((c) => c.key) : ['overall'];
  const winner = category.nominees.find((n) => n.slug === result.winner)!;
  const tokens: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const added = await system.http<{ id: string }>('POST', `${gala.base}/categories/${category.slug}/jurors`, {
      token: system.adminToken,
      body: { name: `Demojurymedlem ${i}`, affiliation: 'Demojury (ingen jury namngiven i källan)', chair: i === 1, demo: true },
    });
    if (added.status !== 201) throw new Error(`add juror: ${added.status} ${added.text}`);
    tokens.push(await issueToken(system, gala, 'juror', added.body.id));
  }
  for (const [j, token] of tokens.entries()) {
    const scores = Object.fromEntries(category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((c, ci) => [c, scoreFor(j, k, ci, n.id === winner.id)]))]));
    const saved = await system.http<BallotView>('PUT', `${gala.base}/categories/${category.slug}/ballot`, { token, body: { scores } });
    if (saved.status !== 200) throw new Error(`ballot: ${saved.status} ${saved.text}`);
    const locked = await system.http('POST', `${gala.base}/categories/${category.slug}/ballot/lock`, { token });
    if (locked.status !== 200) throw new Error(`lock: ${locked.status} ${locked.text}`);
  }
  const verdict = await system.http<VerdictResult>('POST', `${gala.base}/categories/${category.slug}/verdict`, { token: tokens[0], body: { motivation: result.motivation } });
  if (verdict.status !== 200 || verdict.body.winnerId !== winner.id) throw new Error(`verdict: ${verdict.status} ${verdict.text}`);
  const sealed = await system.http<SealResult>('POST', `${gala.base}/categories/${category.slug}/verdict/seal`, { token: tokens[0] });
  if (sealed.status !== 200) throw new Error(`seal: ${sealed.status} ${sealed.text}`);
  return sealed.body;
}

/** `LAUREL_TIMING=1` prints how long each step of a browser test took. */
export function stopwatch(): (label: string) => void {
  let last = Date.now();
  return (label) => {
    const now = Date.now();
    if (process.env.LAUREL_TIMING) process.stdout.write(`  [${((now - last) / 1000).toFixed(2)}s] ${label}\n`);
    last = now;
  };
}

export { freePort } from '../support/nats-server.js';
