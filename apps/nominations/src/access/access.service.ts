import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KV_BUCKETS, LaurelError, type AccessGrant, type IssueTokenCommand, type IssuedToken, type TokenInfo, type TokenRole } from '#contracts';
import { Outbox } from '#messaging';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { AccessToken } from './access-token.entity.js';

const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function grantOf(row: AccessToken): AccessGrant {
  return { tokenId: row.id, role: row.role, ceremonyId: row.ceremonyId, jurorId: row.jurorId, expiresAt: row.expiresAt?.toISOString() ?? null, revoked: row.revokedAt !== null, label: row.label };
}

/**
 * Issues and revokes ceremony access tokens. Postgres holds the hashes; every change is mirrored
 * through the outbox into the `laurel_access` KV bucket, which every service and gateway watches, so
 * checking a token needs no request to this service during the show.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly ceremonies: CeremoniesService,
  ) {}

  async issue(request: IssueTokenCommand): Promise<IssuedToken> {
    if (request.role === 'juror' && !request.jurorId) throw LaurelError.badRequest('jurorId is required for a juror token', [{ path: 'jurorId', message: 'is required for role juror' }]);
    if (request.role !== 'juror' && request.jurorId) throw LaurelError.badRequest('jurorId is only for juror tokens', [{ path: 'jurorId', message: 'only with role juror' }]);
    const ceremony = await this.ceremonies.findCeremony(request.ceremony);
    const token = `lrl_${request.role}_${randomBytes(24).toString('base64url')}`;
    const row = Object.assign(new AccessToken(), {
      id: randomUUID(),
      ceremonyId: ceremony.id,
      tokenHash: hashToken(token),
      role: request.role,
      jurorId: request.jurorId ?? null,
      label: request.label ?? null,
      expiresAt: new Date(Date.now() + (request.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000),
      revokedAt: null,
    });
    await this.outbox.transaction(async (manager) => {
      await manager.insert(AccessToken, row);
      await this.outbox.putKv(manager, KV_BUCKETS.access, row.tokenHash, grantOf(row), randomUUID(), ceremony.id);
    });
    return { id: row.id, token, role: request.role, ceremonyId: ceremony.id, jurorId: row.jurorId, expiresAt: row.expiresAt.toISOString() };
  }

  async revoke(ceremonyRef: string, tokenId: string): Promise<{ revoked: true }> {
    const ceremony = await this.ceremonies.findCeremony(ceremonyRef);
    await this.outbox.transaction(async (manager) => {
      const row = await manager.findOne(AccessToken, { where: { id: tokenId, ceremonyId: ceremony.id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw LaurelError.notFound(`no token ${tokenId} in this ceremony`);
      if (row.revokedAt) return;
      row.revokedAt = new Date();
      await manager.save(row);
      await this.outbox.putKv(manager, KV_BUCKETS.access, row.tokenHash, grantOf(row), randomUUID(), ceremony.id);
    });
    return { revoked: true };
  }

  async list(ceremonyRef: string): Promise<TokenInfo[]> {
    const ceremony = await this.ceremonies.findCeremony(ceremonyRef);
    const rows = await this.dataSource.manager.find(AccessToken, { where: { ceremonyId: ceremony.id }, order: { createdAt: 'ASC' } });
    // Ceremony tokens only: the admin grant has no ceremony, so it is never listed (nor revoked) here.
    return rows.map((r) => ({
      id: r.id,
      role: r.role as TokenRole,
      label: r.label,
      jurorId: r.jurorId,
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt!.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
    }));
  }
}
