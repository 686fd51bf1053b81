import { LaurelError } from './errors.js';

/**
 * What sort of "no" a domain rule gives, and the HTTP status each means: the one table the edges use
 * (a service's NATS reply, the gateway's REST answer) to turn a refusal into `{ statusCode, error, message, details? }`.
 */
export const REFUSAL_STATUS = {
  /** The request itself is wrong (a field, a value): 400 with the field in `details`. */
  invalid: 400,
  /** The caller may not do this (another panel, not the chair). */
  forbidden: 403,
  /** It names something that is not there. */
  'not-found': 404,
  /** It conflicts with the state now (already locked, not on stage, sealed). */
  conflict: 409,
} as const;

export type RefusalKind = keyof typeof REFUSAL_STATUS;
export type RefusalStatus = (typeof REFUSAL_STATUS)[RefusalKind];

/**
 * The one refusal type of the services: a domain rule said no. `code` names the rule (stable, for code
 * and logs; the wire body stays the contract's error body), `kind` what sort of no it is. Pure cores
 * return codes (`BallotRefusal`, `ScoringErrorCode`) or throw it; the shells throw it; the edges answer it
 * through REFUSAL_STATUS. It is a LaurelError, so every edge that already answers those answers it.
 */
export class DomainRefusal<Code extends string = string> extends LaurelError {
  constructor(
    readonly kind: RefusalKind,
    readonly code: Code,
    message: string,
    details?: unknown,
  ) {
    super(REFUSAL_STATUS[kind], message, details);
    this.name = 'DomainRefusal';
  }
}

/** The kind a refusal status means (the show machine's outcome carries the status). */
export function refusalKindOf(status: RefusalStatus): RefusalKind {
  return (Object.keys(REFUSAL_STATUS) as RefusalKind[]).find((kind) => REFUSAL_STATUS[kind] === status)!;
}
