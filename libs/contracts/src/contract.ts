/** A class that class-validator can check a payload against. */
export type PayloadClass<T extends object = object> = new () => T;

/** Request/reply command: a validated request class and (as a type only) its response. */
export interface CommandContract<Req extends object, Res> {
  readonly request: PayloadClass<Req>;
  /** Phantom: carries the response type, never set. */
  readonly response?: Res;
}

export function command<Req extends object>(request: PayloadClass<Req>) {
  return { returns: <Res>(): CommandContract<Req, Res> => ({ request }) };
}

/** Durable JetStream event: its data class and schema version. */
export interface EventContract<T extends object> {
  readonly version: number;
  readonly data: PayloadClass<T>;
}

export function event<T extends object>(data: PayloadClass<T>, version = 1): EventContract<T> {
  return { version, data };
}
