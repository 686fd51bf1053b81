import { Module, type DynamicModule } from '@nestjs/common';
import { ceremonyRefsFrom, domainServiceBase, type DomainServiceConfig } from '#messaging';
import { CeremoniesHandler } from './ceremonies/ceremonies.handler.js';
import { CeremoniesService } from './ceremonies/ceremonies.service.js';
import { CeremonyReadModel } from './ceremonies/ceremony-read-model.entity.js';
import { announcementsDataSource, SCHEMA } from './data-source.js';
import { EnvelopesHandler } from './envelopes/envelopes.handler.js';
import { RevealV2Controller } from './envelopes/reveal-v2.controller.js';
import { RevealV2Service } from './envelopes/reveal-v2.service.js';
import { ResultsController } from './results/results.controller.js';
import { ResultsService } from './results/results.service.js';
import { PresenterController } from './show/presenter.controller.js';
import { ShowController } from './show/show.controller.js';
import { ShowService } from './show/show.service.js';
import { ShowStore } from './show/show-store.js';
import { SnapshotReconciler } from './show/snapshot-reconciler.js';

@Module({})
export class AnnouncementsModule {
  static forRoot(config: DomainServiceConfig): DynamicModule {
    const base = domainServiceBase('announcements', SCHEMA, announcementsDataSource, config);
    return {
      module: AnnouncementsModule,
      imports: base.imports,
      controllers: [...base.controllers, ShowController, ResultsController, RevealV2Controller, PresenterController],
      providers: [
        ceremonyRefsFrom(CeremonyReadModel),
        CeremoniesService,
        ShowStore,
        ShowService,
        ResultsService,
        RevealV2Service,
        CeremoniesHandler,
        EnvelopesHandler,
        SnapshotReconciler,
      ],
    };
  }
}
