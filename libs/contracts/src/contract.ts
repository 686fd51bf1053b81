import { ROLES, type Role } from './live.js';

/** A class that class-validator can check a payload against. */
export type PayloadClass<T extends object = object> = new () => T;

/** Every role, the public (no credential) included. */
export const ANYONE: readonly Role[] = ROLES;

/** Request/reply command: a validated request class, who may call it, and (as a type only) its response. */
export interface CommandContract<Req extends object, Res> {
  readonly request: PayloadClass<Req>;
  /**
   * The user roles that may call it at all (`public` = no credential needed; none = service identities
   * only, see SERVICE_GRANTS). `@Command` refuses every other caller before the handler runs; the
   * service's domain rules narrow it further (own ballot, chair).
   */
  readonly roles: readonly Role[];
  /** Phantom: carries the response type, never set. */
  readonly response?: Res;
}

export function command<Req extends object>(request: PayloadClass<Req>, roles: readonly Role[]) {
  return { returns: <Res>(): CommandContract<Req, Res> => ({ request, roles: Object.freeze([...roles]) }) };
}

/** Durable JetStream event: its data class and schema version. */
export interface EventContract<T extends object> {
  readonly version: number;
  readonly data: PayloadClass<T>;
}

export function event<T extends object>(data: PayloadClass<T>, version = 1): EventContract<T> {
  return { version, data };
}
