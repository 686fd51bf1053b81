import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessagingModule, NatsBus, natsAuthOf, type DomainServiceConfig } from '#messaging';
import { HealthModule, MetricsController } from '#observability';
import { migrate } from '#persistence';
import { CeremoniesHandler } from './ceremonies/ceremonies.handler.js';
import { CuesController } from './cues/cues.controller.js';
import { CuesService } from './cues/cues.service.js';
import { announcementsDataSource, SCHEMA } from './data-source.js';
import { EnvelopesHandler } from './envelopes/envelopes.handler.js';
import { SnapshotReconciler } from './show/snapshot-reconciler.js';

@Module({})
export class AnnouncementsModule {
  static forRoot(config: DomainServiceConfig): DynamicModule {
    return {
      module: AnnouncementsModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => announcementsDataSource(config.databaseUrl),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await migrate(dataSource, SCHEMA);
            return dataSource;
          },
        }),
        MessagingModule.forService({ service: 'announcements', natsUrl: config.natsUrl, replicas: config.replicas, natsAuth: natsAuthOf('announcements', config) }),
        HealthModule.register({
          inject: [NatsBus, DataSource],
          useFactory: (bus: NatsBus, ds: DataSource) => [
            { name: 'nats', check: () => bus.ping() },
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
          ],
        }),
      ],
      controllers: [CuesController, MetricsController],
      providers: [CuesService, CeremoniesHandler, EnvelopesHandler, SnapshotReconciler],
    };
  }
}
