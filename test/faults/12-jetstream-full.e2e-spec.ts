import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageType } from '@nats-io/jetstream';
import type { CueResult, RevealedEvent } from '#contracts';
import type { NatsBus } from '#messaging';
import { eventually } from '../support/eventually.js';
import { GalaJury } from '../support/gala.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { duplicates, heldScene, observe, REVEALED, SLUG, startGala, streamMessages, testBus, type Gala } from './support.js';

/** Recovery bound: once JetStream takes writes again, the reveal is on the screen within 15 s. */
const DELIVERED_BOUND_MS = 15_000;
const STORE_LIMIT = '8MB';
const FILLER = 'LAUREL_TEST_FILLER';

/**
 * Fault 12: JetStream cannot take writes — its file store is full (the server's `max_file_store`, filled
 * by another stream), so every publish is refused with "insufficient resources". A reveal still commits
 * in Postgres (the outbox keeps it), but no screen gets it: the producer is told 202 "not on screens yet"
 * (never "done"), /metrics shows the outbox lag growing, and once JetStream has room again the reveal
 * goes out once and the same cue key answers 200 on screens.
 */
describe('fault 12: JetStream store full (writes refused)', () => {
  let gala: Gala;
  let bus: NatsBus;
  let confDir: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    confDir = mkdtempSync(join(tmpdir(), 'laurel-fault12-'));
    writeFileSync(join(confDir, 'limits.conf'), `jetstream {\n  max_file_store: ${STORE_LIMIT}\n}\n`);
    gala = await startGala({ label: 'fault_js_full', natsExtraArgs: ['-c', join(confDir, 'limits.conf')] });
    bus = await testBus(gala.system.nats.url);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await bus?.jsm.streams.delete(FILLER).catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await gala?.system.dispose();
    rmSync(confDir, { recursive: true, force: true });
  });

  async function outboxLag(): Promise<{ lag: number; pending: number }> {
    const port = ((gala.system.apps.announcements!.getHttpServer() as Server).address() as AddressInfo).port;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{service="announcements"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { lag: value('laurel_outbox_lag_seconds'), pending: value('laurel_outbox_pending') };
  }

  it('a reveal that reaches no screen is answered 202 "not on screens yet", shows as outbox lag, and goes out once when JetStream has room', async () => {
    const { system, imported } = gala;
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    await new GalaJury(system, imported).deliberate('gotapriset');
    const envelope = await gala.toEnvelope('gotapriset');
    expect(envelope.onScreens).toBe(true);
    const screen = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: gala.tokens.screen });
    clients.push(screen);
    await eventually(() => expect(heldScene(screen)?.seq).toBe(envelope.seq));
    expect(await outboxLag()).toEqual({ lag: 0, pending: 0 });

    // Fill the store: another stream takes every byte JetStream may use.
    await bus.jsm.streams.add({ name: FILLER, subjects: ['laurel.test.filler.>'], storage: StorageType.File });
    const chunk = new Uint8Array(256 * 1024);
    let filled = 0;
    for (;;) {
      try {
        await bus.js.publish('laurel.test.filler.x', chunk);
        filled++;
      } catch (error) {
        expect(String(error)).toMatch(/insufficient|resources|storage/i);
        break;
      }
      if (filled > 200) throw new Error('the store never filled up');
    }

    const key = 'fault12-reveal';
    const reveal = await gala.cue({ action: 'reveal', categoryId: gota.id, idempotencyKey: key });
    expect(reveal.status).toBe(202);
    expect(reveal.body).toMatchObject({ onScreens: false, message: expect.stringMatching(/^not on screens yet/) as unknown });
    expect(reveal.body.scene).toMatchObject({ kind: 'winner', categoryId: gota.id });
    // Committed, not shown: nothing on the screen, the lag visible on /metrics.
    expect(screen.of<RevealedEvent>('revealed')).toEqual([]);
    expect(heldScene(screen)?.seq).toBe(envelope.seq);
    const lagging = await eventually(async () => {
      const m = await outboxLag();
      expect(m.pending).toBeGreaterThan(0);
      expect(m.lag).toBeGreaterThan(0);
      return m;
    });
    // Asked again with the same key while JetStream is still full: still not "done".
    const again = await gala.cue({ action: 'reveal', categoryId: gota.id, idempotencyKey: key });
    expect(again.status).toBe(202);
    expect(again.body.seq).toBe(reveal.body.seq);

    // Room again: the outbox delivers the reveal, once.
    await bus.jsm.streams.delete(FILLER);
    const freedAt = Date.now();
    await eventually(() => expect(screen.of<RevealedEvent>('revealed').map((r) => r.categoryId)).toEqual([gota.id]), { timeoutMs: 30000 });
    const deliveredMs = Date.now() - freedAt;
    expect(deliveredMs).toBeLessThan(DELIVERED_BOUND_MS);
    expect(heldScene(screen)).toMatchObject({ seq: reveal.body.seq, kind: 'winner' });
    const done = await gala.cue({ action: 'reveal', categoryId: gota.id, idempotencyKey: key });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ seq: reveal.body.seq, onScreens: true } satisfies Partial<CueResult>);
    await eventually(async () => expect(await outboxLag()).toEqual({ lag: 0, pending: 0 }));
    const events = await streamMessages(bus);
    expect(duplicates(events.map((e) => e.id))).toEqual([]);
    expect(events.filter((e) => e.subject === REVEALED)).toHaveLength(1);
    observe('12', { storeLimit: STORE_LIMIT, fillerMessages: filled, revealAnswer: reveal.status, outboxLagSeconds: lagging.lag, outboxPending: lagging.pending, onScreenAfterRoomMs: deliveredMs, sameKeyAfter: done.status });
  });
});
