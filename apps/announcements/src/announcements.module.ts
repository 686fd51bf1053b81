import { Module, type DynamicModule } from '@nestjs/common';
import { ceremonyRefsFrom, domainServiceBase, type DomainServiceConfig } from '#messaging';
import { CeremoniesHandler } from './ceremonies/ceremonies.handler.js';
import { CuesController } from './cues/cues.controller.js';
import { CuesService } from './cues/cues.service.js';
import { PresenterController } from './presenter/presenter.controller.js';
import { announcementsDataSource, SCHEMA } from './data-source.js';
import { EnvelopesHandler } from './envelopes/envelopes.handler.js';
import { RevealV2Controller } from './envelopes/reveal-v2.controller.js';
import { RevealV2Service } from './envelopes/reveal-v2.service.js';
import { SnapshotReconciler } from './show/snapshot-reconciler.js';
import { CeremonyReadModel } from './ceremonies/ceremony-read-model.entity.js';

@Module({})
export class AnnouncementsModule {
  static forRoot(config: DomainServiceConfig): DynamicModule {
    const base = domainServiceBase('announcements', SCHEMA, announcementsDataSource, config);
    return {
      module: AnnouncementsModule,
      imports: base.imports,
      controllers: [...base.controllers, CuesController, RevealV2Controller, PresenterController],
      providers: [ceremonyRefsFrom(CeremonyReadModel), CuesService, RevealV2Service, CeremoniesHandler, EnvelopesHandler, SnapshotReconciler],
    };
  }
}
