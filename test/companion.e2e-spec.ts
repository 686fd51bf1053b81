import { randomUUID } from 'node:crypto';
import type { CueResult, IssuedToken, ShowSnapshot } from '#contracts';
import type { LaurelClient } from '../apps/companion/src/laurel-client.js';
import { RecordingHost } from '../apps/companion/src/testing/host.js';
import { eventually } from './support/eventually.js';
import { audienceGala, ceremony2017 } from './support/fixtures.js';
import { startSystem, type TestSystem } from './support/system.js';

/**
 * The Companion module's real class (apps/companion), run against a recording stand-in for Companion
 * and the real system (NATS, Postgres, services, gateway): it follows the show by push, its presses
 * apply, and a press made on a stale view is refused and the buttons jump to the scene on stage.
 */
describe('the Companion module against the real gateway', () => {
  let system: TestSystem;
  const base = '/api/v1/ceremonies/kvalitetsmassan-2017';
  const gota = 'GötaPriset 2017';
  let deck: IssuedToken;
  let room: IssuedToken;
  const host = new RecordingHost();
  let instance: ReturnType<RecordingHost['instance']> | null = null;

  beforeAll(async () => {
    system = await startSystem({ label: 'companion' });
    await system.http('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() });
    deck = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer', label: 'Stream Deck' } })).body;
    room = (await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role: 'producer', label: 'Kontrollrum' } })).body;
    await eventually(async () => expect((await system.http('GET', `${base}/show`, { token: room.token })).status).toBe(200));
  });

  afterAll(async () => {
    await instance?.destroy();
    await system?.dispose();
  });

  const show = async () => (await system.http<ShowSnapshot>('GET', `${base}/show?rehearsal=1`, { token: room.token })).body.scene!;
  const otherOperator = (action: string, expectedSeq: number) =>
    system.http<CueResult>('POST', `${base}/show/cues`, { token: room.token, body: { action, expectedSeq, idempotencyKey: randomUUID(), rehearsal: true } });

  it('follows the show by push, cues with expectedSeq, arms and confirms a reveal, and shows the scene on stage after a stale press', async () => {
    instance = host.instance();
    // The control-room URL names the ceremony; the token is a Companion secret.
    await instance.init({ url: `${system.gatewayUrl}/control/kvalitetsmassan-2017`, ceremony: '', rehearsal: true }, true, { token: deck.token });
    await eventually(() => expect(host.variables).toMatchObject({ connection: 'OK', current_scene: 'Before the show', next_scene: 'Welcome' }));
    expect(host.feedbacks).toMatchObject({ connection_stale: false, on_air: false, reveal_armed: false });

    // Another operator cues: the buttons follow by push.
    const welcome = await otherOperator('next', 0);
    expect(welcome.status).toBe(200);
    await eventually(() => expect(host.variables).toMatchObject({ current_scene: 'Welcome', last_cued_by: 'Kontrollrum', seq: welcome.body.seq, next_scene: `Intro: ${gota}` }));
    expect(host.feedbacks.on_air).toBe(true);

    // The deck's own presses apply, with its label.
    for (const kind of ['category', 'nominees', 'envelope']) {
      await host.press('next');
      expect((await show()).kind).toBe(kind);
    }
    await eventually(() => expect(host.variables).toMatchObject({ current_scene: `Envelope: ${gota}`, next_scene: `REVEAL ${gota}`, last_cued_by: 'Stream Deck' }));

    // Two steps to a reveal: confirm alone does nothing; arm, then confirm.
    await host.press('confirm_reveal');
    expect((await show()).kind).toBe('envelope');
    expect(host.variables.last_outcome).toBe('not revealed: arm first');
    await host.press('arm_reveal');
    expect(host.feedbacks).toMatchObject({ reveal_armed: true, armed_matches_stage: true });
    expect(host.variables.armed_category).toBe(gota);
    await host.press('confirm_reveal');
    expect((await show()).kind).toBe('winner');
    await eventually(() => expect(host.variables).toMatchObject({ current_scene: `Winner: ${gota}`, armed_category: '' }));
    expect(host.feedbacks).toMatchObject({ reveal_armed: false, armed_matches_stage: false });

    // The deck loses its socket: its buttons say so, and its view goes stale while the control room moves on.
    const client = (instance as unknown as { client: LaurelClient }).client;
    const seen = client.state.scene!.seq;
    client.socket!.disconnect();
    await eventually(() => expect(host.variables.connection).toBe('OFFLINE'));
    expect(host.feedbacks.connection_stale).toBe(true);
    const moved = await otherOperator('next', seen);
    expect(moved.status).toBe(200);
    expect(moved.body.scene.kind).toBe('motivation');

    // A press on the stale view: refused (409), nothing applied, and the buttons now show the scene on stage.
    await host.press('next');
    const onStage = await show();
    expect(onStage.seq).toBe(moved.body.seq);
    expect(onStage.kind).toBe('motivation');
    expect(host.variables).toMatchObject({ current_scene: `Motivation: ${gota}`, seq: moved.body.seq, last_cued_by: 'Kontrollrum' });
    expect(host.variables.last_outcome).toBe(`not applied: the show had moved on (seq ${moved.body.seq})`);

    // Back online: the snapshot puts it level, and the next press applies.
    client.socket!.connect();
    await eventually(() => expect(host.variables.connection).toBe('OK'));
    await host.press('next');
    expect((await show()).seq).toBe(moved.body.seq + 1);
    await eventually(() => expect(host.variables).toMatchObject({ seq: moved.body.seq + 1, last_cued_by: 'Stream Deck' }));
    expect(host.statuses.at(-1)?.status).toBe('ok');
  });

  it('opens and closes the audience vote from its vote keys (the run of show\'s vote cues), never from a rehearsal deck', async () => {
    const slug = 'deckgalan';
    const gala = `/api/v1/ceremonies/${slug}`;
    expect((await system.http('POST', '/api/v1/ceremonies', { token: system.adminToken, body: audienceGala(slug) })).status).toBe(201);
    const producer = (await system.http<IssuedToken>('POST', `${gala}/tokens`, { token: system.adminToken, body: { role: 'producer', label: 'Vote deck' } })).body;
    const windowOf = async () => {
      const rows = (await system.http<{ categoryId: string; state: string; closesAt: string | null }[]>('GET', `${gala}/votes`, { token: system.adminToken })).body;
      return rows.find((r) => r.state !== undefined);
    };
    const voteHost = new RecordingHost();
    const deck = voteHost.instance();
    const rehearsalHost = new RecordingHost();
    const rehearsalDeck = rehearsalHost.instance();
    try {
      await deck.init({ url: `${system.gatewayUrl}/control/${slug}`, ceremony: '', rehearsal: false }, true, { token: producer.token });
      await rehearsalDeck.init({ url: `${system.gatewayUrl}/control/${slug}`, ceremony: '', rehearsal: true }, true, { token: producer.token });
      await eventually(() => expect(voteHost.variables.connection).toBe('OK'));
      await eventually(() => expect(rehearsalHost.variables.connection).toBe('OK'));
      await voteHost.press('next');

      // The rehearsal deck refuses before sending anything: the audience vote has no rehearsal.
      await rehearsalHost.press('vote_open', { category: 'publikpriset', duration: '60' });
      expect(rehearsalHost.variables.last_outcome).toMatch(/^vote-open refused: the audience vote has no rehearsal/);
      expect((await windowOf())?.state ?? 'none').not.toBe('open');

      // A key without a category says so; a key with one opens the vote for its minutes, by the server's clock.
      await voteHost.press('vote_open', { category: '', duration: '60' });
      expect(voteHost.variables.last_outcome).toBe('vote-open refused: no category set on the button');
      const pressed = Date.now();
      await voteHost.press('vote_open', { category: 'publikpriset', duration: '60' });
      expect(voteHost.variables.last_outcome).toMatch(/^vote open until \d\d:\d\d:\d\d$/);
      const open = await windowOf();
      expect(open?.state).toBe('open');
      expect(Math.abs(Date.parse(open!.closesAt!) - (pressed + 60_000))).toBeLessThan(5_000);

      // The server's refusal reaches the key as text (an unknown category), and the close closes it.
      await voteHost.press('vote_close', { category: 'no-such-category' });
      expect(voteHost.variables.last_outcome).toMatch(/^vote-close refused: /);
      await voteHost.press('vote_close', { category: 'publikpriset' });
      expect(voteHost.variables.last_outcome).toMatch(/^vote (closed|sealed)/);
      expect(['closed', 'sealed']).toContain((await windowOf())?.state);
    } finally {
      await deck.destroy();
      await rehearsalDeck.destroy();
    }
  });
});
