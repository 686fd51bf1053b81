import { randomUUID } from 'node:crypto';
import {
  audienceOf,
  fromBase64Url,
  generateBoxKeyPair,
  generateEnvelopeKey,
  keyToCardCode,
  openEnvelopeFrame,
  openKeyCards,
  parseCardCode,
  toBase64Url,
  verifyOpenedEnvelope,
  type CardRevealResult,
  type CueResult,
  type EnvelopeFrame,
  type EnvelopeKit,
  type EnvelopePlaintext,
  type GatewayStatusEvent,
  type ImportCeremonyResult,
  type IssuedToken,
  type JurorView,
  type RevealAlarmEvent,
  type RevealedEvent,
  type RevealedV2Frame,
  type SceneEvent,
  type SealedToPage,
  type SnapshotV2Event,
} from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017, outcome2017 } from './support/fixtures.js';
import { GalaJury } from './support/gala.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type ExtraGateway, type TestSystem } from './support/system.js';

type SpyRole = 'public' | 'screen' | 'press' | 'producer' | 'juror';

interface Spy {
  role: SpyRole;
  live: LiveClient;
}

/** Keys that carry a verdict (or its key); before its reveal no frame naming that category may hold one. */
const VERDICT_KEYS = ['winnerId', 'winner', 'result', 'salt', 'motivation', 'ranking', 'scores', 'pressRelease', 'key'];
const SKEW_MS = 3000;

function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

/** A client's clock offset to its gateway (gateway − client), NTP-style: the sample with the shortest round trip. */
async function offsetToGateway(client: LiveClient, samples = 10): Promise<number> {
  let best: { rtt: number; offset: number } | null = null;
  for (let i = 0; i < samples; i++) {
    const sent = Date.now();
    const reply = await new Promise<{ clientSentAt: number; serverTime: number }>((resolve) => client.socket.emit('clock:ping', sent, resolve));
    const received = Date.now();
    const rtt = received - sent;
    if (!best || rtt < best.rtt) best = { rtt, offset: reply.serverTime - (sent + received) / 2 };
  }
  return best!.offset;
}

/**
 * Socket protocol v2 (docs/reveal-v2.md) end to end: a v2 spy of every role and a v1 phone beside them, a
 * second gateway whose clock runs 3 s ahead. Envelopes are staged at each seal and hold nothing readable;
 * each reveal is one key-only frame, the same bytes for everyone, that opens and verifies every envelope; a
 * key card's code reveals (a wrong one is refused by name); late clients get plaintext; both gateways
 * schedule the flip at the same real instant.
 */
describe('socket protocol v2: sealed envelopes, the key-only reveal, key cards, a flip that survives clock skew', () => {
  let system: TestSystem;
  let skewed: ExtraGateway;
  let imported: ImportCeremonyResult;
  let jury: GalaJury;
  let producerToken: string;
  let screenToken: string;
  let pressToken: string;
  const spies: Spy[] = [];
  let v1Phone: LiveClient;
  let skewedScreen: LiveClient;
  let skewedProducer: LiveClient;
  const others: LiveClient[] = [];
  const outcome = outcome2017();
  const slug = 'kvalitetsmassan-2017';
  const base = `/api/v1/ceremonies/${slug}`;
  /** Per category: when it was revealed (ms) and what the reveal made public (key, salt), for the spoiler scan. */
  const revealed = new Map<string, { at: number; key: string; salt: string; winnerId: string; motivation: string }>();

  beforeAll(async () => {
    system = await startSystem({ label: 'reveal_v2' });
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
    screenToken = await token('screen');
    pressToken = await token('press');
    const jurors = await eventually(async () => {
      const list = await system.http<JurorView[]>('GET', `${base}/jurors`, { token: system.adminToken });
      expect(list.body.length).toBe(8);
      return list.body;
    });
    const tokens: Record<SpyRole, string | undefined> = { public: undefined, screen: screenToken, press: pressToken, producer: await token('producer'), juror: await token('juror', jurors[7].id) };
    for (const role of Object.keys(tokens) as SpyRole[]) {
      spies.push({ role, live: await eventually(() => connectLive(system.gatewayUrl, { ceremony: slug, token: tokens[role], v: 2 })) });
    }
    v1Phone = await connectLive(system.gatewayUrl, { ceremony: slug });
    skewed = await system.startExtraGateway({ clockSkewMs: SKEW_MS });
    skewedScreen = await eventually(() => connectLive(skewed.url, { ceremony: slug, token: screenToken, v: 2 }));
    skewedProducer = await eventually(() => connectLive(skewed.url, { ceremony: slug, token: producerToken, v: 2 }));
  });

  afterAll(async () => {
    [...spies.map((s) => s.live), v1Phone, skewedScreen, skewedProducer, ...others].forEach((c) => c?.close());
    await system?.dispose();
  });

  const categoryOf = (categorySlug: string) => imported.categories.find((c) => c.slug === categorySlug)!;
  const nameOf = async (categoryId: string) => {
    const view = await system.http<{ categories: { id: string; name: string }[] }>('GET', base);
    return view.body.categories.find((c) => c.id === categoryId)!.name;
  };

  async function cue(body: Record<string, unknown>, key = randomUUID()) {
    return system.http<CueResult & { message?: string }>('POST', `${base}/show/cues`, { token: producerToken, body: { idempotencyKey: key, ...body } });
  }

  async function toEnvelopeScene(categoryId: string): Promise<void> {
    for (const kind of ['category', 'nominees', 'envelope']) expect((await cue({ action: 'next' })).body.scene).toMatchObject({ kind, categoryId });
  }

  /** Every v2 spy holds the category's envelope for its audience. */
  async function envelopesOf(categoryId: string): Promise<Map<SpyRole, EnvelopeFrame>> {
    const held = new Map<SpyRole, EnvelopeFrame>();
    for (const spy of spies) held.set(spy.role, await spy.live.waitFor<EnvelopeFrame>('envelope', (e) => e.categoryId === categoryId));
    return held;
  }

  /** Every v2 spy gets one key-only frame for the category; it opens and verifies that spy's envelope. */
  async function expectKeyOnlyReveal(categoryId: string, seq: number, winnerId: string): Promise<RevealedV2Frame> {
    const envelopes = await envelopesOf(categoryId);
    const frames: RevealedV2Frame[] = [];
    for (const spy of spies) {
      const frame = await spy.live.waitFor<RevealedV2Frame>('revealed', (r) => r.categoryId === categoryId);
      expect(Object.keys(frame).sort()).toEqual(['categoryId', 'ceremonyId', 'commitment', 'key', 'seq', 'showAt', 'v']);
      expect(frame).toMatchObject({ v: 2, ceremonyId: imported.id, seq, categoryId });
      expect(frame.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(frame.commitment).toMatch(/^[0-9a-f]{64}$/);
      expect(typeof frame.showAt).toBe('number');
      frames.push(frame);
      const opened: EnvelopePlaintext = openEnvelopeFrame(envelopes.get(spy.role)!, audienceOf(spy.role), frame.key);
      expect({ role: spy.role, verified: verifyOpenedEnvelope(opened, frame.commitment) && verifyOpenedEnvelope(opened, envelopes.get(spy.role)!.commitment) }).toEqual({ role: spy.role, verified: true });
      expect(opened.result.winnerId).toBe(winnerId);
      expect({ role: spy.role, scenes: opened.scenes !== undefined, pressRelease: typeof opened.pressRelease }).toEqual({
        role: spy.role,
        scenes: ['screen', 'producer'].includes(spy.role),
        pressRelease: spy.role === 'press' ? 'string' : 'undefined',
      });
    }
    // The same bytes for every role.
    expect(new Set(frames.map((f) => JSON.stringify(f))).size).toBe(1);
    return frames[0];
  }

  /** After the next cue's scene reached every v2 spy: each got exactly one `revealed` for the category and no winner scene of its seq. */
  function expectOneFramePerClient(categoryId: string, seq: number): void {
    for (const spy of spies) {
      expect({ role: spy.role, reveals: spy.live.of<RevealedV2Frame>('revealed').filter((r) => r.categoryId === categoryId).length }).toEqual({ role: spy.role, reveals: 1 });
      expect({ role: spy.role, winnerScenes: spy.live.of<SceneEvent>('scene').filter((s) => s.seq === seq && s.kind === 'winner').length }).toEqual({ role: spy.role, winnerScenes: 0 });
    }
  }

  /** Nothing any v2 spy saw before the category's reveal names its verdict or carries its key or salt. */
  function assertNoSpoiler(categorySlug: string): void {
    const category = categoryOf(categorySlug);
    const { at, key, salt, winnerId, motivation } = revealed.get(category.id)!;
    for (const spy of spies) {
      for (const frame of spy.live.frames.filter((f) => f.at < at)) {
        const what = `${spy.role} frame ${frame.event}`;
        const text = JSON.stringify(frame.payload);
        expect({ what, key: text.includes(key), salt: text.includes(salt), motivation: text.includes(motivation.slice(20, 80)), winner: text.includes(`"winnerId":"${winnerId}"`) }).toEqual({
          what,
          key: false,
          salt: false,
          motivation: false,
          winner: false,
        });
        for (const obj of objects(frame.payload)) {
          if (obj.categoryId !== category.id && (obj.category as { id?: string } | undefined)?.id !== category.id) continue;
          for (const k of VERDICT_KEYS) expect({ what, k, present: k in obj && obj[k] !== undefined }).toEqual({ what, k, present: false });
        }
      }
    }
  }

  it('stages one envelope per audience at each seal, all the same length per audience, with nothing readable in it', async () => {
    expect((await cue({ action: 'next' })).body.scene.kind).toBe('welcome');
    for (const result of outcome.slice(0, 3)) {
      const { commitment } = await jury.deliberate(result.category);
      const held = await envelopesOf(categoryOf(result.category).id);
      for (const frame of held.values()) expect(frame).toMatchObject({ ceremonyId: imported.id, categoryId: categoryOf(result.category).id, commitment });
      // One envelope per audience: the roles of an audience hold the same bytes, other audiences other bytes.
      expect(held.get('screen')).toEqual(held.get('producer'));
      expect(held.get('public')).toEqual(held.get('juror'));
      expect(new Set([held.get('screen')!.ciphertext, held.get('press')!.ciphertext, held.get('public')!.ciphertext]).size).toBe(3);
    }
    for (const spy of spies) {
      const lengths = new Set(spy.live.of<EnvelopeFrame>('envelope').map((e) => fromBase64Url(e.ciphertext).length));
      expect({ role: spy.role, lengths: lengths.size }).toEqual({ role: spy.role, lengths: 1 });
    }
    // A v1 client gets no envelope frame at all.
    expect(v1Phone.of('envelope')).toEqual([]);
  });

  it('reveals with one key-only frame per client: every role opens and verifies its envelope; v1 is unchanged; both gateways flip at one real instant', async () => {
    const result = outcome[0];
    const category = categoryOf(result.category);
    // The skewed gateway has measured its offset to announcements and warned its producers.
    const status = await skewedProducer.waitFor<GatewayStatusEvent>('gateway-status', (s) => typeof s.clockOffsetMs === 'number');
    expect(Math.abs(status.clockOffsetMs! + SKEW_MS)).toBeLessThan(50);

    await toEnvelopeScene(category.id);
    const at = Date.now();
    const reveal = await cue({ action: 'reveal', categoryId: category.id });
    expect(reveal.status).toBe(200);
    const winnerId = reveal.body.scene.data.result!.winnerId;
    const frame = await expectKeyOnlyReveal(category.id, reveal.body.seq, winnerId);
    revealed.set(category.id, { at, key: frame.key, salt: reveal.body.scene.data.result!.salt, winnerId, motivation: reveal.body.scene.data.result!.motivation });

    // v1 beside it: the v1 frame with the winner (and no key), then the winner scene.
    const v1 = await v1Phone.waitFor<RevealedEvent>('revealed', (r) => r.categoryId === category.id);
    expect(v1).toMatchObject({ winnerId, seq: reveal.body.seq });
    expect(v1).not.toHaveProperty('key');
    expect(typeof v1.showAt).toBe('string');
    await v1Phone.waitFor<SceneEvent>('scene', (s) => s.seq === reveal.body.seq && s.kind === 'winner');

    // The barrier: the next scene reached every spy after anything of the reveal.
    const next = await cue({ action: 'next' });
    expect(next.body.scene.kind).toBe('motivation');
    for (const spy of spies) await spy.live.waitFor<SceneEvent>('scene', (s) => s.seq === next.body.seq);
    expectOneFramePerClient(category.id, reveal.body.seq);

    // Clock skew: each gateway's showAt, taken back to real time by its own client's offset, is one instant.
    const onSkewed = await skewedScreen.waitFor<RevealedV2Frame>('revealed', (r) => r.categoryId === category.id);
    const mainScreen = spies.find((s) => s.role === 'screen')!.live;
    const [offsetMain, offsetSkewed] = [await offsetToGateway(mainScreen), await offsetToGateway(skewedScreen)];
    expect(Math.abs(offsetSkewed - offsetMain - SKEW_MS)).toBeLessThan(100); // the client sees the skewed clock
    const realMain = frame.showAt - offsetMain;
    const realSkewed = onSkewed.showAt - offsetSkewed;
    expect({ apartMs: Math.abs(realMain - realSkewed) <= 16, realMain, realSkewed }).toEqual({ apartMs: true, realMain, realSkewed });
  });

  it('reveals from a key card: a wrong code is refused by the category name, the right one reveals once', async () => {
    const result = outcome[1];
    const category = categoryOf(result.category);
    await toEnvelopeScene(category.id);

    // The admin page exports the key cards sealed to its own key: the gateway forwards a box it cannot open.
    const page = generateBoxKeyPair();
    const exported = await system.http<SealedToPage>('POST', `${base}/keycards`, { token: system.adminToken, body: { publicKey: toBase64Url(page.publicKey) } });
    expect(exported.status).toBe(200);
    const cards = openKeyCards(page.secretKey, exported.body);
    expect(cards.cards.map((c) => c.categoryId).sort()).toEqual(outcome.slice(0, 3).map((r) => categoryOf(r.category).id).sort());
    const card = cards.cards.find((c) => c.categoryId === category.id)!;
    expect(exported.text).not.toContain(card.key);
    expect((await system.http('POST', `${base}/keycards`, { token: producerToken, body: { publicKey: toBase64Url(page.publicKey) } })).status).toBe(403);

    // What the stage types: the printed code, in groups, lower case.
    const typed = keyToCardCode(fromBase64Url(card.key)).toLowerCase();
    const key = toBase64Url(parseCardCode(typed));
    expect(key).toBe(card.key);

    const wrong = await system.http<{ statusCode: number; message: string }>('POST', `${base}/show/card-reveals`, { token: screenToken, body: { categoryId: category.id, key: toBase64Url(generateEnvelopeKey()), idempotencyKey: randomUUID() } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toBe(`this code does not open the envelope of ${await nameOf(category.id)}`);
    // Another category's key does not open this one either.
    const otherKey = cards.cards.find((c) => c.categoryId !== category.id)!.key;
    expect((await system.http('POST', `${base}/show/card-reveals`, { token: screenToken, body: { categoryId: category.id, key: otherKey, idempotencyKey: randomUUID() } })).status).toBe(400);
    // Not on stage: refused as a cue would be.
    const third = categoryOf(outcome[2].category);
    const thirdKey = cards.cards.find((c) => c.categoryId === third.id)!.key;
    const offStage = await system.http<{ message: string }>('POST', `${base}/show/card-reveals`, { token: screenToken, body: { categoryId: third.id, key: thirdKey, idempotencyKey: randomUUID() } });
    expect(offStage.status).toBe(409);
    expect(offStage.body.message).toMatch(/not on stage/i);

    const idempotencyKey = randomUUID();
    const at = Date.now();
    const first = await system.http<CardRevealResult>('POST', `${base}/show/card-reveals`, { token: screenToken, body: { categoryId: category.id, key, idempotencyKey } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ alreadyRevealed: false, scene: { kind: 'winner', categoryId: category.id } });
    const winnerId = first.body.scene.data.result!.winnerId;
    const frame = await expectKeyOnlyReveal(category.id, first.body.seq, winnerId);
    expect(frame.key).toBe(key);
    revealed.set(category.id, { at, key, salt: first.body.scene.data.result!.salt, winnerId, motivation: first.body.scene.data.result!.motivation });

    // Reported again (same key): the first answer. By a second device (new key): already revealed, nothing new.
    const again = await system.http<CardRevealResult>('POST', `${base}/show/card-reveals`, { token: screenToken, body: { categoryId: category.id, key, idempotencyKey } });
    expect(again.body.seq).toBe(first.body.seq);
    const other = await system.http<CardRevealResult>('POST', `${base}/show/card-reveals`, { token: producerToken, body: { categoryId: category.slug, key, idempotencyKey: randomUUID() } });
    expect(other.status).toBe(200);
    expect(other.body.alreadyRevealed).toBe(true);
    const next = await cue({ action: 'next' });
    for (const spy of spies) await spy.live.waitFor<SceneEvent>('scene', (s) => s.seq === next.body.seq);
    expectOneFramePerClient(category.id, first.body.seq);
  });

  it('showed no verdict, key or salt to any v2 client before its reveal', () => {
    expect(revealed.size).toBe(2);
    for (const result of outcome.slice(0, 2)) assertNoSpoiler(result.category);
    // The scan sees verdicts after their reveal: it cannot pass by looking at nothing.
    const { key } = revealed.get(categoryOf(outcome[0].category).id)!;
    expect(spies.every((s) => JSON.stringify(s.live.frames).includes(key))).toBe(true);
  });

  it('gives a late v2 client the plaintext of what was revealed and only the envelopes still sealed', async () => {
    const late = await connectLive(system.gatewayUrl, { ceremony: slug, v: 2 });
    others.push(late);
    const snapshot = late.of<SnapshotV2Event>('snapshot')[0];
    expect(snapshot.v).toBe(2);
    const revealedIds = outcome.slice(0, 2).map((r) => categoryOf(r.category).id);
    expect(snapshot.results.map((r) => r.categoryId).sort()).toEqual([...revealedIds].sort());
    for (const r of snapshot.results) expect(r.winnerId).toBe(revealed.get(r.categoryId)!.winnerId);
    expect(snapshot.envelopes.map((e) => e.categoryId)).toEqual([categoryOf(outcome[2].category).id]);
    // Same length as every envelope of its audience before it.
    const publicLength = fromBase64Url(spies.find((s) => s.role === 'public')!.live.of<EnvelopeFrame>('envelope')[0].ciphertext).length;
    expect(fromBase64Url(snapshot.envelopes[0].ciphertext).length).toBe(publicLength);

    // The envelope kit for a standby laptop: every staged envelope of every audience, and no key.
    const kit = await system.http<EnvelopeKit>('GET', `${base}/envelope-kit`, { token: producerToken });
    expect(kit.status).toBe(200);
    expect(kit.body.envelopes.map((e) => e.categoryId).sort()).toEqual(outcome.slice(0, 3).map((r) => categoryOf(r.category).id).sort());
    for (const e of kit.body.envelopes) expect(Object.keys(e.envelopes).sort()).toEqual(['press', 'public', 'screen']);
    for (const { key } of revealed.values()) expect(kit.text).not.toContain(key);
    expect((await system.http('GET', `${base}/envelope-kit`, { token: pressToken })).status).toBe(403);
    expect((await system.http('GET', `${base}/envelope-kit`)).status).toBe(401);
  });

  it('forwards a client\'s reveal alarm to the producers', async () => {
    const phone = spies.find((s) => s.role === 'public')!.live;
    const categoryId = categoryOf(outcome[2].category).id;
    phone.socket.emit('reveal-alarm', { categoryId, reason: 'the envelope does not match its commitment' });
    const alarm = await spies.find((s) => s.role === 'producer')!.live.waitFor<RevealAlarmEvent>('alarm', (a) => a.categoryId === categoryId);
    expect(alarm).toMatchObject({ ceremonyId: imported.id, role: 'public', reason: 'the envelope does not match its commitment' });
  });
});
