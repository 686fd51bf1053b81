import { createInbox, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { PubAck } from '@nats-io/jetstream';

interface Waiting {
  resolve: (ack: PubAck) => void;
  reject: (error: Error) => void;
  deadline: number;
  subject: string;
}

/** A JetStream publish that failed: no stream takes the subject, the stream refused it, or no answer in time. */
export class JetStreamPublishError extends Error {
  constructor(
    message: string,
    readonly code: 'no-stream' | 'refused' | 'timeout' | 'closed',
  ) {
    super(message);
    this.name = 'JetStreamPublishError';
  }
}

/**
 * JetStream publishes whose acknowledgements come back on one subscription of this publisher's own (JetStream's
 * "async publish"): a publish is a core NATS publish with a reply subject, and its PubAck is matched by that
 * subject's last token. The same wire exchange as `js.publish` (msgID for the stream's dedup; the PubAck's stream,
 * seq and duplicate flag), without the per-call request machinery of nats.js: `js.publish` is an `nc.request`,
 * which arms a timer and, on success, still builds a `RequestError` (a stack trace) to cancel itself, ~20 µs
 * per call (bench/vote profile: 3.4 % of the vote service's busy time). Here a publish is a map entry, and one
 * sweep every 100 ms fails the ones past their deadline.
 *
 * For hot paths that publish thousands of messages a second (the audience vote); everything else keeps `js.publish`.
 */
export class JetStreamPublisher {
  private readonly prefix: string;
  private sub: Subscription | null = null;
  private next = 0;
  /** In publish order, so with one timeout for all the deadlines are in order too. */
  private readonly waiting = new Map<string, Waiting>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly nc: NatsConnection,
    inboxPrefix: string | undefined,
    private readonly timeoutMs = 5000,
  ) {
    this.prefix = createInbox(inboxPrefix);
  }

  /** Publishes `payload` to `subject` with `msgID` (the stream's dedup id); resolves with the stream's PubAck. */
  publish(subject: string, payload: string | Uint8Array, options: { msgID: string; headers?: MsgHdrs }): Promise<PubAck> {
    if (this.nc.isClosed()) return Promise.reject(new JetStreamPublishError('the NATS connection is closed', 'closed'));
    if (!this.sub) this.subscribe();
    const token = (this.next++).toString(36);
    const h = options.headers ?? natsHeaders();
    h.set('Nats-Msg-Id', options.msgID);
    return new Promise<PubAck>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs, subject });
      try {
        this.nc.publish(subject, payload, { reply: `${this.prefix}.${token}`, headers: h });
      } catch (error) {
        this.waiting.delete(token);
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweep(), 100);
        this.sweeper.unref();
      }
    });
  }

  /** Fails whatever is still waiting (e.g. at shutdown) and stops listening. */
  close(): void {
    this.failAll(new JetStreamPublishError('the publisher was closed', 'closed'));
    this.sub?.unsubscribe();
    this.sub = null;
  }

  private subscribe(): void {
    this.sub = this.nc.subscribe(`${this.prefix}.*`, {
      callback: (error, msg) => {
        if (error) {
          this.failAll(new JetStreamPublishError(`acknowledgements lost: ${error.message}`, 'closed'));
          this.sub = null;
          return;
        }
        this.settle(msg);
      },
    });
    void this.sub.closed.then(() => {
      // Closed with the connection (not by a reconnect, which keeps subscriptions): nothing more will come.
      this.failAll(new JetStreamPublishError('the NATS connection closed before the stream answered', 'closed'));
      this.sub = null;
    });
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const w = this.waiting.get(token);
    if (!w) return; // answered after its deadline: it was failed already
    this.waiting.delete(token);
    // An empty message with status 503: nothing listens on the subject, i.e. no stream takes it.
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      w.reject(new JetStreamPublishError(`no JetStream stream takes ${w.subject} (no responders)`, 'no-stream'));
      return;
    }
    let ack: { stream?: string; seq?: number; duplicate?: boolean; domain?: string; error?: { code?: number; description?: string } };
    try {
      ack = msg.json();
    } catch {
      w.reject(new JetStreamPublishError(`JetStream answered ${w.subject} with something that is not a PubAck`, 'refused'));
      return;
    }
    if (ack.error || typeof ack.stream !== 'string' || typeof ack.seq !== 'number') {
      w.reject(new JetStreamPublishError(`JetStream refused ${w.subject}: ${ack.error?.description ?? 'no stream or seq in its answer'}`, 'refused'));
      return;
    }
    w.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true, domain: ack.domain ?? '' });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) break;
      this.waiting.delete(token);
      w.reject(new JetStreamPublishError(`JetStream did not acknowledge ${w.subject} within ${this.timeoutMs} ms`, 'timeout'));
    }
    if (this.waiting.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private failAll(error: JetStreamPublishError): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(error);
  }
}
