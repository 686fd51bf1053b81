import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { contextLogger } from '#observability';
import { IsNull } from 'typeorm';
import { KV_BUCKETS } from '#contracts';
import { NatsBus, Outbox } from '#messaging';
import { NOMINATIONS_CONFIG, type NominationsConfig } from '../config.js';
import { AccessToken } from './access-token.entity.js';
import { grantOf, hashToken } from './access.service.js';

/** Serializes boots of several nominations processes over the admin grant (Postgres advisory lock key). */
const ADMIN_GRANT_LOCK = 'laurel.nominations.admin-grant';

/**
 * Nominations owns the admin token (no other process holds it, the gateway least of all): at boot it
 * writes the admin grant (sha256 of the token, role admin, no ceremony, no expiry) as an access_tokens
 * row and, through the outbox, into the `laurel_access` KV bucket; admin grants of earlier tokens are
 * revoked in the same transaction, so a changed LAUREL_ADMIN_TOKEN ends the old one everywhere. Being an
 * outbox KV put like every other grant, it is put again when the JetStream store is found reset.
 */
@Injectable()
export class AdminGrant implements OnApplicationBootstrap {
  private readonly logger = contextLogger('AdminGrant');

  constructor(
    @Inject(NOMINATIONS_CONFIG) private readonly config: NominationsConfig,
    private readonly outbox: Outbox,
    private readonly bus: NatsBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const hash = hashToken(this.config.adminToken);
    const changed = await this.outbox.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [ADMIN_GRANT_LOCK]);
      const admins = await manager.find(AccessToken, { where: { role: 'admin', ceremonyId: IsNull() }, lock: { mode: 'pessimistic_write' } });
      // Rows whose grant changes: saved, and put into the KV bucket through the outbox.
      const changes: AccessToken[] = [];
      for (const stale of admins.filter((r) => r.tokenHash !== hash && r.revokedAt === null)) {
        stale.revokedAt = new Date();
        changes.push(stale);
      }
      let current = admins.find((r) => r.tokenHash === hash);
      if (current?.revokedAt) {
        // The token was set back to an earlier one: the environment decides.
        current.revokedAt = null;
        changes.push(current);
      }
      for (const row of changes) await manager.save(row);
      if (!current) {
        if (await manager.exists(AccessToken, { where: { tokenHash: hash } })) throw new Error('LAUREL_ADMIN_TOKEN is the same as an issued access token: choose another');
        current = Object.assign(new AccessToken(), { id: randomUUID(), ceremonyId: null, tokenHash: hash, role: 'admin' as const, jurorId: null, label: 'LAUREL_ADMIN_TOKEN', expiresAt: null, revokedAt: null });
        await manager.insert(AccessToken, current);
        changes.push(current);
      }
      for (const row of changes) await this.outbox.putKv(manager, KV_BUCKETS.access, row.tokenHash, grantOf(row), randomUUID(), null);
      return { current, revoked: changes.filter((r) => r.revokedAt !== null).length };
    });
    // Every boot puts the current grant directly as well: this service reports ready only once the admin
    // token resolves everywhere (the relay may not have started yet), and a store wiped while this service
    // was down (which the reconciler cannot tell from a first boot) gets it back too.
    const kv = await this.bus.kvm.open(KV_BUCKETS.access);
    await kv.put(changed.current.tokenHash, JSON.stringify(grantOf(changed.current)));
    const source = this.config.adminTokenSource;
    const from = source.kind === 'env' ? 'LAUREL_ADMIN_TOKEN' : `${source.generated ? 'a newly generated token kept in' : 'the token kept in'} ${source.path} (mode 0600)`;
    this.logger.log(`admin grant in place for ${from}${changed.revoked ? `; ${changed.revoked} earlier admin token(s) revoked` : ''}`);
  }
}
