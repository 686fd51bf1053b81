import { Module, type DynamicModule } from '@nestjs/common';
import { ceremonyRefsFrom, domainServiceBase } from '#messaging';
import { AccessController } from './access/access.controller.js';
import { AccessService } from './access/access.service.js';
import { AdminGrant } from './access/admin-grant.service.js';
import { CeremoniesController } from './ceremonies/ceremonies.controller.js';
import { CeremoniesService } from './ceremonies/ceremonies.service.js';
import { Ceremony } from './ceremonies/ceremony.entity.js';
import { NOMINATIONS_CONFIG, type NominationsConfig } from './config.js';
import { nominationsDataSource, SCHEMA } from './data-source.js';
import { EntriesController } from './entries/entries.controller.js';
import { EntriesService } from './entries/entries.service.js';
import { IntakeController } from './intake/intake.controller.js';
import { IntakeService } from './intake/intake.service.js';
import { ShortlistsController } from './shortlists/shortlists.controller.js';
import { ShortlistsHandler } from './shortlists/shortlists.handler.js';
import { ShortlistsService } from './shortlists/shortlists.service.js';

@Module({})
export class NominationsModule {
  static forRoot(config: NominationsConfig): DynamicModule {
    const base = domainServiceBase('nominations', SCHEMA, nominationsDataSource, config);
    return {
      module: NominationsModule,
      imports: base.imports,
      controllers: [...base.controllers, CeremoniesController, AccessController, EntriesController, IntakeController, ShortlistsController],
      providers: [{ provide: NOMINATIONS_CONFIG, useValue: config }, ceremonyRefsFrom(Ceremony), CeremoniesService, AccessService, AdminGrant, EntriesService, IntakeService, ShortlistsService, ShortlistsHandler],
    };
  }
}
