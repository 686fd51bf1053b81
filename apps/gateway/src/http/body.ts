import { LaurelError } from '#contracts';

/** A JSON object body, or 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw LaurelError.badRequest('body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * A REST body's fields, spread into a command. An `actor` field is dropped, as REST v1 always ignored it
 * (the gateway overwrote it with the caller): no command payload carries an identity any more, the
 * caller's credential travels in a NATS header, and the services refuse a payload that names an actor.
 */
export function commandFields(body: unknown): Record<string, unknown> {
  const { actor: _ignored, ...fields } = objectBody(body);
  return fields;
}
