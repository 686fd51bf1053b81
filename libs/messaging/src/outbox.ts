import type { DataSource, EntityManager } from 'typeorm';
import { createEnvelope, eventContracts, type EventData, type EventEnvelope, type EventSubject } from '#contracts';
import { currentCorrelationId, traceHop } from '#observability';
import { OutboxMessage, type OutboxRow } from './entities.js';
import type { OutboxRelay } from './outbox-relay.js';
import { noteWrites } from './writes.js';

/**
 * Writes events to the outbox inside the caller's transaction. Typed by the subject map: an event
 * with the wrong payload for its subject does not compile.
 */
export class Outbox {
  /** Rows written inside each open `transaction()`, handed to the relay once it commits. */
  private readonly rowsOf = new WeakMap<EntityManager, OutboxRow[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  /** The row of an event (envelope with a new id and the current correlation id), not yet written. */
  event<S extends EventSubject>(subject: S, ceremonyId: string, data: EventData<S>): OutboxRow & { envelope: EventEnvelope<EventData<S>> } {
    const envelope = createEnvelope(subject.replace(/^gala\.(events|sealed)\./, ''), eventContracts[subject].version, ceremonyId, data, currentCorrelationId() ?? 'none');
    return { id: envelope.id, subject, kind: 'event', ceremonyId, payload: JSON.stringify(envelope), envelope };
  }

  /** The row of a KV put (e.g. the show snapshot), as durable and ordered as the events. */
  kv(bucket: string, key: string, value: unknown, id: string, ceremonyId: string | null = null): OutboxRow {
    return { id, subject: `$KV.${bucket}.${key}`, kind: 'kv', ceremonyId, payload: JSON.stringify(value) };
  }

  /** Writes rows in one statement, in the given order (their `position`s follow it). */
  async write(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const params: unknown[] = [];
    await manager.query(this.insertStatement(manager, rows, params), params);
    this.written(manager, rows);
  }

  /**
   * The rows as one `INSERT` statement for the caller's own statement (e.g. a data-modifying CTE that
   * writes its change and its events in one round trip); its parameters are appended to `params`. Once
   * that statement has run, hand the rows to `written()` so the relay publishes them at commit.
   */
  insertStatement(manager: EntityManager, rows: OutboxRow[], params: unknown[]): string {
    const table = manager.getRepository(OutboxMessage).metadata.tablePath;
    const values = rows.map((r) => {
      params.push(r.id, r.subject, r.kind, r.ceremonyId, r.payload);
      const n = params.length;
      return `($${n - 4}::uuid, $${n - 3}, $${n - 2}, $${n - 1}::uuid, $${n})`;
    });
    return `INSERT INTO ${table} (id, subject, kind, ceremony_id, payload) VALUES ${values.join(', ')}`;
  }

  /** Rows the caller inserted itself (see `insertStatement`), for the relay to publish at commit. */
  written(manager: EntityManager, rows: OutboxRow[]): void {
    this.rowsOf.get(manager)?.push(...rows);
  }

  async add<S extends EventSubject>(manager: EntityManager, subject: S, ceremonyId: string, data: EventData<S>): Promise<EventEnvelope<EventData<S>>> {
    const row = this.event(subject, ceremonyId, data);
    await this.write(manager, [row]);
    return row.envelope;
  }

  /** A KV put through the outbox (e.g. the show snapshot), so it is as durable and ordered as the events. */
  async putKv(manager: EntityManager, bucket: string, key: string, value: unknown, id: string, ceremonyId: string | null = null): Promise<void> {
    await this.write(manager, [this.kv(bucket, key, value, id, ceremonyId)]);
  }

  /**
   * Runs `work` in one transaction; after commit the relay publishes what it wrote at once (without
   * reading it back), or, if older rows are still pending, in order after them.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const rows: OutboxRow[] = [];
    let committing = false;
    let result: T;
    try {
      result = await this.dataSource.transaction(async (manager) => {
        this.rowsOf.set(manager, rows);
        const value = await work(manager);
        // The commit is next: a poll that sees these rows before the kick below leaves them to it.
        committing = rows.length > 0;
        if (committing) this.relay.committing(rows);
        return value;
      });
    } catch (error) {
      // The commit failed, or its answer was lost: the rows are gone, or the ordered poll finds them.
      if (committing) this.relay.abandon(rows);
      throw error;
    }
    traceHop('outbox.committed');
    this.relay.kick(rows);
    noteWrites(rows);
    return result;
  }
}
