/**
 * Compile-time checks of the typed subject maps (run by `npm run typecheck`): each `@ts-expect-error`
 * must stay an error, so publishing or handling an event with the wrong payload type fails to compile.
 */
import type { EntityManager } from 'typeorm';
import { bearerCredential, type EventData, type EventEnvelope } from '#contracts';
import { OnEvent, type Outbox, type ServiceClient } from '#messaging';

declare const outbox: Outbox;
declare const manager: EntityManager;
declare const client: ServiceClient;
declare const ceremonyId: string;

export async function publishing(): Promise<void> {
  await outbox.add(manager, 'gala.events.jury.progress', ceremonyId, { ceremonyId, categoryId: ceremonyId, locked: 1, total: 8, sealed: false });
  // @ts-expect-error a progress event cannot carry a sealed verdict's payload
  await outbox.add(manager, 'gala.events.jury.progress', ceremonyId, { categoryId: ceremonyId, winnerId: ceremonyId, motivation: 'x', salt: 'x', commitment: 'x', sealedAt: 'x' });
  // @ts-expect-error unknown subject
  await outbox.add(manager, 'gala.events.jury.leaked', ceremonyId, {});
  const box = { iv: 'x', ciphertext: 'x' };
  await outbox.add(manager, 'gala.events.announcements.envelope.staged', ceremonyId, { ceremonyId, categoryId: ceremonyId, commitment: 'x', sealedAt: 'x', envelopes: { screen: box, press: box, public: box } });
  // @ts-expect-error a staged envelope has no key field (the key stays in announcements until the reveal)
  await outbox.add(manager, 'gala.events.announcements.envelope.staged', ceremonyId, { ceremonyId, categoryId: ceremonyId, commitment: 'x', sealedAt: 'x', envelopes: { screen: box, press: box, public: box }, key: 'k' });
  // @ts-expect-error every audience has its envelope
  await outbox.add(manager, 'gala.events.announcements.envelope.staged', ceremonyId, { ceremonyId, categoryId: ceremonyId, commitment: 'x', sealedAt: 'x', envelopes: { screen: box, press: box } });
}

export async function requesting(): Promise<void> {
  const producer = { credential: bearerCredential('token') };
  const result = await client.request('announcements.show.cue', { ceremony: 'x', action: 'next', idempotencyKey: 'k' }, producer);
  const seq: number = result.seq;
  void seq;
  // @ts-expect-error a cue needs an action and an idempotency key
  await client.request('announcements.show.cue', { ceremony: 'x' }, producer);
  // @ts-expect-error identity never travels in a payload: no command has an actor field
  await client.request('announcements.show.cue', { ceremony: 'x', action: 'next', idempotencyKey: 'k', actor: { role: 'producer' } }, producer);
  // @ts-expect-error every request says who is asking (null for a public call): a forgotten credential does not compile
  await client.request('nominations.ceremony.get', { ceremony: 'x' });
  const ceremony = await client.request('nominations.ceremony.get', { ceremony: 'x' }, { credential: null });
  // @ts-expect-error the ceremony view has no winner
  void ceremony.winnerId;
  // @ts-expect-error a card reveal names its key and idempotency key
  await client.request('announcements.show.card-reveal', { ceremony: 'x', categoryId: 'c' }, producer);
  const kit = await client.request('announcements.envelopes.kit', { ceremony: 'x' }, producer);
  // @ts-expect-error the envelope kit holds no key
  void kit.envelopes[0].key;
}

export class Handlers {
  @OnEvent('gala.events.jury.verdict.sealed')
  async ok(event: EventEnvelope<EventData<'gala.events.jury.verdict.sealed'>>): Promise<void> {
    void event.data.commitment;
  }

  // @ts-expect-error a handler of the public seal cannot expect the sealed contents
  @OnEvent('gala.events.jury.verdict.sealed')
  async wrong(event: EventEnvelope<EventData<'gala.sealed.jury.verdict'>>): Promise<void> {
    void event.data.motivation;
  }
}
