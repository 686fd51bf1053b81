import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { Logger } from 'pino';
import { JetStreamPublisher } from './js-publisher.js';
import type { NatsTls } from './nats-tls.js';

/** Credentials and the per-service inbox prefix the deployment's NATS permissions expect (deploy/nats). */
export interface NatsAuth {
  user?: string;
  pass?: string;
  /** Base service name: replies arrive on `_INBOX_<service>.>`, which only that user may read. */
  service?: string;
  /** TLS for tls:// URLs (natsTlsOf): required, so a server without it is refused. */
  tls?: NatsTls;
}

export function natsAuthOptions(auth: NatsAuth): { user?: string; pass?: string; inboxPrefix?: string; tls?: NatsTls } {
  return {
    ...(auth.user ? { user: auth.user, pass: auth.pass } : {}),
    ...(auth.service ? { inboxPrefix: `_INBOX_${auth.service}` } : {}),
    ...(auth.tls ? { tls: { ...auth.tls } } : {}),
  };
}

/** One NATS connection per process for JetStream, KV and requests (Nest's transport keeps its own for @MessagePattern). */
export class NatsBus {
  private readonly reconnectListeners = new Set<() => void>();

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly kvm: Kvm,
    /** The connection's inbox prefix (`_INBOX_<service>`, the only inbox its NATS user may read), if not the default. */
    readonly inboxPrefix?: string,
  ) {}

  /** A publisher whose acknowledgements share one subscription (JetStream's async publish), for hot paths. */
  publisher(timeoutMs = 5000): JetStreamPublisher {
    return new JetStreamPublisher(this.nc, this.inboxPrefix, timeoutMs);
  }

  static async connect(url: string, name: string, logger: Logger, auth: NatsAuth = {}): Promise<NatsBus> {
    const nc = await connect({
      servers: url.split(','),
      name,
      ...natsAuthOptions(auth),
      // A gala does not give up on its broker: keep reconnecting for as long as the process lives.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      // A silent link loss (no RST) is noticed after at most ~3 × pingInterval: 2 unanswered pings, then
      // stale at the third tick. 2.5 s keeps that at ~7.5 s, under 10 s with room for a loaded event loop.
      pingInterval: 2500,
      maxPingOut: 2,
      // nats.js otherwise builds up to three Errors (stack traces) per request in case it fails, used or not (a
      // JetStream publish is a request): 6 % of the vote service's CPU on the vote path (bench/vote profile), ~0.17 ms
      // of the gateway's per request (bench/screening.ts, BENCH_PROFILE). Our errors name the subject.
      noAsyncTraces: true,
    });
    const jsm = await jetstreamManager(nc, { timeout: 5000 });
    const js = jetstream(nc, { timeout: 5000 });
    const bus = new NatsBus(nc, js, jsm, new Kvm(js), natsAuthOptions(auth).inboxPrefix);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'ping') continue;
        logger.info({ nats: status.type }, `NATS ${status.type}`);
        if (status.type === 'reconnect') bus.reconnected();
      }
    })();
    return bus;
  }

  /**
   * Runs `listener` once, the next time this connection comes back after a loss (possibly to another node
   * of the cluster): watches and consumers bound to the old connection restart then. Returns the cancel.
   */
  onceReconnected(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private reconnected(): void {
    const listeners = [...this.reconnectListeners];
    this.reconnectListeners.clear();
    listeners.forEach((listener) => listener());
  }

  /** Readiness: a round trip to the server. */
  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('NATS connection closed');
    await this.nc.flush();
  }

  async drain(): Promise<void> {
    if (!this.nc.isClosed() && !this.nc.isDraining()) await this.nc.drain();
  }
}
