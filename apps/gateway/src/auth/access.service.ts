import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import { KV_BUCKETS, LaurelError, type AccessGrant, type Role } from '#contracts';
import { NatsBus } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { PUBLIC_PRINCIPAL, type Principal } from './principal.js';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Checks tokens without a request per call: grants (by token hash) are mirrored from nominations
 * into the `laurel_access` KV bucket, which this gateway watches. A miss is looked up directly once.
 */
@Injectable()
export class AccessService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Access');
  private readonly grants = new Map<string, AccessGrant>();
  private kv: KV | null = null;
  private stopWatch: (() => void) | null = null;
  private readonly adminHash: Buffer;
  private readonly invalidatedListeners = new Set<(tokenId: string, reason: string) => void>();

  constructor(
    private readonly bus: NatsBus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.adminHash = Buffer.from(sha256(config.adminToken), 'hex');
  }

  async onApplicationBootstrap(): Promise<void> {
    void this.watch();
  }

  onModuleDestroy(): void {
    this.stopWatch?.();
  }

  private async watch(): Promise<void> {
    for (let attempt = 0; !this.bus.nc.isClosed(); attempt++) {
      try {
        this.kv = await this.bus.kvm.open(KV_BUCKETS.access);
        const watcher = await this.kv.watch();
        this.stopWatch = () => watcher.stop();
        for await (const entry of watcher) {
          if (entry.operation !== 'PUT') {
            const gone = this.grants.get(entry.key);
            this.grants.delete(entry.key);
            if (gone) this.invalidated(gone.tokenId, 'this token has been revoked');
          } else {
            const grant = entry.json<AccessGrant>();
            this.grants.set(entry.key, grant);
            if (grant.revoked) this.invalidated(grant.tokenId, 'this token has been revoked');
            else if (Date.parse(grant.expiresAt) <= Date.now()) this.invalidated(grant.tokenId, 'this token has expired');
          }
        }
        return;
      } catch (error) {
        if (attempt % 10 === 0) this.logger.warn(`access grants not available yet: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Called when a grant is revoked, deleted or moved into the past: open sockets holding it are dropped. */
  onInvalidated(listener: (tokenId: string, reason: string) => void): () => void {
    this.invalidatedListeners.add(listener);
    return () => this.invalidatedListeners.delete(listener);
  }

  private invalidated(tokenId: string, reason: string): void {
    for (const listener of this.invalidatedListeners) {
      try {
        listener(tokenId, reason);
      } catch (error) {
        this.logger.warn(`token invalidation listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** The role and id of a token this gateway holds as valid (admin or a live grant), from memory only (rate limits); else null. */
  knownCaller(token: string): { role: Role; id: string } | null {
    const hash = sha256(token);
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.adminHash)) return { role: 'admin', id: 'admin' };
    const grant = this.grants.get(hash);
    return grant !== undefined && !grant.revoked && Date.parse(grant.expiresAt) > Date.now() ? { role: grant.role, id: grant.tokenId } : null;
  }

  /** The principal for a bearer token; no token = public. A bad, expired or revoked token is refused, never downgraded. */
  async authenticate(token: string | undefined | null): Promise<Principal> {
    if (token === undefined || token === null || token === '') return PUBLIC_PRINCIPAL;
    const hash = sha256(token);
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.adminHash)) return { role: 'admin', ceremonyId: null, jurorId: null, tokenId: null };
    let grant = this.grants.get(hash);
    if (!grant && this.kv) {
      const entry = await this.kv.get(hash).catch(() => null);
      if (entry && entry.operation === 'PUT') {
        grant = entry.json<AccessGrant>();
        this.grants.set(hash, grant);
      }
    }
    if (!grant) throw new LaurelError(401, 'unknown token');
    if (grant.revoked) throw new LaurelError(401, 'this token has been revoked');
    if (Date.parse(grant.expiresAt) <= Date.now()) throw new LaurelError(401, 'this token has expired');
    return { role: grant.role, ceremonyId: grant.ceremonyId, jurorId: grant.jurorId, tokenId: grant.tokenId, expiresAt: Date.parse(grant.expiresAt) };
  }
}
