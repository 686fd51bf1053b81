import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LaurelError } from '#contracts';
import { CeremonyReadModel } from './ceremony-read-model.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A ceremony reference is its id (a UUID) or its slug. */
export function isCeremonyId(ref: string): boolean {
  return UUID.test(ref);
}

export function noCeremony(ref: string): LaurelError {
  return LaurelError.notFound(`no ceremony "${ref}" in the run of show (not imported yet?)`);
}

/** The ceremonies as announcements knows them (the read model of `ceremony.imported`). */
@Injectable()
export class CeremoniesService {
  constructor(private readonly dataSource: DataSource) {}

  async findCeremony(ref: string): Promise<CeremonyReadModel> {
    const row = await this.dataSource.manager.findOne(CeremonyReadModel, { where: isCeremonyId(ref) ? { id: ref } : { slug: ref } });
    if (!row) throw noCeremony(ref);
    return row;
  }
}
