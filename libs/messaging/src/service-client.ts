import { randomUUID } from 'node:crypto';
import { headers, RequestError, TimeoutError } from '@nats-io/transport-node';
import { CREDENTIAL_HEADER, isLaurelErrorBody, LaurelError, serviceOf, type CommandRequest, type CommandResponse, type CommandSubject, type WrittenRecord } from '#contracts';
import { CORRELATION_HEADER, currentCorrelationId, natsRequests } from '#observability';
import type { NatsBus } from './nats-bus.js';
import { writesOf } from './writes.js';

/** Nest's NATS transport reply: `{ id, response | err, isDisposed }`. */
interface NestReply {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

export interface RequestOptions {
  /**
   * Who is asking, for the called service to resolve itself: the caller's `Bearer <token>` as the
   * gateway received it, a `Service <token>` identity, or null for a public call. Always explicit, so a
   * call site cannot forget it; it travels in the CREDENTIAL_HEADER header, never in the payload.
   */
  credential: string | null;
  timeoutMs?: number;
}

/**
 * Typed request/reply to a service's Nest @MessagePattern handlers. Uses a plain NATS request so a
 * service that is down fails at once with "no responders" (503 naming it), not after a timeout.
 */
export class ServiceClient {
  constructor(
    private readonly bus: NatsBus,
    private readonly defaultTimeoutMs = 5000,
  ) {}

  async request<S extends CommandSubject>(subject: S, data: CommandRequest<S>, options: RequestOptions): Promise<CommandResponse<S>> {
    return (await this.requestWithWrites(subject, data, options)).response;
  }

  /** As `request`, plus what the command wrote to its outbox (events, KV puts), for read-your-writes. */
  async requestWithWrites<S extends CommandSubject>(subject: S, data: CommandRequest<S>, options: RequestOptions): Promise<{ response: CommandResponse<S>; writes: WrittenRecord[] }> {
    const service = serviceOf(subject);
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    const h = headers();
    h.set(CORRELATION_HEADER, currentCorrelationId() ?? randomUUID());
    if (options.credential !== null) h.set(CREDENTIAL_HEADER, options.credential);
    const started = process.hrtime.bigint();
    const observe = (outcome: string) => natsRequests.observe({ subject, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    // Refused here: a message over the server's max_payload makes nats-server drop this whole connection
    // (found by test/security/fuzz: a 60 kB CSV body spread into a command cut the gateway off for a moment).
    const payload = new TextEncoder().encode(JSON.stringify({ pattern: subject, data, id: randomUUID() }));
    const maxPayload = this.bus.nc.info?.max_payload;
    if (maxPayload !== undefined && payload.length > maxPayload) {
      observe('too_large');
      throw new LaurelError(413, `the request is too large to pass to the ${service} service (over the NATS message limit of ${maxPayload} bytes)`);
    }
    let reply: NestReply;
    let writes: WrittenRecord[];
    try {
      const msg = await this.bus.nc.request(subject, payload, { timeout, headers: h });
      reply = msg.json<NestReply>();
      writes = writesOf(msg.headers);
    } catch (error) {
      if (error instanceof RequestError && error.isNoResponders()) {
        observe('unavailable');
        throw LaurelError.unavailable(`the ${service} service is unavailable (no instance is answering)`, { service });
      }
      if (error instanceof TimeoutError || (error instanceof RequestError && /timeout/i.test(error.message))) {
        observe('timeout');
        throw LaurelError.unavailable(`the ${service} service did not answer within ${timeout} ms`, { service });
      }
      if (/max_payload|payload size/i.test((error as Error).message)) {
        observe('too_large');
        throw new LaurelError(413, `the request is too large to pass to the ${service} service (over the NATS message limit of ${this.bus.nc.info?.max_payload ?? 'unknown'} bytes)`);
      }
      observe('error');
      throw LaurelError.unavailable(`cannot reach the ${service} service: ${(error as Error).message}`, { service });
    }
    if (reply.err !== undefined && reply.err !== null) {
      observe('rejected');
      if (isLaurelErrorBody(reply.err)) throw new LaurelError(reply.err.statusCode, reply.err.message, reply.err.details);
      const inner = typeof reply.err === 'object' && reply.err !== null ? (reply.err as { message?: unknown }).message : reply.err;
      const message = typeof inner === 'string' ? inner : JSON.stringify(inner);
      throw new LaurelError(500, `${service}: ${message}`);
    }
    observe('ok');
    return { response: reply.response as CommandResponse<S>, writes };
  }
}
