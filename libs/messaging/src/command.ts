import { Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException, type NatsContext } from '@nestjs/microservices';
import { commandContracts, LaurelError, type CommandRequest, type CommandResponse, type CommandSubject } from '#contracts';
import { CORRELATION_HEADER, currentCorrelationId, runWithCorrelation } from '#observability';
import { validatePayload } from './validation.js';
import { collectWrites, ReplyWithWrites } from './writes.js';

export interface CommandContext {
  correlationId: string;
}

export type CommandHandler<S extends CommandSubject> = (request: CommandRequest<S>, ctx: CommandContext) => Promise<CommandResponse<S>>;

const logger = new Logger('Command');

const PG_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const PG_UNAVAILABLE_TEXT = /Connection terminated|connect ECONNREFUSED|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** True for an error that means the service's database cannot be reached now (not a bug, not a rule). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; driverError?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && PG_UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && PG_UNAVAILABLE_TEXT.test(e.message)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}

/** Maps anything a handler throws to the contract's error body carried back over NATS. */
export function toRpcException(error: unknown, subject: string): RpcException {
  if (error instanceof LaurelError) return new RpcException(error.toBody());
  if (isDatabaseUnavailable(error)) {
    const service = subject.slice(0, subject.indexOf('.'));
    logger.warn(`${subject}: database unavailable (${(error as Error)?.message ?? String(error)})`);
    // Retryable: a cue again with its idempotency key, a lock again (409 "already locked" if it did commit).
    return new RpcException(LaurelError.unavailable(`database unavailable: the ${service} service cannot reach its database; try again shortly`, { service, retryable: true }).toBody());
  }
  logger.error(`${subject} failed: ${(error as Error)?.stack ?? String(error)}`);
  return new RpcException(
    new LaurelError(500, `internal error while handling ${subject} (correlation id ${currentCorrelationId() ?? 'none'})`).toBody(),
  );
}

/**
 * A request/reply handler on Nest's NATS transport, typed by the subject map and validated on receipt:
 * the payload is checked against the subject's request class before the method runs.
 */
export function Command<S extends CommandSubject>(subject: S) {
  return <T extends CommandHandler<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): void => {
    const handler = descriptor.value!;
    const requestClass = commandContracts[subject].request as new () => CommandRequest<S>;
    const wrapped = async function (this: unknown, raw: unknown, natsContext?: NatsContext): Promise<CommandResponse<S>> {
      const headerId = natsContext?.getHeaders?.()?.get(CORRELATION_HEADER) || undefined;
      return runWithCorrelation(headerId, async () => {
        try {
          const request = await validatePayload(requestClass, raw);
          // What it committed to the outbox goes back in the reply's header (read-your-writes at the gateway).
          const { value, writes } = await collectWrites(() => handler.call(this, request, { correlationId: currentCorrelationId()! }));
          return (writes.length > 0 ? new ReplyWithWrites(value, writes) : value) as CommandResponse<S>;
        } catch (error) {
          throw toRpcException(error, subject);
        }
      });
    };
    descriptor.value = wrapped as unknown as T;
    // Explicit parameter bindings: without them Nest passes the payload only, and the headers
    // (correlation id) would be lost.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
    MessagePattern(subject)(target, key, descriptor);
  };
}
