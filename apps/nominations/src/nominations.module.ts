import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessagingModule, NatsBus, natsAuthOf, type DomainServiceConfig } from '#messaging';
import { HealthModule, MetricsController } from '#observability';
import { migrate } from '#persistence';
import { AccessController } from './access/access.controller.js';
import { AccessService } from './access/access.service.js';
import { CeremoniesController } from './ceremonies/ceremonies.controller.js';
import { CeremoniesService } from './ceremonies/ceremonies.service.js';
import { nominationsDataSource, SCHEMA } from './data-source.js';
import { EntriesController } from './entries/entries.controller.js';
import { EntriesService } from './entries/entries.service.js';
import { ShortlistsController } from './shortlists/shortlists.controller.js';
import { ShortlistsService } from './shortlists/shortlists.service.js';

@Module({})
export class NominationsModule {
  static forRoot(config: DomainServiceConfig): DynamicModule {
    return {
      module: NominationsModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => nominationsDataSource(config.databaseUrl),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await migrate(dataSource, SCHEMA);
            return dataSource;
          },
        }),
        MessagingModule.forService({ service: 'nominations', natsUrl: config.natsUrl, replicas: config.replicas, natsAuth: natsAuthOf('nominations', config) }),
        HealthModule.register({
          inject: [NatsBus, DataSource],
          useFactory: (bus: NatsBus, ds: DataSource) => [
            { name: 'nats', check: () => bus.ping() },
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
          ],
        }),
      ],
      controllers: [CeremoniesController, AccessController, EntriesController, ShortlistsController, MetricsController],
      providers: [CeremoniesService, AccessService, EntriesService, ShortlistsService],
    };
  }
}
