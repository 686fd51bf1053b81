import { Module, type DynamicModule } from '@nestjs/common';
import { ceremonyRefsFrom, domainServiceBase, type DomainServiceConfig } from '#messaging';
import { AuditController } from './audit/audit.controller.js';
import { AuditLog } from './audit/audit-log.service.js';
import { BallotsController } from './ballots/ballots.controller.js';
import { BallotsService } from './ballots/ballots.service.js';
import { juryDataSource, SCHEMA } from './data-source.js';
import { JurorsController } from './panels/jurors.controller.js';
import { JurorsService } from './panels/jurors.service.js';
import { PanelsHandler } from './panels/panels.handler.js';
import { PanelsService } from './panels/panels.service.js';
import { SealsController } from './seals/seals.controller.js';
import { SealsService } from './seals/seals.service.js';
import { ScreeningController } from './rounds/screening.controller.js';
import { ScreeningService } from './rounds/screening.service.js';
import { DeliberationController } from './deliberation/deliberation.controller.js';
import { DeliberationService } from './deliberation/deliberation.service.js';
import { RevealsHandler } from './tally/reveals.handler.js';
import { TallyController } from './tally/tally.controller.js';
import { TallyService } from './tally/tally.service.js';
import { VerdictsController } from './verdicts/verdicts.controller.js';
import { VerdictsService } from './verdicts/verdicts.service.js';
import { JuryCeremony } from './panels/panel.entities.js';

@Module({})
export class JuryModule {
  static forRoot(config: DomainServiceConfig): DynamicModule {
    const base = domainServiceBase('jury', SCHEMA, juryDataSource, config);
    return {
      module: JuryModule,
      imports: base.imports,
      controllers: [...base.controllers, JurorsController, BallotsController, VerdictsController, SealsController, AuditController, TallyController, ScreeningController, DeliberationController],
      providers: [ceremonyRefsFrom(JuryCeremony), PanelsService, JurorsService, BallotsService, VerdictsService, SealsService, AuditLog, PanelsHandler, TallyService, RevealsHandler, ScreeningService, DeliberationService],
    };
  }
}
