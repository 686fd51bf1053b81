import { Controller, type Type } from '@nestjs/common';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { LaurelError, type EventSubject, type WritesStatus, type WritesStatusQuery, type WritesStatusSubject } from '#contracts';
import { Command } from './command.js';
import { OutboxMessage, ParkedEvent, ProcessedEvent } from './entities.js';
import { MessagingLifecycle } from './messaging.module.js';

/**
 * `<service>.writes.status`: which of the writes a command named (laurel-writes reply header) this service
 * has yet to apply — events it consumes and has not processed — or to publish — its own KV puts still in
 * its outbox. Parked events are `failed`: they will never be applied. Read from the database, so any
 * replica answers for the service.
 */
export function writesStatusController(service: string): Type<unknown> {
  const subject = `${service}.writes.status` as WritesStatusSubject;

  @Controller()
  class WritesStatusController {
    constructor(
      private readonly lifecycle: MessagingLifecycle,
      private readonly dataSource: DataSource,
    ) {}

    @Command(subject)
    async status(query: WritesStatusQuery): Promise<WritesStatus> {
      const handled = this.lifecycle.handledSubjects();
      // Before its consumers run it cannot tell "not mine" from "not yet".
      if (!handled) throw LaurelError.unavailable(`the ${service} service is starting`, { service });
      const mine = query.writes.filter((w) => w.event !== undefined && handled.has(w.event as EventSubject)).map((w) => w.id);
      const puts = query.writes.filter((w) => w.event === undefined).map((w) => w.id);
      const table = (entity: EntityTarget<ObjectLiteral>) => this.dataSource.getRepository(entity).metadata.tablePath;
      const [processed, parked, unpublished] = await Promise.all([
        mine.length ? this.dataSource.query<{ id: string }[]>(`SELECT event_id AS id FROM ${table(ProcessedEvent)} WHERE consumer = $1 AND event_id = ANY($2::uuid[])`, [service, mine]) : [],
        mine.length ? this.dataSource.query<{ id: string }[]>(`SELECT event_id AS id FROM ${table(ParkedEvent)} WHERE consumer = $1 AND event_id = ANY($2::varchar[])`, [service, mine]) : [],
        puts.length ? this.dataSource.query<{ id: string }[]>(`SELECT id FROM ${table(OutboxMessage)} WHERE id = ANY($1::uuid[]) AND published_at IS NULL`, [puts]) : [],
      ]);
      const done = new Set([...processed, ...parked].map((r) => r.id));
      return {
        pending: [...mine.filter((id) => !done.has(id)), ...unpublished.map((r) => r.id)],
        failed: parked.map((r) => r.id),
      };
    }
  }
  return WritesStatusController;
}
