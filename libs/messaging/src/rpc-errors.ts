import { RpcException } from '@nestjs/microservices';
import { LaurelError } from '#contracts';
import { contextLogger, currentCorrelationId } from '#observability';

const logger = contextLogger('Command');

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

/** Maps anything a handler (or the command guard) throws to the contract's error body carried back over NATS. */
export function toRpcException(error: unknown, subject: string): RpcException {
  if (error instanceof RpcException) return error;
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
