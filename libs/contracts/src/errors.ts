/** Error body of contract v1: `{ statusCode, error, message, details? }`, used on REST and on NATS replies. */
export interface LaurelErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

const NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A domain error with the HTTP status it means; thrown by services, carried over NATS as-is. */
export class LaurelError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LaurelError';
  }

  toBody(): LaurelErrorBody {
    const body: LaurelErrorBody = { statusCode: this.statusCode, error: NAMES[this.statusCode] ?? 'Error', message: this.message };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }

  static badRequest(message: string, details?: unknown): LaurelError {
    return new LaurelError(400, message, details);
  }
  static forbidden(message: string, details?: unknown): LaurelError {
    return new LaurelError(403, message, details);
  }
  static notFound(message: string, details?: unknown): LaurelError {
    return new LaurelError(404, message, details);
  }
  static conflict(message: string, details?: unknown): LaurelError {
    return new LaurelError(409, message, details);
  }
  static unavailable(message: string, details?: unknown): LaurelError {
    return new LaurelError(503, message, details);
  }
}

export function isLaurelErrorBody(value: unknown): value is LaurelErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LaurelErrorBody).statusCode === 'number' &&
    typeof (value as LaurelErrorBody).message === 'string'
  );
}

export function errorName(statusCode: number): string {
  return NAMES[statusCode] ?? 'Error';
}

/** One problem in a submitted document, located by its JSON path (e.g. `/categories/2/slug`). */
export interface FieldProblem {
  path: string;
  message: string;
}
