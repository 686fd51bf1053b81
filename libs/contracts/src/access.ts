import type { TokenRole } from './commands/nominations.js';
import type { Role } from './live.js';

/**
 * The NATS header that carries the caller's credential with every command. Identity never travels in
 * a payload: each service resolves this header itself (zero trust between services).
 *   `Bearer <token>`  a user's access token (admin, producer, juror, press, screen), as the gateway got it
 *   `Service <token>` a service identity (SERVICE_GRANTS), held by the caller and the service it calls
 * No header = public.
 */
export const CREDENTIAL_HEADER = 'Laurel-Credential';

export function bearerCredential(token: string): string {
  return `Bearer ${token}`;
}

export function serviceCredential(token: string): string {
  return `Service ${token}`;
}

/** Service identities: the callers that act for no user (see SERVICE_GRANTS in subjects.ts). */
export const SERVICE_IDENTITIES = ['gateway'] as const;
export type ServiceIdentity = (typeof SERVICE_IDENTITIES)[number];

/** What a caller is: a user role, or a service identity. */
export type ActorRole = Role | 'service';

/**
 * Who is calling, as resolved from the credential by the service itself (never read from a payload).
 * Admin and service identities span ceremonies (`ceremonyId` null); every other token is bound to one.
 */
export interface Actor {
  role: ActorRole;
  ceremonyId: string | null;
  jurorId: string | null;
  /** The grant's id (revocation, audit); null for public and service identities. */
  tokenId: string | null;
  /** Set for role `service`. */
  service?: ServiceIdentity;
  /** When the token stops being valid (ms since epoch); absent when it does not expire. */
  expiresAt?: number;
  /** The grant's label, as the admin gave it at issue (who holds the token: "Stream Deck", "Anna"). */
  label?: string | null;
}

/** A user (or the public) as the gateway authenticates a bearer token. */
export interface UserActor extends Actor {
  role: Role;
}

export const PUBLIC_ACTOR: UserActor = Object.freeze({ role: 'public', ceremonyId: null, jurorId: null, tokenId: null });

/**
 * A grant in the `laurel_access` KV bucket, keyed by sha256(token). Written by nominations only (it
 * owns the tokens and the admin token); read and watched by every service and the gateway.
 */
export interface AccessGrant {
  tokenId: string;
  role: TokenRole | 'admin';
  /** null: the admin grant, which spans ceremonies. */
  ceremonyId: string | null;
  jurorId: string | null;
  /** null: does not expire (the admin grant, which is replaced when LAUREL_ADMIN_TOKEN changes). */
  expiresAt: string | null;
  revoked: boolean;
  /** The label given at issue (absent in grants written before labels were mirrored). */
  label?: string | null;
}
