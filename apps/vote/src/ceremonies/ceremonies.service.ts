import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainRefusal } from '#contracts';
import { VoteCategory, VoteCeremony } from './vote-ceremony.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resolves `:c` and `:cat` (id or slug) against the vote's read model. */
@Injectable()
export class CeremoniesService {
  constructor(private readonly dataSource: DataSource) {}

  async ceremony(ref: string, manager: EntityManager = this.dataSource.manager): Promise<VoteCeremony> {
    const found = await manager.findOne(VoteCeremony, { where: UUID.test(ref) ? { id: ref } : { slug: ref } });
    if (!found) throw new DomainRefusal('not-found', 'unknown ceremony', `no ceremony ${ref}`);
    return found;
  }

  async category(ceremonyRef: string, ref: string, manager: EntityManager = this.dataSource.manager): Promise<{ ceremony: VoteCeremony; category: VoteCategory }> {
    const ceremony = await this.ceremony(ceremonyRef, manager);
    const category = await manager.findOne(VoteCategory, { where: UUID.test(ref) ? { id: ref, ceremonyId: ceremony.id } : { slug: ref, ceremonyId: ceremony.id } });
    if (!category) throw new DomainRefusal('not-found', 'unknown category', `no category ${ref} in ${ceremony.slug}`);
    return { ceremony, category };
  }

  /** A category the audience votes in; a jury-only category has no vote. */
  async votingCategory(ceremonyRef: string, ref: string, manager?: EntityManager): Promise<{ ceremony: VoteCeremony; category: VoteCategory }> {
    const found = await this.category(ceremonyRef, ref, manager);
    if (!found.category.vote) throw new DomainRefusal('invalid', 'no audience vote', `${found.category.name} is decided by its jury: it has no audience vote`, [{ path: 'category', message: 'has no audience vote' }]);
    return found;
  }
}
