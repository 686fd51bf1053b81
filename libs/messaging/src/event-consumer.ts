import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { EventEnvelopeDto, eventContracts, type EventEnvelope, type EventSubject, STREAMS } from '#contracts';
import { CORRELATION_HEADER, eventsProcessed, runWithCorrelation } from '#observability';
import { ParkedEvent, ProcessedEvent } from './entities.js';
import type { NatsBus } from './nats-bus.js';
import type { EventContext } from './on-event.js';
import { validatePayload } from './validation.js';

export type BoundHandler = (event: EventEnvelope<object>, ctx: EventContext) => Promise<void>;

export interface EventConsumerOptions {
  /** Durable consumer name prefix, e.g. the service name. */
  consumer: string;
  handlers: Map<EventSubject, BoundHandler>;
  /** Deliveries before a failing message is parked. */
  maxDeliveries?: number;
  ackWaitMs?: number;
  /** Called after each handled event's transaction commits (e.g. to kick the outbox relay). */
  afterCommit?: () => void;
}

class PoisonMessage extends Error {}

/**
 * Thrown by a handler for an event that can never succeed, however often it is delivered (an integrity
 * failure such as a sealed envelope that does not match its commitment): the consumer parks it at its
 * first delivery instead of retrying it `maxDeliveries` times. Anything else a handler throws is
 * treated as transient (a database hiccup, an event that arrived before the one it depends on) and retried.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}

/**
 * Durable, idempotent JetStream consumer: one durable pull consumer per stream the service handles,
 * processed in stream order; effect + processed-event id in one transaction; bounded redelivery, then parked.
 */
export class EventConsumer {
  private readonly loops: Promise<void>[] = [];
  private readonly subscriptions: ConsumerMessages[] = [];
  private stopping = false;

  constructor(
    private readonly bus: NatsBus,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly options: EventConsumerOptions,
  ) {}

  async start(): Promise<void> {
    for (const stream of Object.values(STREAMS)) {
      const handled = [...this.options.handlers.keys()].filter((s) => stream.subjects.some((p) => s.startsWith(p.replace('>', ''))));
      if (handled.length === 0) continue;
      const durable = `${this.options.consumer}-${stream.name.toLowerCase()}`;
      // On the sealed stream a service that handles one subject reads only that one (the vote service reads the
      // jury's ranking of combined categories, never a verdict); NATS permissions allow it no wider consumer.
      const filter = stream.name === STREAMS.sealed.name && handled.length === 1 ? handled[0] : stream.subjects[0];
      await this.ensureConsumer(stream.name, durable, filter);
      this.loops.push(this.consumeLoop(stream.name, durable, filter));
    }
  }

  private async ensureConsumer(stream: string, durable: string, filter: string): Promise<void> {
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filter,
      ack_wait: (this.options.ackWaitMs ?? 30_000) * 1e6,
      max_ack_pending: 1000,
    };
    try {
      await this.bus.jsm.consumers.info(stream, durable);
      await this.bus.jsm.consumers.update(stream, durable, { ack_wait: config.ack_wait });
    } catch {
      await this.bus.jsm.consumers.add(stream, config);
    }
  }

  private async consumeLoop(stream: string, durable: string, filter: string): Promise<void> {
    while (!this.stopping) {
      try {
        const consumer = await this.bus.js.consumers.get(stream, durable);
        // Abort (and so recreate below) when the consumer or stream is gone, e.g. after the JetStream store was
        // reset; without it the iterator keeps pulling from a consumer that no longer exists, silently.
        const messages = await consumer.consume({ max_messages: 100, expires: 5000, abort_on_missing_resource: true });
        this.subscriptions.push(messages);
        // stop() may have run while the consumer was being fetched.
        if (this.stopping) {
          messages.stop();
          break;
        }
        for await (const msg of messages) {
          await this.handle(msg);
          if (this.stopping) break;
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn({ err: (error as Error).message, stream }, 'event consumer interrupted; resuming');
        await new Promise((r) => setTimeout(r, 1000));
        // The stream or consumer may have been wiped: recreate what is declared.
        await this.ensureConsumer(stream, durable, filter).catch(() => undefined);
      }
    }
  }

  /** Handles one message; exported for tests through `handleForTest`. */
  private async handle(msg: JsMsg): Promise<void> {
    const subject = msg.subject as EventSubject;
    const handler = this.options.handlers.get(subject);
    if (!handler) {
      // Another service's event on a shared stream: not ours to handle.
      msg.ack();
      return;
    }
    const correlationId = msg.headers?.get(CORRELATION_HEADER) || undefined;
    await runWithCorrelation(correlationId, async () => {
      let raw: unknown;
      try {
        raw = msg.json();
      } catch {
        await this.park(msg, null, 'payload is not JSON');
        return;
      }
      try {
        const envelope = await this.parse(subject, raw);
        const outcome = await this.process(subject, envelope, handler, msg);
        msg.ack();
        eventsProcessed.inc({ subject, outcome });
        if (outcome === 'handled') this.options.afterCommit?.();
      } catch (error) {
        const deliveries = msg.info.deliveryCount;
        const max = this.options.maxDeliveries ?? 5;
        const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
        const eventId = typeof rawId === 'string' && rawId.length > 0 ? rawId : null;
        if (error instanceof PoisonMessage || error instanceof PermanentEventError || deliveries >= max) {
          await this.park(msg, eventId, (error as Error).message);
        } else {
          this.logger.warn({ subject, eventId, deliveries, err: (error as Error).message }, 'event handler failed; will be redelivered');
          msg.nak(Math.min(500 * 2 ** (deliveries - 1), 10_000));
          eventsProcessed.inc({ subject, outcome: 'retry' });
        }
      }
    });
  }

  private async parse(subject: EventSubject, raw: unknown): Promise<EventEnvelope<object>> {
    try {
      const envelope = await validatePayload(EventEnvelopeDto, raw);
      const data = await validatePayload(eventContracts[subject].data as new () => object, envelope.data);
      return { ...envelope, data };
    } catch (error) {
      throw new PoisonMessage(`invalid event: ${(error as Error).message}`);
    }
  }

  private async process(subject: EventSubject, envelope: EventEnvelope<object>, handler: BoundHandler, msg: JsMsg): Promise<'handled' | 'duplicate'> {
    const consumer = this.options.consumer;
    return this.dataSource.transaction(async (manager) => {
      const table = manager.getRepository(ProcessedEvent).metadata.tablePath;
      const rows: unknown[] = await manager.query(
        `INSERT INTO ${table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, envelope.id],
      );
      if (rows.length === 0) return 'duplicate';
      await handler(envelope, { manager, streamSeq: msg.seq, deliveryCount: msg.info.deliveryCount, storedAt: msg.time });
      return 'handled';
    });
  }

  private async park(msg: JsMsg, eventId: string | null, error: string): Promise<void> {
    try {
      await this.dataSource.getRepository(ParkedEvent).insert({
        consumer: this.options.consumer,
        subject: msg.subject,
        streamSeq: String(msg.seq),
        eventId: eventId && /^[0-9a-f-]{36}$/i.test(eventId) ? eventId : null,
        payload: msg.string().slice(0, 100_000),
        error: error.slice(0, 2000),
        deliveries: msg.info.deliveryCount,
      });
      this.logger.error({ subject: msg.subject, streamSeq: msg.seq, eventId, error }, 'poison message parked');
      // A bare +TERM: nats-server before 2.10 ignores `+TERM <reason>` (the message then stays pending and is
      // redelivered after ack-wait, parked again and again). The reason is in the parked row and the log.
      msg.term();
      eventsProcessed.inc({ subject: msg.subject, outcome: 'parked' });
    } catch (parkError) {
      // Cannot even park (database down): let JetStream redeliver later.
      this.logger.error({ err: (parkError as Error).message }, 'could not park message; will be redelivered');
      msg.nak(5000);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // stop() ends each iterator after the message in hand; the loops then return.
    for (const s of this.subscriptions) s.stop();
    await Promise.allSettled(this.loops);
  }
}
