import { randomUUID } from 'node:crypto';
import type { CueResult, ImportCeremonyResult, IssuedToken, JurorView, RevealedEvent, SceneEvent } from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017, outcome2017 } from './support/fixtures.js';
import { GalaJury } from './support/gala.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

type SpyRole = 'public' | 'screen' | 'press' | 'producer' | 'juror';

interface Spy {
  role: SpyRole;
  token?: string;
  live: LiveClient;
  /** Every HTTP response this spy got, in order. */
  responses: { at: number; path: string; status: number; text: string }[];
}

/** Keys that carry a verdict; before its reveal none may name that category's winner. */
const VERDICT_KEYS = ['winnerId', 'winner', 'result', 'salt', 'motivation', 'ranking', 'scores', 'pressRelease'];

/** Every object in a JSON value, with a path, for structural scans. */
function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

/**
 * No spoilers, proven: a spy for every role is connected before the show, the 2017 gala is
 * deliberated and run to the end, and every frame and HTTP response the spies saw is checked:
 * nothing names a winner, a score or a motivation before that category's reveal, and each reveal
 * reaches every spy exactly once.
 */
describe('the live show: no spoilers, envelope guard, each reveal once', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  let jury: GalaJury;
  let producerToken: string;
  const spies: Spy[] = [];
  const outcome = outcome2017();
  const base = '/api/v1/ceremonies/kvalitetsmassan-2017';
  /** When each category was revealed (ms), to judge what came before. */
  const revealedAt = new Map<string, number>();
  const cueLog: { action: string; status: number; message?: string }[] = [];

  beforeAll(async () => {
    system = await startSystem({ label: 'no_spoilers' });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() });
    expect(res.status).toBe(201);
    imported = res.body;
    jury = new GalaJury(system, imported);
    const token = async (role: string, jurorId?: string) => {
      const issued = await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role, jurorId } });
      expect(issued.status).toBe(201);
      return issued.body.token;
    };
    producerToken = await token('producer');
    // A juror of another panel: a real KvalitetsKommun juror spies on every other category's show.
    const jurors = await eventually(async () => {
      const list = await system.http<JurorView[]>('GET', `${base}/jurors`, { token: system.adminToken });
      expect(list.body.length).toBe(8);
      return list.body;
    });
    const tokens: Record<SpyRole, string | undefined> = {
      public: undefined,
      screen: await token('screen'),
      press: await token('press'),
      producer: await token('producer'),
      juror: await token('juror', jurors[7].id),
    };
    for (const role of Object.keys(tokens) as SpyRole[]) {
      const live = await eventually(() => connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: tokens[role] }));
      spies.push({ role, token: tokens[role], live, responses: [] });
    }
  });

  afterAll(async () => {
    spies.forEach((s) => s.live.close());
    await system?.dispose();
  });

  /** Each spy looks at everything its role may read over HTTP. */
  async function spiesLook(): Promise<void> {
    for (const spy of spies) {
      const paths = [base, `${base}/results`, `${base}/results?format=csv`];
      if (spy.role === 'producer') paths.push(`${base}/show`);
      if (spy.role === 'juror') paths.push(`${base}/me`, `${base}/categories/gotapriset/panel`, `${base}/categories/gotapriset/ballot`);
      for (const path of paths) {
        const res = await system.http('GET', path, { token: spy.token });
        spy.responses.push({ at: Date.now(), path, status: res.status, text: res.text });
      }
    }
  }

  async function cue(body: Record<string, unknown>, key = randomUUID()): Promise<{ status: number; body: CueResult & { message?: string } }> {
    const res = await system.http<CueResult & { message?: string }>('POST', `${base}/show/cues`, { token: producerToken, body: { idempotencyKey: key, ...body } });
    cueLog.push({ action: String(body.action), status: res.status, message: res.body.message });
    return res;
  }

  /** Nothing any spy saw before `until` names the verdict of `categorySlug`. */
  function assertNoSpoiler(categorySlug: string, until: number): void {
    const result = outcome.find((r) => r.category === categorySlug)!;
    const category = imported.categories.find((c) => c.slug === categorySlug)!;
    const winnerId = category.nominees.find((n) => n.slug === result.winner)!.id;
    const motivationPiece = result.motivation.slice(20, 80);
    for (const spy of spies) {
      const seen = [
        ...spy.live.frames.filter((f) => f.at < until).map((f) => ({ what: `${spy.role} frame ${f.event}`, value: f.payload, text: JSON.stringify(f.payload) })),
        ...spy.responses.filter((r) => r.at < until).map((r) => ({ what: `${spy.role} GET ${r.path}`, value: safeJson(r.text), text: r.text })),
      ];
      for (const { what, value, text } of seen) {
        expect({ what, leaksMotivation: text.includes(motivationPiece) }).toEqual({ what, leaksMotivation: false });
        for (const obj of objects(value)) {
          const named = obj.categoryId === category.id || (obj.category as { id?: string } | undefined)?.id === category.id || obj.id === category.id;
          if (!named) continue;
          for (const key of VERDICT_KEYS) expect({ what, key, present: key in obj && obj[key] !== undefined }).toEqual({ what, key, present: false });
        }
        expect({ what, leaksScores: /"scores"|"ranking"/.test(text) && spy.role !== 'juror' }).toEqual({ what, leaksScores: false });
        expect({ what, winnerIdAsWinner: new RegExp(`"winnerId":"${winnerId}"`).test(text) }).toEqual({ what, winnerIdAsWinner: false });
      }
    }
  }

  function safeJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  it('refuses a reveal before its verdict is sealed, the wrong envelope, and a second reveal; runs the whole gala', async () => {
    await spiesLook();
    expect((await cue({ action: 'next' })).body.scene.kind).toBe('welcome');

    for (const [index, result] of outcome.entries()) {
      const category = imported.categories.find((c) => c.slug === result.category)!;
      expect((await cue({ action: 'next' })).body.scene).toMatchObject({ kind: 'category', categoryId: category.id });
      expect((await cue({ action: 'next' })).body.scene).toMatchObject({ kind: 'nominees', categoryId: category.id });
      expect((await cue({ action: 'next' })).body.scene).toMatchObject({ kind: 'envelope', categoryId: category.id });
      await spiesLook();

      if (index === 0) {
        // Envelope on stage, verdict not sealed yet: refused with the reason, nothing emitted.
        const early = await cue({ action: 'reveal', categoryId: category.id });
        expect(early.status).toBe(409);
        expect(early.body.message).toMatch(/not sealed/i);
      }
      const { winnerId, motivation } = await jury.deliberate(result.category);
      await spiesLook();

      if (index === 1) {
        const wrong = await cue({ action: 'reveal', categoryId: imported.categories.find((c) => c.slug === 'sveriges-modernaste-myndighet')!.id });
        expect(wrong.status).toBe(409);
        expect(wrong.body.message).toMatch(/not on stage/i);
      }

      assertNoSpoiler(result.category, Date.now());
      const key = randomUUID();
      let pressed = Date.now();
      const reveal = await eventually(async () => {
        // The moment of the press that succeeds: its `revealed` frame may arrive before the HTTP reply.
        pressed = Date.now();
        const res = await cue({ action: 'reveal', categoryId: category.id }, key);
        expect(res.status).toBe(200);
        return res;
      });
      revealedAt.set(category.id, pressed);
      expect(reveal.body.scene).toMatchObject({ kind: 'winner', categoryId: category.id });
      expect(reveal.body.scene.data.result).toMatchObject({ winnerId, motivation: motivation.normalize('NFC').trim() });

      // The same press again (same key): the first answer, nothing new on any socket.
      const again = await cue({ action: 'reveal', categoryId: category.id }, key);
      expect(again.status).toBe(200);
      expect(again.body.seq).toBe(reveal.body.seq);
      // A second press with a new key: refused, already revealed.
      const twice = await cue({ action: 'reveal', categoryId: category.id });
      expect(twice.status).toBe(409);
      expect(twice.body.message).toMatch(/already revealed/i);

      for (const spy of spies) {
        const revealed = await spy.live.waitFor<RevealedEvent>('revealed', (r) => r.categoryId === category.id);
        expect(revealed).toMatchObject({ winnerId, seq: reveal.body.seq, rehearsal: false });
        expect(Date.parse(revealed.showAt)).toBeGreaterThan(Date.parse(revealed.revealedAt));
        // The press release comes with the reveal to the press and the crew; screens and phones get the lean frame.
        expect({ role: spy.role, pressRelease: typeof revealed.pressRelease }).toEqual({ role: spy.role, pressRelease: ['press', 'producer'].includes(spy.role) ? 'string' : 'undefined' });
        const winnerScene = await spy.live.waitFor<SceneEvent>('scene', (s) => s.seq === reveal.body.seq && s.kind === 'winner');
        expect(winnerScene.data.result).not.toHaveProperty('pressRelease');
      }
      expect((await cue({ action: 'next' })).body.scene).toMatchObject({ kind: 'motivation', categoryId: category.id });
    }
    expect((await cue({ action: 'next' })).body.scene.kind).toBe('closing');
    await spiesLook();

    // Each reveal reached every spy exactly once; scenes arrived in seq order without gaps or repeats.
    for (const spy of spies) {
      const revealed = spy.live.of<RevealedEvent>('revealed');
      expect(revealed.map((r) => r.categoryId).sort()).toEqual([...imported.categories.map((c) => c.id)].sort());
      const seqs = spy.live.of<SceneEvent>('scene').map((s) => s.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    // The public results now hold all five, in stage order, with what anyone needs to check the seals.
    const results = await system.http<RevealedEvent[]>('GET', `${base}/results`);
    expect(results.body.map((r) => r.category.slug)).toEqual(outcome.map((r) => r.category));
    const csv = await system.http('GET', `${base}/results?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text).toContain('Helsingborgs stad');
  });

  it('showed no verdict to anyone before its reveal', () => {
    expect(revealedAt.size).toBe(5);
    for (const result of outcome) {
      const category = imported.categories.find((c) => c.slug === result.category)!;
      assertNoSpoiler(result.category, revealedAt.get(category.id)!);
    }
    // Sanity: the scan does see verdicts after their reveal (it cannot pass by looking at nothing).
    const last = outcome[outcome.length - 1];
    expect(spies.every((s) => JSON.stringify(s.live.frames).includes(last.motivation.slice(20, 80)))).toBe(true);
  });
});
