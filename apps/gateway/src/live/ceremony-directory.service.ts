import { Inject, Injectable } from '@nestjs/common';
import { contextLogger } from '#observability';
import { LaurelError, serviceCredential } from '#contracts';
import { ServiceClient } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ceremony slug ↔ id, learned from events and snapshots; asks a service only on a miss. */
@Injectable()
export class CeremonyDirectory {
  private readonly bySlug = new Map<string, string>();
  private readonly slugs = new Map<string, string>();
  private readonly logger = contextLogger('CeremonyDirectory');

  constructor(
    private readonly services: ServiceClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  learn(id: string, slug: string): void {
    this.bySlug.set(slug, id);
    this.slugs.set(id, slug);
  }

  known(id: string): boolean {
    return this.slugs.has(id);
  }

  slugOf(id: string): string | undefined {
    return this.slugs.get(id);
  }

  /** The ceremony id for an id or slug; 404 when no service knows it. */
  async resolve(ref: string): Promise<string> {
    const cached = UUID.test(ref) ? (this.slugs.has(ref) ? ref : undefined) : this.bySlug.get(ref);
    if (cached) return cached;
    let id: string;
    let slug: string;
    try {
      // The gateway's own lookup, as its service identity (SERVICE_GRANTS.gateway), never a user's token.
      const snapshot = await this.services.request('announcements.show.snapshot', { ceremony: ref }, { credential: serviceCredential(this.config.serviceToken), timeoutMs: 3000 });
      id = snapshot.ceremonyId;
      slug = snapshot.scene?.data.ceremony.slug ?? ref;
    } catch (error) {
      if (error instanceof LaurelError && (error.statusCode === 401 || error.statusCode === 403)) {
        // A deployment whose gateway and announcements disagree on the service token: say so, and carry on.
        this.logger.error(`announcements refused the gateway's service identity (${error.message}): LAUREL_GATEWAY_SERVICE_TOKEN must be the same for both`);
      } else if (error instanceof LaurelError && error.statusCode !== 404 && error.statusCode !== 503) throw error;
      // A public query: no credential.
      const view = await this.services.request('nominations.ceremony.get', { ceremony: ref }, { credential: null });
      id = view.ceremony.id;
      slug = view.ceremony.slug;
    }
    this.learn(id, slug);
    return id;
  }
}
