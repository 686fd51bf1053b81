import { randomUUID } from 'node:crypto';
import type { CueResult, ImportCeremonyResult, IssuedToken } from '#contracts';
import { STREAMS } from '#contracts';
import { NatsBus } from '#messaging';
import { createLogger } from '#observability';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startSystem, type TestSystem } from '../support/system.js';

export const SLUG = 'kvalitetsmassan-2017';
export const BASE = `/api/v1/ceremonies/${SLUG}`;
export const quiet = createLogger('fault-test', 'silent');

export interface Gala {
  system: TestSystem;
  imported: ImportCeremonyResult;
  tokens: Record<'producer' | 'screen' | 'press', string>;
  /** One producer cue; a fresh idempotency key unless given. */
  cue(body: Record<string, unknown>): Promise<{ status: number; body: CueResult & { message?: string } }>;
  /** `next` until the given category's envelope is on stage (from wherever the show is). */
  toEnvelope(categorySlug: string): Promise<CueResult>;
}

/** The system with the 2017 ceremony imported and producer/screen/press tokens issued. */
export async function startGala(options: Parameters<typeof startSystem>[0] = {}, existing?: TestSystem): Promise<Gala> {
  const system = existing ?? (await startSystem(options));
  const imported = (await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() })).body;
  const tokens = {} as Gala['tokens'];
  for (const role of ['producer', 'screen', 'press'] as const) {
    tokens[role] = (await system.http<IssuedToken>('POST', `${BASE}/tokens`, { token: system.adminToken, body: { role } })).body.token;
  }
  await eventually(async () => expect((await system.http('GET', `${BASE}/show`, { token: tokens.producer })).status).toBe(200), { timeoutMs: 20000 });
  const cue: Gala['cue'] = (body) => system.http('POST', `${BASE}/show/cues`, { token: tokens.producer, body: { idempotencyKey: randomUUID(), ...body } });
  const toEnvelope = async (categorySlug: string) => {
    const category = imported.categories.find((c) => c.slug === categorySlug)!;
    for (let i = 0; i < 40; i++) {
      const res = await cue({ action: 'next' });
      // 202 is committed but not on this gateway's screens within CUE_ON_SCREENS_MS (a loaded machine): the
      // scene goes out when JetStream takes it, and the next cue builds on it, as a producer's would.
      if (res.status !== 200 && res.status !== 202) throw new Error(`next refused: ${res.status} ${JSON.stringify(res.body)}`);
      if (res.body.scene.kind === 'envelope' && res.body.scene.categoryId === category.id) return res.body;
    }
    throw new Error(`never reached the envelope of ${categorySlug}`);
  };
  return { system, imported, tokens, cue, toEnvelope };
}

/** A NATS connection of the test's own, to read the streams back. */
export function testBus(url: string): Promise<NatsBus> {
  return NatsBus.connect(url, `fault-test-${randomUUID().slice(0, 6)}`, quiet);
}

export interface StoredMessage {
  seq: number;
  subject: string;
  id: string;
  data: Record<string, unknown>;
}

/** Every message in GALA_EVENTS, read from the stream itself (a consumer could hide duplicates). */
export async function streamMessages(bus: NatsBus, subjectFilter?: string): Promise<StoredMessage[]> {
  const info = await bus.jsm.streams.info(STREAMS.events.name);
  const out: StoredMessage[] = [];
  if (info.state.messages === 0) return out;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await bus.jsm.streams.getMessage(STREAMS.events.name, { seq }).catch(() => null);
    if (!msg || (subjectFilter && msg.subject !== subjectFilter)) continue;
    const envelope = msg.json<{ id: string; data: Record<string, unknown> }>();
    out.push({ seq, subject: msg.subject, id: envelope.id, data: envelope.data });
  }
  return out;
}

export const REVEALED = 'gala.events.announcements.winner.revealed';
export const SCENE = 'gala.events.announcements.scene.changed';

/** Counts of each value, to find duplicates. */
export function duplicates<T>(values: T[]): T[] {
  const seen = new Map<T, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([v]) => v);
}

/** Prints an observation for the issue note (kept in the test output). */
export function observe(fault: string, facts: Record<string, unknown>): void {
  // eslint-disable-next-line no-console
  console.log(`[fault ${fault}] ${JSON.stringify(facts)}`);
}

/** The scene a client shows now: the highest seq among its scene frames and snapshot scenes (screens drop stale seq). */
export function heldScene(client: { frames: { event: string; payload: unknown }[] }): { seq: number; kind: string; categoryId?: string } | null {
  let held: { seq: number; kind: string; categoryId?: string } | null = null;
  for (const f of client.frames) {
    const scene = f.event === 'scene' ? (f.payload as { seq: number; kind: string }) : f.event === 'snapshot' ? (f.payload as { scene: { seq: number; kind: string } | null }).scene : null;
    if (scene && (!held || scene.seq > held.seq)) held = scene;
  }
  return held;
}
