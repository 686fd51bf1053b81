import type { DataSource, EntityManager } from 'typeorm';
import { createEnvelope, eventContracts, type EventData, type EventEnvelope, type EventSubject } from '#contracts';
import { currentCorrelationId } from '#observability';
import { OutboxMessage } from './entities.js';
import type { OutboxRelay } from './outbox-relay.js';

/**
 * Writes events to the outbox inside the caller's transaction. Typed by the subject map: an event
 * with the wrong payload for its subject does not compile.
 */
export class Outbox {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  async add<S extends EventSubject>(manager: EntityManager, subject: S, ceremonyId: string, data: EventData<S>): Promise<EventEnvelope<EventData<S>>> {
    const envelope = createEnvelope(subject.replace(/^gala\.(events|sealed)\./, ''), eventContracts[subject].version, ceremonyId, data, currentCorrelationId() ?? 'none');
    await manager.insert(OutboxMessage, { id: envelope.id, subject, kind: 'event', ceremonyId, payload: JSON.stringify(envelope) });
    return envelope;
  }

  /** A KV put through the outbox (e.g. the show snapshot), so it is as durable and ordered as the events. */
  async putKv(manager: EntityManager, bucket: string, key: string, value: unknown, id: string, ceremonyId: string | null = null): Promise<void> {
    await manager.insert(OutboxMessage, { id, subject: `$KV.${bucket}.${key}`, kind: 'kv', ceremonyId, payload: JSON.stringify(value) });
  }

  /** Runs `work` in one transaction; after commit the relay publishes at once. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.relay.kick();
    return result;
  }
}
