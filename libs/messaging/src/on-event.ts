import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventData, EventEnvelope, EventSubject } from '#contracts';

export const ON_EVENT = Symbol('laurel:on-event');

export interface EventContext {
  manager: EntityManager;
  streamSeq: number;
  deliveryCount: number;
  /** When JetStream stored the message (the server's clock): the vote log's own time of each vote. */
  storedAt: Date;
}

export type EventHandler<S extends EventSubject> = (event: EventEnvelope<EventData<S>>, ctx: EventContext) => Promise<void>;

/**
 * Marks a method as the handler of a durable event. The method's type is checked against the subject
 * map: a handler expecting another event's payload does not compile. It runs in one transaction with
 * the processed-event record, so a redelivered event has no second effect.
 */
export function OnEvent<S extends EventSubject>(subject: S) {
  return <T extends EventHandler<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): void => {
    SetMetadata(ON_EVENT, subject)(target, key, descriptor);
  };
}
