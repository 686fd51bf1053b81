import { DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { EventEnvelopeDto, eventContracts, type EventData, type EventEnvelope, type EventSubject } from '#contracts';
import { setStreamFollowerProbe, streamFollowerGaps, streamFollowerInvalid, streamFollowerRestarts, traceHop } from '#observability';
import type { NatsBus } from './nats-bus.js';
import { validatePayload } from './validation.js';

/**
 * Where a follower stands on one copy of a stream: the stream's creation time (a stream created anew after
 * a JetStream store reset has another one) and the last stream seq it applied.
 */
export interface FollowPosition {
  created: string;
  lastSeq: number;
  /** The stored time (ns) of the message applied at lastSeq: with the seq, it names that message in this copy of the stream. */
  lastStamp?: string;
}

/** The stream as JetStream reports it now (`streams.info`). */
export interface StreamState {
  created: string;
  firstSeq: number;
  lastSeq: number;
}

/** Why a follower (re)starts its consumer where it does (`diverged`: see checkResumePoint). */
export type ResumeReason = 'cold' | 'resume' | 'stream-reset' | 'lost-tail' | 'diverged';

/**
 * Pure: where to follow from, given the position held (null: never followed) and the stream now.
 * - never followed: from `coldSeq` + 1 when the cold start knows what it covers, else from the stream's first message;
 * - the stream was created anew (store reset; the services republished into an empty stream): from its beginning;
 * - the same stream with a lost tail (an older copy of the store): right after its new last seq, where the
 *   services republish what it lost (a consumer past that seq would never see them);
 * - otherwise: right after the last seq applied.
 * `startSeq` ≤ 1 means "from the first message there is".
 */
export function resumeFrom(held: FollowPosition | null, stream: StreamState, coldSeq?: number): { position: FollowPosition; startSeq: number; reason: ResumeReason } {
  if (held === null) {
    const lastSeq = coldSeq !== undefined ? Math.max(0, coldSeq) : Math.max(0, stream.firstSeq - 1);
    return { position: { created: stream.created, lastSeq }, startSeq: lastSeq + 1, reason: 'cold' };
  }
  if (held.created !== stream.created) return { position: { created: stream.created, lastSeq: 0 }, startSeq: 1, reason: 'stream-reset' };
  if (stream.lastSeq < held.lastSeq) return { position: { created: held.created, lastSeq: stream.lastSeq }, startSeq: stream.lastSeq + 1, reason: 'lost-tail' };
  // From the last message applied itself (when there is one), so the consumer's first message shows whether
  // it is still the same one (checkResumePoint); it is not applied again.
  return { position: held, startSeq: held.lastStamp !== undefined && held.lastSeq > 0 ? held.lastSeq : held.lastSeq + 1, reason: 'resume' };
}

/**
 * Pure: the first message a resumed consumer delivers, against the last one applied. The same seq with the
 * same stored time: the stream is the one this follower applied (`same`). The same seq with another time:
 * the tail was lost and refilled past this seq before the follower could see it shorter (the services
 * republished, or new events came, at seqs it had applied), so what it applied and the stream disagree from
 * some seq on: `diverged`, follow the stream again from its start (apply drops what it holds). A later seq:
 * that message is gone (deleted, aged out); nothing to compare (`unknown`), followed on.
 */
export function checkResumePoint(held: FollowPosition, first: { seq: number; stamp: string }): 'same' | 'diverged' | 'unknown' {
  if (held.lastStamp === undefined || first.seq !== held.lastSeq) return 'unknown';
  return first.stamp === held.lastStamp ? 'same' : 'diverged';
}

/**
 * Pure: what to do with a message at stream seq `seq` when `lastSeq` is the last one applied. A seq at or
 * below it was applied already (a consumer restarted before it, a redelivery): skipped. One right after it
 * is applied. One further on is applied too, but `missed` messages of the stream never reached this
 * follower (deleted, aged out, or lost with the store and not republished): a gap, counted and logged.
 */
export function classifySeq(lastSeq: number, seq: number): { verdict: 'apply' | 'duplicate'; missed: number } {
  if (seq <= lastSeq) return { verdict: 'duplicate', missed: 0 };
  return { verdict: 'apply', missed: seq - lastSeq - 1 };
}

/**
 * Pure: whether the consumer must be replaced because the stream changed under it: created anew, or its
 * last seq went back below what was applied (lost tail). Null: keep following.
 */
export function streamChanged(held: FollowPosition, stream: StreamState): 'stream-reset' | 'lost-tail' | null {
  if (held.created !== stream.created) return 'stream-reset';
  if (stream.lastSeq < held.lastSeq) return 'lost-tail';
  return null;
}

/** One event of the stream, decoded and validated against its contract; `subject` narrows `envelope`. */
export type FollowedEvent = { [S in EventSubject]: { subject: S; seq: number; envelope: EventEnvelope<EventData<S>> } }[EventSubject];

/** What a follower reports (metrics, logs, tests). */
export interface FollowerStatus {
  /** A consumer is delivering now (false while it is being replaced). */
  live: boolean;
  /** The stream seq of the last message applied (0: none yet). */
  lastSeq: number;
  /** The stream's last seq as last seen (a message's pending count, or the periodic stream check). */
  streamLastSeq: number;
  /** Messages in the stream not applied yet: streamLastSeq − lastSeq (never below 0). */
  lag: number;
  /** Consumers replaced, by what set it off (`stream-changed`: the periodic check saw a reset or a lost tail). */
  restarts: Record<'reconnect' | 'consumer-lost' | 'stream-changed' | 'error', number>;
  /** Consumers created, by where they started (resumeFrom): `stream-reset` and `lost-tail` also after a consumer-lost or reconnect. */
  follows: Record<ResumeReason, number>;
  /** Messages of the stream that never reached this follower (see classifySeq). */
  gaps: number;
  /** Messages dropped because they did not decode or validate against their subject's contract. */
  invalid: number;
}

/** Plain-text lines (a pino logger or the services' contextLogger both fit). */
export interface FollowerLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface StreamFollowerOptions {
  /** For logs and the `follower` label of the metrics, e.g. `gateway-live`. */
  name: string;
  /** The stream, followed whole (every subject; gaps are seqs missing from it). */
  stream: { name: string; subjects: readonly string[] };
  /**
   * Runs once, before the first consumer (e.g. a KV snapshot into the state). May return the stream seq the
   * snapshot covers; without one the stream is followed from its first message and `apply` drops what the
   * snapshot already held (it must be idempotent anyway). A failure is logged and the stream followed from its start.
   */
  coldStart?: () => Promise<number | void>;
  /** Applies one event; called in stream order, at most once per stream seq of one copy of the stream. Must be idempotent. */
  apply: (event: FollowedEvent) => void;
  logger: FollowerLogger;
  /** Pull expiry; the idle heartbeat is half of it (a silent consumer is noticed after two missed ones). Default 5000. */
  expiresMs?: number;
  /** How long a JetStream API call may take before it is asked again. Default 1500. */
  apiDeadlineMs?: number;
  /** How often the stream is checked for a reset or a lost tail. Default 2000. */
  checkMs?: number;
  /** Pause before following again: after a deliberate restart, and after an error. Defaults 200 and 1000. */
  restartMs?: number;
  retryMs?: number;
}

/**
 * `call`, or a timeout after `ms`. The API answers in milliseconds when the cluster has its leaders; while it
 * elects them a request hangs until nats.js's 5 s timeout. An answer that comes later is dropped, and what it
 * opened (a consumer) is closed by `late`.
 */
function soon<T>(call: Promise<T>, ms: number, late?: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new Error(`no answer from JetStream within ${ms} ms`));
    }, ms);
  });
  if (late) void call.then((value) => expired && late(value), () => undefined);
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

/** Decodes and validates one message against the typed subject map; throws with the reason. */
export async function decodeEvent(subject: string, raw: unknown): Promise<EventEnvelope<object>> {
  if (!Object.hasOwn(eventContracts, subject)) throw new Error(`no contract for subject ${subject}`);
  const envelope = await validatePayload(EventEnvelopeDto, raw);
  const data = await validatePayload(eventContracts[subject as EventSubject].data as new () => object, envelope.data);
  return { ...envelope, data };
}

/**
 * Follows one JetStream stream into an in-memory state, in order, with an ordered (ephemeral) consumer:
 * - cold start: `coldStart` once (a KV snapshot), then the stream from the seq it covers (or its first message);
 * - every message decoded and validated through the typed subject map (libs/contracts/src/subjects.ts);
 *   one that does not validate is dropped, logged and counted, and the follower goes on;
 * - the consumer is replaced, resuming at the last seq applied (checked to be the same message, then skipped),
 *   when NATS reconnects (maybe to another node), when the consumer is deleted or goes silent (missed
 *   heartbeats: it lived on a node that died), on an error, and when the stream was created anew (from its
 *   start), lost its tail (from its new last seq) or lost it and was refilled past it before the follower saw
 *   it shorter (the message at the last seq applied is another one: from its start);
 *   a seq at or below the last applied is never applied again, a seq past the next one is a counted gap;
 * - `status()` (and the `laurel_stream_follower_*` metrics): last seq applied, the stream's, the lag.
 * nats.js alone waits for a lost consumer: two 15 s heartbeats, then info retries backing off up to 45 s
 * while a JetStream cluster elects leaders; a gala's screens cannot wait that long.
 */
export class StreamFollower {
  private stopped = false;
  private messages: ConsumerMessages | null = null;
  private position: FollowPosition | null = null;
  private coldSeq: number | undefined;
  private loop: Promise<void> | null = null;
  private readonly state: FollowerStatus = {
    live: false,
    lastSeq: 0,
    streamLastSeq: 0,
    lag: 0,
    restarts: { reconnect: 0, 'consumer-lost': 0, 'stream-changed': 0, error: 0 },
    follows: { cold: 0, resume: 0, 'stream-reset': 0, 'lost-tail': 0, diverged: 0 },
    gaps: 0,
    invalid: 0,
  };
  private readonly opts: Required<Omit<StreamFollowerOptions, 'coldStart'>> & Pick<StreamFollowerOptions, 'coldStart'>;

  constructor(
    private readonly bus: NatsBus,
    options: StreamFollowerOptions,
  ) {
    this.opts = { expiresMs: 5000, apiDeadlineMs: 1500, checkMs: 2000, restartMs: 200, retryMs: 1000, ...options };
  }

  /** Cold start, then follows until `stop()`. Returns at once; the work runs in the background. */
  start(): void {
    if (this.loop) return;
    setStreamFollowerProbe(this.opts.name, () => this.status());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    this.wake?.();
    setStreamFollowerProbe(this.opts.name, null);
    await this.loop;
  }

  status(): FollowerStatus {
    return { ...this.state, restarts: { ...this.state.restarts }, follows: { ...this.state.follows }, lag: Math.max(0, this.state.streamLastSeq - this.state.lastSeq) };
  }

  /** Ends the pause before the next consumer (set only during it). */
  private wake: (() => void) | null = null;

  private async run(): Promise<void> {
    if (this.opts.coldStart) {
      try {
        const seq = await this.opts.coldStart();
        if (typeof seq === 'number') this.coldSeq = seq;
      } catch (error) {
        this.opts.logger.warn(`${this.opts.name}: cold start without its snapshot (${(error as Error).message}); following ${this.opts.stream.name} from its start`);
      }
    }
    while (!this.stopped) {
      const pause = await this.followOnce();
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private restarted(reason: keyof FollowerStatus['restarts']): void {
    this.state.restarts[reason]++;
    streamFollowerRestarts.inc({ follower: this.opts.name, reason });
  }

  /** One consumer, from where the position says, until it ends; the pause before the next one. */
  private async followOnce(): Promise<number> {
    const { name, stream, logger, apiDeadlineMs } = this.opts;
    const cleanups: (() => void)[] = [];
    try {
      const info = await soon(this.bus.jsm.streams.info(stream.name), apiDeadlineMs);
      const now: StreamState = { created: info.created, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq };
      const diverged = this.diverged;
      this.diverged = false;
      const resumed = diverged && this.position ? { position: { created: now.created, lastSeq: Math.max(0, now.firstSeq - 1) }, startSeq: 1, reason: 'diverged' as const } : resumeFrom(this.position, now, this.coldSeq);
      const { position, startSeq, reason } = resumed;
      if (reason === 'stream-reset') logger.warn(`${name}: ${stream.name} was created anew (JetStream store reset): following it from its start`);
      if (reason === 'lost-tail') logger.warn(`${name}: ${stream.name} lost its tail (its last seq ${now.lastSeq}, applied ${this.position?.lastSeq}): following it from its last seq`);
      this.position = position;
      this.state.follows[reason]++;
      this.state.lastSeq = position.lastSeq;
      this.state.streamLastSeq = now.lastSeq;
      const consumer = await soon(
        this.bus.js.consumers.get(stream.name, {
          ...(startSeq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq } : { deliver_policy: DeliverPolicy.All }),
        }),
        apiDeadlineMs,
      );
      const messages = await soon(consumer.consume({ max_messages: 500, expires: this.opts.expiresMs }), apiDeadlineMs, (m) => m.stop());
      this.messages = messages;
      this.state.live = true;
      cleanups.push(this.restartOnReconnect(messages), this.restartWhenStreamChanges(position, messages));
      this.restartWhenConsumerLost(messages);
      // stop() may have run while the consumer was being created.
      if (this.stopped) messages.stop();
      let first = true;
      for await (const msg of messages) {
        if (first && reason === 'resume' && !this.checkFirst(position, msg, messages)) break;
        first = false;
        await this.take(position, msg);
      }
      return this.opts.restartMs;
    } catch (error) {
      if (this.stopped) return 0;
      this.restarted('error');
      logger.warn(`${name}: ${stream.name} unavailable: ${(error as Error).message}; retrying`);
      return this.opts.retryMs;
    } finally {
      this.state.live = false;
      this.messages = null;
      cleanups.forEach((cleanup) => cleanup());
    }
  }

  /** The first message of a consumer resumed at the last seq applied: still the same stream? False: it was stopped. */
  private checkFirst(position: FollowPosition, msg: JsMsg, messages: ConsumerMessages): boolean {
    const verdict = checkResumePoint(position, { seq: msg.seq, stamp: String(msg.info.timestampNanos) });
    if (verdict !== 'diverged') return true;
    this.opts.logger.warn(`${this.opts.name}: the message at seq ${msg.seq} of ${this.opts.stream.name} is not the one applied (its tail was lost and refilled): following it again from its start`);
    this.diverged = true;
    this.restarted('stream-changed');
    messages.stop();
    return false;
  }

  /** Set when the stream was found to disagree with what was applied: the next consumer replays it from the start. */
  private diverged = false;

  private async take(position: FollowPosition, msg: JsMsg): Promise<void> {
    traceHop(`follower.received ${msg.subject}`);
    const { verdict, missed } = classifySeq(position.lastSeq, msg.seq);
    this.state.streamLastSeq = Math.max(this.state.streamLastSeq, msg.seq + msg.info.pending);
    if (verdict === 'duplicate') return;
    if (missed > 0) {
      this.state.gaps += missed;
      streamFollowerGaps.inc({ follower: this.opts.name }, missed);
      this.opts.logger.warn(`${this.opts.name}: ${missed} message(s) of ${this.opts.stream.name} never reached this follower (seq ${position.lastSeq + 1}–${msg.seq - 1})`);
    }
    position.lastSeq = msg.seq;
    position.lastStamp = String(msg.info.timestampNanos);
    this.state.lastSeq = msg.seq;
    let event: FollowedEvent;
    try {
      event = { subject: msg.subject, seq: msg.seq, envelope: await decodeEvent(msg.subject, msg.json()) } as FollowedEvent;
      traceHop(`follower.decoded ${msg.subject}`);
    } catch (error) {
      this.state.invalid++;
      streamFollowerInvalid.inc({ follower: this.opts.name });
      this.opts.logger.warn(`${this.opts.name}: dropped an invalid event (${msg.subject}, seq ${msg.seq}): ${(error as Error).message}`);
      return;
    }
    try {
      this.opts.apply(event);
    } catch (error) {
      this.opts.logger.error(`${this.opts.name}: applying ${msg.subject} (seq ${msg.seq}) failed: ${(error as Error).stack ?? String(error)}`);
    }
  }

  /** Its consumer may have lived on the NATS node this process lost: a new one, after the last seq applied. */
  private restartOnReconnect(messages: ConsumerMessages): () => void {
    return this.bus.onceReconnected(() => {
      this.opts.logger.warn(`${this.opts.name}: NATS reconnected: following ${this.opts.stream.name} with a new consumer`);
      this.restarted('reconnect');
      messages.stop();
    });
  }

  /** Deleted, or silent (missed heartbeats: it lived on a NATS node that died): a new consumer at once. */
  private restartWhenConsumerLost(messages: ConsumerMessages): void {
    void (async () => {
      for await (const status of messages.status()) {
        if (status.type !== 'heartbeats_missed' && status.type !== 'consumer_deleted') continue;
        this.opts.logger.warn(`${this.opts.name}: the consumer is ${status.type === 'consumer_deleted' ? 'gone' : `silent (${status.count} heartbeats missed)`}: following ${this.opts.stream.name} with a new consumer`);
        this.restarted('consumer-lost');
        messages.stop();
        return;
      }
    })();
  }

  /**
   * An ordered consumer resumes after the last stream seq it saw: on a stream created anew that seq is far
   * ahead, and after a lost tail it is past what the services republish. Both are checked every `checkMs`.
   */
  private restartWhenStreamChanges(position: FollowPosition, messages: ConsumerMessages): () => void {
    const check = async () => {
      const info = await soon(this.bus.jsm.streams.info(this.opts.stream.name), this.opts.apiDeadlineMs).catch(() => null);
      if (!info) return;
      this.state.streamLastSeq = info.state.last_seq;
      const changed = streamChanged(position, { created: info.created, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq });
      if (!changed || this.messages !== messages) return;
      this.opts.logger.warn(`${this.opts.name}: ${this.opts.stream.name} ${changed === 'stream-reset' ? 'was created anew' : 'lost its tail'}: replacing the consumer`);
      this.restarted('stream-changed');
      messages.stop();
    };
    const timer = setInterval(() => void check(), this.opts.checkMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/**
 * Every key's current value in a KV bucket, read once (a cold start's snapshot; the stream brings what
 * follows). `json` decodes a value; undecodable ones are skipped by the caller's own check.
 */
export async function readKvSnapshot(bus: NatsBus, bucket: string, deadlineMs = 5000): Promise<{ key: string; value: unknown }[]> {
  const kv = await soon(bus.kvm.open(bucket), deadlineMs);
  const keys: string[] = [];
  for await (const key of await soon(kv.keys(), deadlineMs)) keys.push(key);
  const out: { key: string; value: unknown }[] = [];
  for (const key of keys) {
    const entry = await soon(kv.get(key), deadlineMs);
    if (!entry || entry.operation !== 'PUT') continue;
    try {
      out.push({ key, value: entry.json<unknown>() });
    } catch {
      // Not JSON: not a snapshot this follower can use.
    }
  }
  return out;
}
