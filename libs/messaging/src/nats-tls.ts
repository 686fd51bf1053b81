import { accessSync, constants, statSync } from 'node:fs';
import { ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';

/**
 * NATS_URL: `nats://host:port` (plain) or `tls://host:port` (TLS required: a server without TLS is
 * refused, never silently used in plain text), comma-separated for a cluster, one scheme for all.
 */
export const NATS_URL_PATTERN = /^(nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*|tls:\/\/[^\s,]+(,tls:\/\/[^\s,]+)*)$/;
export const NATS_URL_MESSAGE = 'must be nats://host:port or tls://host:port (comma-separated for a cluster, one scheme for all)';

/** TLS to NATS, as nats.js takes it: required, verified against `caFile` when given (else the system's roots). */
export interface NatsTls {
  caFile?: string;
}

export function usesTls(natsUrl: string): boolean {
  return natsUrl.split(',').some((url) => url.trim().startsWith('tls://'));
}

/** The TLS settings for NATS_URL and NATS_TLS_CA_FILE: undefined for plain nats:// URLs. */
export function natsTlsOf(natsUrl: string, caFile: string | undefined): NatsTls | undefined {
  return usesTls(natsUrl) ? (caFile ? { caFile } : {}) : undefined;
}

function caFileProblem(value: unknown, natsUrl: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be the path of a PEM file';
  if (typeof natsUrl !== 'string' || !usesTls(natsUrl)) return 'is only used with tls:// NATS_URLs (NATS_URL is not tls://)';
  try {
    accessSync(value, constants.R_OK);
    if (!statSync(value).isFile()) return 'is not a file';
  } catch {
    return 'cannot be read (no such file, or no permission)';
  }
  return null;
}

/** NATS_TLS_CA_FILE: a readable file, and only beside tls:// URLs (checked at boot, with the rest of the environment). */
@ValidatorConstraint({ name: 'natsTlsCaFile' })
export class NatsTlsCaFile implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return caFileProblem(value, (args.object as { NATS_URL?: unknown }).NATS_URL) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return caFileProblem(args.value, (args.object as { NATS_URL?: unknown }).NATS_URL) ?? 'is invalid';
  }
}
