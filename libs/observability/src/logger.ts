import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { currentCorrelationId } from './correlation.js';

/** Structured JSON logs; every line carries the service and, inside a request or event, its correlation id. */
/**
 * Fields that hold secrets in any log object, at the top or one level down. Belt and braces: no code logs
 * a token or a credential, and if one ever does it prints as "[redacted]".
 */
const SECRET_FIELDS = ['token', 'adminToken', 'serviceToken', 'credential', 'authorization', 'password', 'LAUREL_ADMIN_TOKEN', 'LAUREL_GATEWAY_SERVICE_TOKEN', 'NATS_PASSWORD'];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
  });
}

/**
 * The one logger of a process: the pino instance its bootstrap made (startDomainService, startGateway).
 * Until one is set (a module's top level, a unit test) a default one for `laurel`.
 */
let processLogger: Logger | null = null;

export function useProcessLogger(logger: Logger): Logger {
  processLogger = logger;
  return logger;
}

function currentLogger(): Logger {
  return (processLogger ??= createLogger('laurel'));
}

/**
 * The one Nest adapter over pino: Nest's LoggerService, so framework messages and service code log the
 * same JSON lines. Without a pino instance it writes to the process logger as it is when a line is logged.
 */
export class PinoNestLogger implements LoggerService {
  constructor(
    private readonly logger?: Logger,
    private readonly boundContext?: string,
  ) {}

  private get target(): Logger {
    return this.logger ?? currentLogger();
  }

  log(message: unknown, context?: string): void {
    this.target.info({ context: context ?? this.boundContext }, String(message));
  }
  error(message: unknown, stack?: string, context?: string): void {
    this.target.error({ context: context ?? this.boundContext, stack }, message instanceof Error ? message.message : String(message));
  }
  warn(message: unknown, context?: string): void {
    this.target.warn({ context: context ?? this.boundContext }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.target.debug({ context: context ?? this.boundContext }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.target.trace({ context: context ?? this.boundContext }, String(message));
  }
}

/** A logger for one part of a service (`context` in each line), on the process's pino instance. */
export function contextLogger(context: string): PinoNestLogger {
  return new PinoNestLogger(undefined, context);
}
