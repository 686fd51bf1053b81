/**
 * `rehearse`: runs the 2017 gala end to end against a running Laurel, headless — jurors score from the
 * outcome file so the real winners win, chairs enter the real motivations and seal, the producer cues
 * every scene and reveal — printing each step and how long each reveal took to reach the screens.
 *
 *   node dist/tools/rehearse/main.js --url http://127.0.0.1:3000 --admin-token <token> [--slug <slug>]
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { computeCommitment, type CueResult, type ImportCeremonyResult, type LiveClientEvents, type LiveServerEvents, type RevealedEvent } from '#contracts';
import { GalaDriver, httpClient, type OutcomeResult } from './gala-driver.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = [resolve(here, '../../../apps/nominations/fixtures'), resolve(here, '../../apps/nominations/fixtures')].find((p) => {
  try {
    readFileSync(join(p, 'kvalitetsmassan-2017.json'));
    return true;
  } catch {
    return false;
  }
})!;

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.LAUREL_URL ?? 'http://127.0.0.1:3000' },
    'admin-token': { type: 'string', default: process.env.LAUREL_ADMIN_TOKEN },
    slug: { type: 'string' },
  },
});
const url = values.url!.replace(/\/$/, '');
const adminToken = values['admin-token'];
if (!adminToken) {
  process.stderr.write('rehearse: the admin token is required (--admin-token or LAUREL_ADMIN_TOKEN; `./laurel run` keeps it in .laurel/admin-token)\n');
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function connect(ceremony: string, token?: string): Promise<Socket<LiveServerEvents, LiveClientEvents>> {
  const socket: Socket<LiveServerEvents, LiveClientEvents> = io(`${url}/live`, { auth: { ceremony, token }, transports: ['websocket'] });
  await new Promise<void>((ok, fail) => {
    socket.once('snapshot', () => ok());
    socket.once('connect_error', (e) => fail(e));
  });
  return socket;
}

async function main(): Promise<void> {
  const http = httpClient(url);
  const file = JSON.parse(readFileSync(join(fixtures, 'kvalitetsmassan-2017.json'), 'utf8')) as { ceremony: { slug: string; name: string }; categories: unknown[] };
  const outcome = (JSON.parse(readFileSync(join(fixtures, 'kvalitetsmassan-2017.outcome.json'), 'utf8')) as { results: OutcomeResult[] }).results;
  const slug = values.slug ?? `${file.ceremony.slug}-rehearse-${new Date().toISOString().slice(11, 19).replace(/:/g, '')}`;
  file.ceremony.slug = slug;

  const started = performance.now();
  log(`Laurel rehearse — ${file.ceremony.name} as "${slug}" on ${url}`);
  const imported = await http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: adminToken, body: file });
  if (imported.status !== 201) throw new Error(`import: HTTP ${imported.status} ${imported.text}`);
  log(`✓ imported: ${imported.body.categories.length} categories, ${imported.body.categories.reduce((n, c) => n + c.nominees.length, 0)} nominees`);

  const driver = new GalaDriver(http, adminToken!, imported.body, file);
  const producer = await driver.token('producer');
  const screenToken = await driver.token('screen');
  const base = driver.base;

  for (const result of outcome) {
    const t0 = performance.now();
    const sealed = await driver.deliberate(result);
    log(`✓ jury ${result.category}: ${sealed.jurors} jurors scored and locked, chair sealed — commitment ${sealed.commitment.slice(0, 16)}… (${ms(performance.now() - t0)})`);
  }

  const screen = await connect(slug, screenToken);
  const audience = await connect(slug);
  const arrivals = new Map<string, { screen?: number; audience?: number; event?: RevealedEvent }>();
  const note = (who: 'screen' | 'audience') => (r: RevealedEvent) => {
    const entry = arrivals.get(r.categoryId) ?? {};
    entry[who] = performance.now();
    entry.event = r;
    arrivals.set(r.categoryId, entry);
  };
  screen.on('revealed', note('screen'));
  audience.on('revealed', note('audience'));

  const cue = async (body: Record<string, unknown>): Promise<CueResult> => {
    const res = await http<CueResult & { message?: string }>('POST', `${base}/show/cues`, { token: producer, body: { idempotencyKey: randomUUID(), ...body } });
    // 202: committed but not on the screens within the gateway's bound (JetStream not taking writes): say so, go on.
    if (res.status === 202) log(`  ! ${res.body.message ?? 'not on screens yet'}`);
    else if (res.status !== 200) throw new Error(`cue ${String(body.action)}: HTTP ${res.status} ${res.body.message ?? res.text}`);
    log(`  seq ${String(res.body.seq).padStart(3)}  ${res.body.scene.kind}${res.body.scene.data.category ? ` — ${res.body.scene.data.category.name}` : ''}`);
    return res.body;
  };

  log('▶ the show');
  await cue({ action: 'next' });
  const delivery: { category: string; winner: string; screen: number; audience: number; verified: boolean }[] = [];
  for (const result of outcome) {
    const category = imported.body.categories.find((c) => c.slug === result.category)!;
    for (let i = 0; i < 3; i++) await cue({ action: 'next' });
    const pressed = performance.now();
    const key = randomUUID();
    // The envelope reaches announcements asynchronously after the seal; a refusal is retried with the same key.
    for (let attempt = 0; ; attempt++) {
      const res = await http<CueResult & { message?: string }>('POST', `${base}/show/cues`, { token: producer, body: { action: 'reveal', categoryId: category.id, idempotencyKey: key } });
      if (res.status === 200) break;
      if (attempt > 100) throw new Error(`reveal ${result.category}: ${res.body.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const deadline = Date.now() + 10_000;
    while ((!arrivals.get(category.id)?.screen || !arrivals.get(category.id)?.audience) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const got = arrivals.get(category.id);
    if (!got?.event || !got.screen || !got.audience) throw new Error(`the reveal of ${result.category} did not reach the screens within 10 s`);
    const e = got.event;
    const verified = computeCommitment({ categoryId: e.categoryId, winnerId: e.winnerId, motivation: e.motivation, salt: e.salt }) === e.commitment;
    log(`★ ${category.slug}: ${e.winner.name} — reached the stage screen in ${ms(got.screen - pressed)}, the audience in ${ms(got.audience - pressed)}; seal ${verified ? 'verified ✓' : 'MISMATCH ✗'}`);
    delivery.push({ category: result.category, winner: e.winner.name, screen: got.screen - pressed, audience: got.audience - pressed, verified });
    if (e.winner.id !== category.nominees.find((n) => n.slug === result.winner)!.id) throw new Error(`${result.category}: wrong winner on screen`);
    await cue({ action: 'next' });
  }
  await cue({ action: 'next' });
  screen.close();
  audience.close();

  log('');
  log('category                          winner                                   screen     audience   seal');
  for (const d of delivery) log(`${d.category.padEnd(34)}${d.winner.slice(0, 40).padEnd(41)}${ms(d.screen).padStart(9)}  ${ms(d.audience).padStart(9)}   ${d.verified ? '✓' : '✗'}`);
  log(`\nDone in ${(performance.now() - started) / 1000 > 0 ? ((performance.now() - started) / 1000).toFixed(1) : '0'} s. Results: ${url}${base}/results  (CSV: ?format=csv)`);
  if (delivery.some((d) => !d.verified)) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`rehearse failed: ${(error as Error).message}\n`);
  process.exit(1);
});
