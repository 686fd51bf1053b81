import type { SceneEvent } from '#contracts';
import { STREAMS } from '#contracts';
import type { NatsBus } from '#messaging';
import { observe, SLUG, startGala, testBus, type Gala } from './faults/support.js';
import { eventually } from './support/eventually.js';
import { connectLive, type LiveClient } from './support/live-client.js';

/** The gateway's own consumers on GALA_EVENTS (ephemeral, ordered), not the services' durable ones. */
async function feedConsumers(bus: NatsBus): Promise<string[]> {
  const names: string[] = [];
  for await (const info of bus.jsm.consumers.list(STREAMS.events.name)) if (!info.config.durable_name) names.push(info.name);
  return names;
}

/**
 * The gateway's event feed loses its consumer (as when the NATS node it lived on dies: on a cluster
 * it is a single-replica consumer): the feed follows the stream again at once with a new consumer,
 * from the last event it routed (checked to be the same one, not applied again), and screens keep getting scenes as events. nats.js
 * alone waited for two missed 15 s heartbeats first, while screens only got the snapshot fallback.
 */
describe('gateway event feed: its consumer is lost', () => {
  let gala: Gala;
  let bus: NatsBus;
  let screen: LiveClient;

  beforeAll(async () => {
    gala = await startGala({ label: 'feed_recovery' });
    bus = await testBus(gala.system.nats.url);
    screen = await connectLive(gala.system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
  });

  afterAll(async () => {
    screen?.close();
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
  });

  it('follows the stream again with a new consumer, from where it was; scenes still arrive as events', async () => {
    const cueAndSee = async () => {
      const res = await gala.cue({ action: 'next' });
      expect(res.status).toBe(200);
      await screen.waitFor<SceneEvent>('scene', (s) => s.seq === res.body.seq, 5000);
      return res.body.seq;
    };
    await cueAndSee();
    const lost = await feedConsumers(bus);
    expect(lost).toHaveLength(1);

    const deletedAt = Date.now();
    await bus.jsm.consumers.delete(STREAMS.events.name, lost[0]);
    const recreated = await eventually(
      async () => {
        const now = await feedConsumers(bus);
        expect(now).toHaveLength(1);
        expect(now[0]).not.toBe(lost[0]);
        return now[0];
      },
      { timeoutMs: 10000, intervalMs: 100 },
    );
    const recoveredMs = Date.now() - deletedAt;

    // The new consumer starts at the last event routed (skipped): nothing is replayed, every scene arrives as a `scene` frame.
    const snapshots = screen.of('snapshot').length;
    const seqs = [await cueAndSee(), await cueAndSee(), await cueAndSee()];
    expect(screen.of('snapshot')).toHaveLength(snapshots);
    const info = await bus.jsm.consumers.info(STREAMS.events.name, recreated);
    expect(info.config.opt_start_seq).toBeGreaterThan(1);
    const scenes = screen.of<SceneEvent>('scene').map((s) => s.seq);
    expect(scenes).toEqual([...new Set(scenes)].sort((a, b) => a - b));
    expect(scenes.slice(-3)).toEqual(seqs);
    // What /metrics tells an operator: the consumer was replaced once because it was lost, nothing is left to apply.
    const metric = (text: string, name: string) => Number(text.split('\n').find((l) => l.startsWith(name))?.split(' ').at(-1));
    await eventually(async () => {
      const text = await (await fetch(`${gala.system.gatewayUrl}/metrics`)).text();
      expect(metric(text, 'laurel_stream_follower_restarts_total{follower="gateway-live",reason="consumer-lost"}')).toBe(1);
      expect(metric(text, 'laurel_stream_follower_lag{follower="gateway-live"}')).toBe(0);
      expect(metric(text, 'laurel_stream_follower_seq{follower="gateway-live",of="applied"}')).toBe((await bus.jsm.streams.info(STREAMS.events.name)).state.last_seq);
    });
    observe('feed', { consumerRecreatedAfterMs: recoveredMs, resumedAtStreamSeq: info.config.opt_start_seq });
  });
});
