import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { LaurelError } from '#contracts';
import { currentCorrelationId } from '#observability';

const logger = new Logger('Command');

const PG_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
// "Query runner (was) already released": TypeORM's answer to the next query (or the COMMIT) of a transaction whose connection
// died under it (a Postgres crash mid-transaction): nothing was committed.
const PG_UNAVAILABLE_TEXT = /Connection terminated|[Qq]uery runner (was )?already released|connect ECONNREFUSED|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * Postgres refusing work for now, not for ever: disk full (53100), out of memory (53200), too many
 * connections (53300), a statement or lock timeout (57014, 55P03), a serialization failure or deadlock
 * (40001, 40P01). The transaction rolled back as a whole, so the same request again is safe.
 */
const PG_BUSY_CODES = new Map([
  ['53100', 'the database disk is full'],
  ['53200', 'the database is out of memory'],
  ['53300', 'the database has too many connections'],
  ['57014', 'a database statement timed out'],
  ['55P03', 'a database lock was not granted in time'],
  ['40001', 'a concurrent database update'],
  ['40P01', 'a database deadlock'],
]);

/** Why Postgres refused the work for now (a retryable condition), or null. */
export function databaseBusyReason(error: unknown): string | null {
  for (let e = error as { code?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && PG_BUSY_CODES.has(e.code)) return PG_BUSY_CODES.get(e.code)!;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return null;
}

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
  const busy = databaseBusyReason(error);
  if (busy) {
    const service = subject.slice(0, subject.indexOf('.'));
    logger.warn(`${subject}: database busy (${(error as Error)?.message ?? String(error)})`);
    // Nothing of the command was written (its transaction rolled back): the same request again is safe.
    return new RpcException(LaurelError.unavailable(`database busy: ${busy}; nothing was written, try again shortly`, { service, retryable: true }).toBody());
  }
  logger.error(`${subject} failed: ${(error as Error)?.stack ?? String(error)}`);
  return new RpcException(
    new LaurelError(500, `internal error while handling ${subject} (correlation id ${currentCorrelationId() ?? 'none'})`).toBody(),
  );
}
