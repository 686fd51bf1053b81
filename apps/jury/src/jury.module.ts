import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessagingModule, NatsBus, natsAuthOf, type DomainServiceConfig } from '#messaging';
import { HealthModule, MetricsController } from '#observability';
import { migrate } from '#persistence';
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
import { VerdictsController } from './verdicts/verdicts.controller.js';
import { VerdictsService } from './verdicts/verdicts.service.js';

@Module({})
export class JuryModule {
  static forRoot(config: DomainServiceConfig): DynamicModule {
    return {
      module: JuryModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => juryDataSource(config.databaseUrl),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await migrate(dataSource, SCHEMA);
            return dataSource;
          },
        }),
        MessagingModule.forService({ service: 'jury', natsUrl: config.natsUrl, replicas: config.replicas, natsAuth: natsAuthOf('jury', config) }),
        HealthModule.register({
          inject: [NatsBus, DataSource],
          useFactory: (bus: NatsBus, ds: DataSource) => [
            { name: 'nats', check: () => bus.ping() },
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
          ],
        }),
      ],
      controllers: [JurorsController, BallotsController, VerdictsController, SealsController, AuditController, MetricsController],
      providers: [PanelsService, JurorsService, BallotsService, VerdictsService, SealsService, AuditLog, PanelsHandler],
    };
  }
}
