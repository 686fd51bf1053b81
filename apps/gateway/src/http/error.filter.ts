import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { errorName, LaurelError, type LaurelErrorBody } from '#contracts';
import { contextLogger, currentCorrelationId } from '#observability';

/** Every REST error is `{ statusCode, error, message, details? }` — never a stack trace. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = contextLogger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const body = toBody(exception);
    if (body.statusCode >= 500) this.logger.error(`${body.message}${exception instanceof Error && !(exception instanceof LaurelError) ? `\n${exception.stack}` : ''}`);
    response.status(body.statusCode).json(body);
  }
}

export function toBody(exception: unknown): LaurelErrorBody {
  if (exception instanceof LaurelError) return exception.toBody();
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
    const message = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map((m) => JSON.stringify(m)).join('; ') : exception.message;
    return { statusCode: status, error: errorName(status), message };
  }
  const err = exception as { type?: string; status?: number; message?: string };
  // body-parser errors: bad JSON, too large.
  if (err?.type === 'entity.parse.failed') return { statusCode: 400, error: errorName(400), message: 'the request body is not valid JSON' };
  if (err?.type === 'entity.too.large') return { statusCode: 413, error: errorName(413), message: 'the request body is too large' };
  if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) return { statusCode: err.status, error: errorName(err.status), message: err.message ?? 'bad request' };
  return { statusCode: 500, error: errorName(500), message: `internal error (correlation id ${currentCorrelationId() ?? 'none'})` };
}
