import { createHash, timingSafeEqual } from 'node:crypto';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { KV_BUCKETS, LaurelError, PUBLIC_ACTOR, SERVICE_IDENTITIES, type AccessGrant, type Actor, type ServiceIdentity, type UserActor } from '#contracts';
import type { NatsBus } from './nats-bus.js';

export function sha256hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Printable ASCII, no spaces: what tokens are made of. Anything else is never looked up. */
const CREDENTIAL = /^(Bearer|Service) ([\x21-\x7e]{1,512})$/;
const BEARER_TOKEN = /^[\x21-\x7e]{1,512}$/;
const RESTART_MS = 200;
const RETRY_MS = 1000;

export interface AccessResolverOptions {
  /**
   * The service identities this process accepts, by their shared secret (`Service <token>`). Only the
   * callee of a service call holds it (announcements holds the gateway's); none = none accepted.
   */
  serviceTokens?: Partial<Record<ServiceIdentity, string>>;
}

function actorOf(grant: AccessGrant): UserActor {
  const actor: UserActor = { role: grant.role, ceremonyId: grant.ceremonyId, jurorId: grant.jurorId, tokenId: grant.tokenId };
  if (grant.expiresAt !== null) actor.expiresAt = Date.parse(grant.expiresAt);
  if (grant.label) actor.label = grant.label;
  return actor;
}

/**
 * Turns a credential into an actor, in memory: the grants (by sha256 of the token) are mirrored from
 * nominations into the `laurel_access` KV bucket, which this process watches; a miss is one direct get.
 * Revocation and expiry arrive through the watch. One resolver serves every service's `@Command` guard
 * and the gateway's REST guard and socket handshake, so all of them refuse the same tokens the same way.
 */
export class AccessResolver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly grants = new Map<string, AccessGrant>();
  private readonly serviceHashes: { identity: ServiceIdentity; hash: Buffer }[];
  private kv: KV | null = null;
  private stopped = false;
  private stopWatch: () => void = () => undefined;
  private readonly invalidatedListeners = new Set<(tokenId: string, reason: string) => void>();

  constructor(
    private readonly bus: NatsBus,
    private readonly logger: Logger,
    options: AccessResolverOptions = {},
  ) {
    this.serviceHashes = SERVICE_IDENTITIES.flatMap((identity) => {
      const token = options.serviceTokens?.[identity];
      return token ? [{ identity, hash: Buffer.from(sha256hex(token), 'hex') }] : [];
    });
  }

  onApplicationBootstrap(): void {
    void this.follow();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.stopWatch();
  }

  /** Follows the bucket for as long as the process runs: again after a reconnect, a lost watcher or a store reset. */
  private async follow(): Promise<void> {
    for (let attempt = 0; !this.stopped && !this.bus.nc.isClosed(); attempt++) {
      let pause = RESTART_MS;
      let unwatch = () => undefined as unknown;
      try {
        const kv = await this.bus.kvm.open(KV_BUCKETS.access);
        this.kv = kv;
        const watcher = await kv.watch();
        this.stopWatch = () => watcher.stop();
        // Its consumer may have lived on a NATS node this process lost: watch anew (latest value of each key again).
        unwatch = this.bus.onceReconnected(() => watcher.stop());
        attempt = 0;
        for await (const entry of watcher) this.apply(entry.key, entry.operation === 'PUT' ? entry.json<AccessGrant>() : null);
      } catch (error) {
        pause = RETRY_MS;
        if (attempt % 10 === 0 && !this.stopped) this.logger.warn({ err: (error as Error).message }, 'access grants not available yet; retrying');
      } finally {
        unwatch();
      }
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, pause));
    }
  }


  private apply(hash: string, grant: AccessGrant | null): void {
    if (grant === null) {
      const gone = this.grants.get(hash);
      this.grants.delete(hash);
      if (gone) this.invalidated(gone.tokenId, 'this token has been revoked');
      return;
    }
    this.grants.set(hash, grant);
    if (grant.revoked) this.invalidated(grant.tokenId, 'this token has been revoked');
    else if (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= Date.now()) this.invalidated(grant.tokenId, 'this token has expired');
  }

  /** Called when a grant is revoked, deleted or moved into the past (open sockets holding it are dropped). */
  onInvalidated(listener: (tokenId: string, reason: string) => void): () => void {
    this.invalidatedListeners.add(listener);
    return () => this.invalidatedListeners.delete(listener);
  }

  private invalidated(tokenId: string, reason: string): void {
    for (const listener of this.invalidatedListeners) {
      try {
        listener(tokenId, reason);
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'token invalidation listener failed');
      }
    }
  }

  /**
   * The actor for a credential header: none = public; `Bearer <token>` = a user's grant; `Service <token>`
   * = a service identity this process accepts. Anything forged, unknown, expired or revoked is refused
   * with 401, never downgraded to public.
   */
  async resolve(credential: string | undefined | null): Promise<Actor> {
    if (credential === undefined || credential === null || credential === '') return PUBLIC_ACTOR;
    const match = CREDENTIAL.exec(credential);
    if (!match) throw new LaurelError(401, 'the credential must be "Bearer <token>" or "Service <token>"');
    return match[1] === 'Bearer' ? this.authenticate(match[2]) : this.service(match[2]);
  }

  /** The user for a bearer token; no token = public. A bad, expired or revoked token is refused, never downgraded. */
  async authenticate(token: string | undefined | null): Promise<UserActor> {
    if (token === undefined || token === null || token === '') return PUBLIC_ACTOR;
    if (!BEARER_TOKEN.test(token)) throw new LaurelError(401, 'unknown token');
    const hash = sha256hex(token);
    let grant = this.grants.get(hash);
    if (!grant && this.kv) {
      const entry = await this.kv.get(hash).catch(() => null);
      if (entry && entry.operation === 'PUT') {
        grant = entry.json<AccessGrant>();
        // The watch may have delivered a newer value meanwhile: keep that one.
        if (!this.grants.has(hash)) this.grants.set(hash, grant);
        grant = this.grants.get(hash)!;
      }
    }
    if (!grant) throw new LaurelError(401, 'unknown token');
    if (grant.revoked) throw new LaurelError(401, 'this token has been revoked');
    if (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= Date.now()) throw new LaurelError(401, 'this token has expired');
    return actorOf(grant);
  }

  private service(token: string): Actor {
    const hash = Buffer.from(sha256hex(token), 'hex');
    // Every candidate is compared in constant time, so the answer's timing says nothing about which one was close.
    let identity: ServiceIdentity | undefined;
    for (const candidate of this.serviceHashes) if (timingSafeEqual(candidate.hash, hash)) identity = candidate.identity;
    if (!identity) throw new LaurelError(401, 'unknown service credential');
    return { role: 'service', service: identity, ceremonyId: null, jurorId: null, tokenId: null };
  }

  /**
   * The role and token id of a token this process holds as valid (admin included, its grant is in the
   * bucket too); null for anything else. No lookups: the edge's rate limit asks it for every request.
   */
  knownCaller(token: string): { role: UserActor['role']; id: string } | null {
    if (!BEARER_TOKEN.test(token)) return null;
    const grant = this.grants.get(sha256hex(token));
    if (grant === undefined || grant.revoked || (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= Date.now())) return null;
    return { role: grant.role, id: grant.tokenId };
  }
}
