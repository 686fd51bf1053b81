import type { Logger } from 'pino';
import { streamsOf } from '#contracts';
import type { NatsBus } from './nats-bus.js';
import { ensureKvBuckets, ensureStreams } from './streams.js';

export type StoreResetListener = () => Promise<void>;
/** Checks, on every pass, that the streams still hold what they acknowledged (`thorough` after a reconnect). */
export type TailCheck = (thorough: boolean) => Promise<void>;

/**
 * Keeps the declared JetStream state (streams, KV buckets) in place for as long as the service runs,
 * not only at boot: after every NATS reconnect and on a slow timer it re-declares what is missing. If
 * the streams were created anew since it last looked (the JetStream store was lost or wiped), it tells
 * its listeners, which rebuild what lived there from the service's own Postgres (outbox, snapshots).
 */
export class JetStreamReconciler {
  private readonly listeners: StoreResetListener[] = [];
  private readonly tailChecks: TailCheck[] = [];
  /** A reconnect happened since the last pass: the broker may be back on an older copy of its store. */
  private reconnected = false;
  private created: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly bus: NatsBus,
    private readonly logger: Logger,
    private readonly replicas = 1,
    private readonly intervalMs = 10_000,
    private readonly service = '',
  ) {}

  /** Called (in order) after the store was found reset and the streams and buckets declared again. */
  onStoreReset(listener: StoreResetListener): void {
    this.listeners.push(listener);
  }

  /** Called on every pass after the streams are in place (the outbox relay compares its stream tail). */
  onPass(check: TailCheck): void {
    this.tailChecks.push(check);
  }

  async start(): Promise<void> {
    this.created = await this.streamsCreated();
    void (async () => {
      for await (const status of this.bus.nc.status()) {
        if (this.stopped) return;
        if (status.type === 'reconnect') {
          this.reconnected = true;
          void this.reconcile();
        }
      }
    })();
    this.timer = setInterval(() => void this.reconcile(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass (never two at once): declare what is missing; on a reset store, run the listeners. */
  reconcile(): Promise<void> {
    if (this.stopped || this.bus.nc.isClosed()) return Promise.resolve();
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      await ensureStreams(this.bus.jsm, this.replicas, this.service);
      await ensureKvBuckets(this.bus.kvm, this.replicas);
      const created = await this.streamsCreated();
      if (this.created !== null && created !== this.created) {
        this.logger.warn({ was: this.created, now: created }, 'JetStream store was reset: rebuilding stream state from Postgres');
        for (const listener of this.listeners) await listener();
      }
      this.created = created;
      const thorough = this.reconnected;
      for (const check of this.tailChecks) await check(thorough);
      if (thorough) this.reconnected = false;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'JetStream reconcile failed; will retry');
    }
  }

  /** The creation times of the declared streams: they change only when a stream is created anew. */
  private async streamsCreated(): Promise<string> {
    const times: string[] = [];
    for (const s of streamsOf(this.service)) times.push((await this.bus.jsm.streams.info(s.name)).created);
    return times.join('|');
  }
}
