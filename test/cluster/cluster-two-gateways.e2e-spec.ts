import { randomUUID } from 'node:crypto';
import type { CueResult, GatewayStatusEvent, ImportCeremonyResult, IssuedToken, RevealedEvent, SceneEvent } from '#contracts';
import { STREAMS } from '#contracts';
import { NatsBus, OutboxMessage } from '#messaging';
import { connect } from '@nats-io/transport-node';
import { DataSource, IsNull } from 'typeorm';
import { duplicates, heldScene, observe, quiet, REVEALED, SCENE, SLUG, streamMessages } from '../faults/support.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017, outcome2017 } from '../support/fixtures.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { startNatsCluster, type TestNatsCluster, type TestNatsNode } from '../support/nats-server.js';
import { startSystem, type ExtraGateway, type TestSystem } from '../support/system.js';

const BASE = `/api/v1/ceremonies/${SLUG}`;
const PUBLIC_CLIENTS = 40;
const SCREEN_CLIENTS = 4;
/** How long one cue may keep being retried (same idempotency key) while NATS fails over. */
const CUE_RETRY_BUDGET_MS = 60_000;

interface Gw {
  name: 'A' | 'B';
  url: string;
  bus: NatsBus;
  /** NATS status events this gateway's connection went through (disconnect, reconnect, …). */
  statuses: string[];
}

interface Client {
  live: LiveClient;
  gw: Gw;
  role: 'public' | 'screen';
  /** socket.io reconnects of this client to its gateway. */
  reconnects: number;
}

/** The server_name of the NATS node a connection is on now. */
function nodeOf(bus: NatsBus): string {
  const name = bus.nc.info?.server_name;
  if (!name) throw new Error('not connected to NATS');
  return name;
}

/** A stream's leader (null during an election). */
async function streamLeader(bus: NatsBus, stream: string): Promise<string | null> {
  const info = await bus.jsm.streams.info(stream);
  return info.cluster?.leader ?? null;
}

/** Steps a raft group's leader down until the election lands on `target` (each stepdown elects another peer). */
async function placeLeader(what: string, target: string, leader: () => Promise<string | null>, stepdown: () => Promise<unknown>): Promise<number> {
  for (let moves = 0; ; moves++) {
    const now = await eventually(async () => (await leader()) ?? Promise.reject(new Error(`${what}: no leader`)), { timeoutMs: 30000, intervalMs: 100 });
    if (now === target) return moves;
    if (moves >= 20) throw new Error(`${what}: the leader never landed on ${target}`);
    await stepdown();
    await eventually(
      async () => {
        const next = await leader();
        if (!next || next === now) throw new Error(`${what}: no new leader yet`);
      },
      { timeoutMs: 30000, intervalMs: 100 },
    );
  }
}

/**
 * A 3-node NATS JetStream cluster (every stream and bucket with 3 replicas) and two gateways on
 * different nodes, with 40 public sockets and 4 stage screens spread over both. The 2017 gala is
 * cued through, and right after the second reveal is accepted the NATS node that is the JetStream
 * meta leader, leads GALA_EVENTS and the show snapshots, and carries gateway A's connection is killed
 * with SIGKILL. The show goes on while new leaders are elected (a cue the system cannot take yet is
 * pressed again with the same idempotency key), two more reveals happen without the node, then it
 * comes back (same ports and store) before the last one. Nothing may be lost: every client gets every
 * reveal exactly once and ends on the last scene, once the cluster is whole both gateways serve from
 * their event feeds again, the stream holds every scene seq once, the results list all five winners.
 */
/** The reveal lead here: long enough that both gateways get each reveal in time on a loaded CI machine. */
const LEAD_MS = 2000;

describe('NATS cluster: two gateways, one NATS node killed mid-show', () => {
  let cluster: TestNatsCluster;
  let system: TestSystem<TestNatsCluster>;
  let bus: NatsBus;
  let imported: ImportCeremonyResult;
  let extra: ExtraGateway;
  let producer: string;
  const gateways: Gw[] = [];
  const clients: Client[] = [];
  const outcome = outcome2017();
  const placement: Record<string, string> = {};

  beforeAll(async () => {
    const bootStarted = Date.now();
    cluster = await startNatsCluster(3);
    system = await startSystem({ label: 'cluster_two_gw', natsCluster: cluster, jetstreamReplicas: 3, services: ['nominations', 'jury', 'announcements'], revealLeadMs: LEAD_MS });
    bus = await NatsBus.connect(cluster.urls.join(','), `cluster-test-${randomUUID().slice(0, 6)}`, quiet);

    // Gateway A gets every node; gateway B the two A is not on. nats.js shuffles a server list (the
    // order does not pin a node), so this is what puts the two gateways on different nodes and makes
    // the events really cross the cluster. B still learns A's node from the cluster (INFO connect_urls).
    const appA = await system.start('gateway');
    const busA = appA.get(NatsBus);
    const nodeA = nodeOf(busA);
    const rest = cluster.nodes.filter((n) => n.name !== nodeA);
    extra = await system.startExtraGateway({ natsUrl: rest.map((n) => n.url).join(',') });
    const busB = extra.app.get(NatsBus);
    for (const [name, gwBus, url] of [['A', busA, system.gatewayUrl], ['B', busB, extra.url]] as const) {
      const gw: Gw = { name, url, bus: gwBus, statuses: [] };
      void (async () => {
        for await (const s of gwBus.nc.status()) if (s.type !== 'ping') gw.statuses.push(s.type);
      })();
      gateways.push(gw);
    }
    placement.gatewayA = nodeA;
    placement.gatewayB = nodeOf(busB);
    for (const name of ['nominations', 'jury', 'announcements'] as const) placement[name] = nodeOf(system.apps[name]!.get(NatsBus));
    expect(placement.gatewayB).not.toBe(placement.gatewayA);

    imported = (await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() })).body;
    expect(imported.slug).toBe(SLUG);
    const issue = async (role: string) => (await system.http<IssuedToken>('POST', `${BASE}/tokens`, { token: system.adminToken, body: { role } })).body.token;
    producer = await issue('producer');
    const screens = [await issue('screen'), await issue('screen')];
    // Both gateways know the producer (grants travel through a replicated KV bucket).
    for (const gw of gateways) {
      await eventually(async () => expect((await system.http('GET', `${BASE}/show`, { token: producer, gatewayUrl: gw.url })).status).toBe(200), { timeoutMs: 20000 });
    }

    // Every verdict sealed before the show.
    const jury = new GalaJury(system, imported);
    for (const result of outcome) await jury.deliberate(result.category);

    // Audience: public sockets and stage screens alternate between the gateways.
    const connect = async (i: number, role: Client['role'], token?: string) => {
      const gw = gateways[i % 2];
      const live = await eventually(() => connectLive(gw.url, { ceremony: SLUG, token }), { timeoutMs: 20000 });
      const client: Client = { live, gw, role, reconnects: 0 };
      live.socket.io.on('reconnect', () => client.reconnects++);
      clients.push(client);
    };
    await Promise.all([
      ...Array.from({ length: PUBLIC_CLIENTS }, (_, i) => connect(i, 'public')),
      ...Array.from({ length: SCREEN_CLIENTS }, (_, i) => connect(i, 'screen', screens[i % screens.length])),
    ]);
    observe('cluster', { setupMs: Date.now() - bootStarted, placement });
  });

  afterAll(async () => {
    clients.forEach((c) => c.live.close());
    // Every node up again (if the test failed mid-outage), so the services drain and stop cleanly.
    await Promise.all((cluster?.nodes ?? []).map((n) => n.start().catch(() => undefined)));
    await bus?.drain().catch(() => undefined);
    await system?.dispose();
    await cluster?.dispose();
  });

  it('every client on both gateways gets every reveal exactly once; the stream loses nothing', async () => {
    const started = Date.now();
    // The hard case: the node that carries gateway A's connection is made the JetStream meta leader and
    // the leader of GALA_EVENTS and of the show snapshots (stepdowns hand leadership to another peer
    // until it lands there), so killing it takes all of them at once.
    const target: TestNatsNode = cluster.node(placement.gatewayA);
    const sys = await connect({ servers: cluster.urls, name: 'cluster-test-sys', ...cluster.systemUser });
    const leaderStreams = [STREAMS.events.name, 'KV_laurel_show'];
    const stepdowns: Record<string, number> = {};
    try {
      stepdowns.meta = await placeLeader('meta', target.name, () => cluster.metaLeader(), () => sys.request('$JS.API.META.LEADER.STEPDOWN', '', { timeout: 5000 }));
      for (const stream of leaderStreams) {
        stepdowns[stream] = await placeLeader(stream, target.name, () => streamLeader(bus, stream), () => bus.nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, '', { timeout: 5000 }));
      }
    } finally {
      await sys.close();
    }
    const placedMs = Date.now() - started;

    // Cues: through gateway A, as the producer's control room would; a cue the system cannot take yet
    // (5xx, or no answer) is pressed again with the same idempotency key until it is accepted.
    const cueLog: { action: string; attempts: number; statuses: number[]; pressedAt: number; acceptedAt: number; seq: number }[] = [];
    const cue = async (body: { action: 'next' } | { action: 'reveal'; categoryId: string }): Promise<CueResult> => {
      const key = randomUUID();
      const statuses: number[] = [];
      const deadline = Date.now() + CUE_RETRY_BUDGET_MS;
      for (;;) {
        // The press that succeeds: its frames may reach the sockets before its HTTP reply does.
        const pressedAt = Date.now();
        const res = await system.http<CueResult & { message?: string }>('POST', `${BASE}/show/cues`, { token: producer, body: { idempotencyKey: key, ...body } }).catch(() => null);
        const status = res?.status ?? 0;
        if (res && status === 200) {
          cueLog.push({ action: body.action, attempts: statuses.length + 1, statuses, pressedAt, acceptedAt: Date.now(), seq: res.body.seq });
          return res.body;
        }
        statuses.push(status);
        if (status >= 400 && status < 500) throw new Error(`cue ${JSON.stringify(body)} refused: ${status} ${res?.text}`);
        if (Date.now() > deadline) throw new Error(`cue ${JSON.stringify(body)} not accepted within ${CUE_RETRY_BUDGET_MS} ms: ${statuses.join(',')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const next = async (kind: string, categoryId?: string) => {
      const result = await cue({ action: 'next' });
      expect(result.scene).toMatchObject(categoryId ? { kind, categoryId } : { kind });
      return result;
    };

    let killedAt = 0;
    const killed: Record<string, boolean> = {};
    let restartedAt = 0;
    let restartTookMs = 0;
    /** When the killed node was back, and the last seq cued before. */
    let healedAt = 0;
    let healedAtSeq = 0;
    let newLeader = null as string | null;
    let newLeaderAfterMs = 0;
    /** Per reveal: from the press of its accepted cue to the `revealed` frame on the last of all clients. */
    const revealToAllClientsMs: number[] = [];
    const outageReveals: number[] = [];

    await next('welcome');
    for (const [index, result] of outcome.entries()) {
      const category = imported.categories.find((c) => c.slug === result.category)!;
      await next('category', category.id);
      await next('nominees', category.id);
      await next('envelope', category.id);
      const reveal = await cue({ action: 'reveal', categoryId: category.id });
      const { pressedAt } = cueLog.at(-1)!;
      expect(reveal.scene).toMatchObject({ kind: 'winner', categoryId: category.id });
      if (index === 1) {
        // Mid-show, right after a reveal was accepted: its events may still be on their way to the stream.
        killed.meta = (await cluster.metaLeader()) === target.name;
        for (const stream of leaderStreams) killed[stream] = (await streamLeader(bus, stream)) === target.name;
        killed.gatewayA = nodeOf(gateways[0].bus) === target.name;
        // The scenario holds: the node about to die leads everything that matters and carries gateway A.
        expect(killed).toEqual({ meta: true, [STREAMS.events.name]: true, KV_laurel_show: true, gatewayA: true });
        killedAt = Date.now();
        await target.kill();
        void eventually(
          async () => {
            const leader = await streamLeader(bus, STREAMS.events.name);
            if (!leader || leader === target.name) throw new Error('no new leader yet');
            newLeader = leader;
            newLeaderAfterMs = Date.now() - killedAt;
          },
          { timeoutMs: 60000, intervalMs: 100 },
        ).catch(() => undefined);
      }
      if (killedAt && !restartedAt) outageReveals.push(index + 1);
      // The producer waits for the winner on every screen before going on (the outage included).
      await eventually(() => clients.forEach((c) => expect(c.live.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toContain(category.id)), { timeoutMs: 60000 });
      revealToAllClientsMs.push(Math.max(...clients.map((c) => c.live.frames.find((f) => f.event === 'revealed' && (f.payload as RevealedEvent).categoryId === category.id)!.at)) - pressedAt);
      await next('motivation', category.id);
      if (index === 3) {
        // Two reveals later, the node comes back (same ports and store) and catches up before the last category.
        restartedAt = Date.now();
        await target.start();
        restartTookMs = Date.now() - restartedAt;
        healedAtSeq = cueLog.at(-1)!.seq;
        healedAt = Date.now();
      }
    }
    const closing = await next('closing');
    const finalSeq = closing.seq;
    const showMs = Date.now() - started;

    // Screens on both gateways flip at one instant: each gateway stamps a reveal it got in time with the
    // same showAt (the commit time plus the lead), whichever NATS node it came through.
    for (const [index, result] of outcome.entries()) {
      if (outageReveals.includes(index + 1)) continue;
      const categoryId = imported.categories.find((c) => c.slug === result.category)!.id;
      const frames = clients.map((c) => c.live.of<RevealedEvent>('revealed').find((r) => r.categoryId === categoryId)!);
      const showAts = [...new Set(frames.map((r) => r.showAt))];
      expect({ category: result.category, showAts }).toEqual({ category: result.category, showAts: [new Date(Date.parse(frames[0].revealedAt) + LEAD_MS).toISOString()] });
    }

    // Every client, on both gateways, ends on the closing scene with the right seq …
    await eventually(() => clients.forEach((c) => expect(heldScene(c.live)).toMatchObject({ seq: finalSeq, kind: 'closing' })), { timeoutMs: 30000 });
    const caughtUpMs = Date.now() - started - showMs;
    // … with every reveal exactly once: one `revealed` frame per category (never two), the right winner.
    const winners = new Map(
      outcome.map((r) => {
        const category = imported.categories.find((c) => c.slug === r.category)!;
        return [category.id, category.nominees.find((n) => n.slug === r.winner)!.id];
      }),
    );
    for (const c of clients) {
      const revealed = c.live.of<RevealedEvent>('revealed').filter((r) => !r.rehearsal);
      const perCategory = Object.fromEntries([...winners.keys()].map((id) => [id, revealed.filter((r) => r.categoryId === id).length]));
      expect({ gateway: c.gw.name, role: c.role, perCategory }).toEqual({ gateway: c.gw.name, role: c.role, perCategory: Object.fromEntries([...winners.keys()].map((id) => [id, 1])) });
      for (const r of revealed) expect(r.winnerId).toBe(winners.get(r.categoryId));
      // Scenes in seq order, none twice.
      const seqs = c.live.of<SceneEvent>('scene').map((s) => s.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      // Once the cluster is whole again, both gateways serve from their event feeds: every scene as a
      // `scene` frame, no snapshot pushed as a fallback for events that did not come.
      expect({ gateway: c.gw.name, after: seqs.filter((q) => q > healedAtSeq) }).toEqual({ gateway: c.gw.name, after: Array.from({ length: finalSeq - healedAtSeq }, (_, i) => healedAtSeq + i + 1) });
      expect({ gateway: c.gw.name, snapshotsAfterHeal: c.live.frames.filter((f) => f.event === 'snapshot' && f.at > healedAt).length }).toEqual({ gateway: c.gw.name, snapshotsAfterHeal: 0 });
    }

    // The results, through either gateway, list all five winners in stage order.
    for (const gw of gateways) {
      const results = await system.http<RevealedEvent[]>('GET', `${BASE}/results`, { gatewayUrl: gw.url });
      expect(results.status).toBe(200);
      expect(results.body.map((r) => [r.category.slug, r.winnerId])).toEqual(outcome.map((r) => [r.category, winners.get(imported.categories.find((c) => c.slug === r.category)!.id)]));
    }

    // Every stream and bucket has 3 replicas, and the restarted node is current again in each.
    const streams: { name: string; replicas: number; leader?: string }[] = [];
    for await (const info of bus.jsm.streams.list()) streams.push({ name: info.config.name, replicas: info.config.num_replicas, leader: info.cluster?.leader });
    expect(streams.map((s) => s.name).sort()).toEqual([STREAMS.events.name, STREAMS.sealed.name, 'KV_laurel_access', 'KV_laurel_show'].sort());
    for (const s of streams) expect(s).toMatchObject({ replicas: 3 });
    await eventually(
      async () => {
        for (const s of streams) {
          const info = await bus.jsm.streams.info(s.name);
          expect(info.cluster?.leader).toBeTruthy();
          expect(info.cluster?.replicas?.map((r) => [r.name, r.current])).toEqual(expect.arrayContaining(cluster.nodes.filter((n) => n.name !== info.cluster?.leader).map((n) => [n.name, true])));
        }
      },
      { timeoutMs: 30000, intervalMs: 250 },
    );

    // Nothing lost in the stream: every scene seq 1..N of the live show once, every reveal once, no event id twice.
    const outbox = system.apps.announcements!.get(DataSource).getRepository(OutboxMessage);
    await eventually(async () => expect(await outbox.countBy({ publishedAt: IsNull() })).toBe(0), { timeoutMs: 30000 });
    const events = await streamMessages(bus);
    expect(duplicates(events.map((e) => e.id))).toEqual([]);
    const scenes = events.filter((e) => e.subject === SCENE && e.data.ceremonyId === imported.id && e.data.rehearsal === false);
    expect(scenes.map((e) => e.data.seq)).toEqual(Array.from({ length: finalSeq }, (_, i) => i + 1));
    const reveals = events.filter((e) => e.subject === REVEALED && e.data.ceremonyId === imported.id);
    expect(reveals.map((e) => [e.data.categoryId, e.data.winnerId]).sort()).toEqual([...winners].sort());
    // Every event announcements committed is in the stream, once.
    for (const row of await outbox.find({ where: { kind: 'event' } })) expect(events.filter((e) => e.id === row.id)).toHaveLength(1);

    const retried = cueLog.filter((c) => c.attempts > 1);
    const firstAcceptedAfterKill = cueLog.find((c) => c.acceptedAt > killedAt);
    observe('cluster', {
      killedNode: target.name,
      killedWasLeaderOf: killed,
      stepdownsToPlaceLeaders: stepdowns,
      placeLeadersMs: placedMs,
      newEventsLeader: newLeader,
      newEventsLeaderAfterMs: newLeaderAfterMs,
      firstAcceptedCueAfterKillMs: firstAcceptedAfterKill ? firstAcceptedAfterKill.acceptedAt - killedAt : null,
      revealToAllClientsMs,
      revealsDuringOutage: outageReveals,
      cuesRetried: retried.map((c) => ({ action: c.action, seq: c.seq, attempts: c.attempts, statuses: c.statuses.join(',') })),
      cueRetriesTotal: retried.reduce((n, c) => n + c.attempts - 1, 0),
      restartedAfterMs: restartedAt - killedAt,
      restartTookMs,
      cues: cueLog.length,
      finalSeq,
      showMs,
      allClientsOnFinalSceneAfterMs: caughtUpMs,
      natsStatusesPerGateway: Object.fromEntries(gateways.map((g) => [g.name, g.statuses.join(',')])),
      staleFramesPerGateway: Object.fromEntries(gateways.map((g) => [g.name, clients.filter((c) => c.gw === g).reduce((n, c) => n + c.live.of<GatewayStatusEvent>('gateway-status').filter((s) => s.stale).length, 0)])),
      socketReconnectsPerGateway: Object.fromEntries(gateways.map((g) => [g.name, clients.filter((c) => c.gw === g).reduce((n, c) => n + c.reconnects, 0)])),
      clientsPerGateway: Object.fromEntries(gateways.map((g) => [g.name, clients.filter((c) => c.gw === g).length])),
      snapshotFramesAfterKill: clients.reduce((n, c) => n + c.live.frames.filter((f) => f.event === 'snapshot' && f.at > killedAt).length, 0),
      eventsInStream: events.length,
    });
  });
});
