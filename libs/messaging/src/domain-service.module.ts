import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { HealthModule, MetricsController } from '#observability';
import { migrate } from '#persistence';
import { natsAuthOf, type DomainServiceConfig } from './bootstrap.js';
import { MessagingModule } from './messaging.module.js';
import { NatsBus } from './nats-bus.js';
import { writesStatusController } from './writes-status.js';

/**
 * What every domain service is built on: its data source (migrated at boot, in its own schema), the
 * JetStream messaging (outbox relay, durable consumers), readiness checks of NATS and the database,
 * and /metrics. A service module adds its own controllers and providers.
 */
export function domainServiceBase(
  service: string,
  schema: string,
  dataSourceOptions: (url: string) => DataSourceOptions,
  config: DomainServiceConfig,
): Required<Pick<DynamicModule, 'imports' | 'controllers'>> {
  return {
    imports: [
      TypeOrmModule.forRootAsync({
        useFactory: () => dataSourceOptions(config.databaseUrl),
        dataSourceFactory: async (options) => {
          const dataSource = await new DataSource(options!).initialize();
          await migrate(dataSource, schema);
          return dataSource;
        },
      }),
      MessagingModule.forService({ service, natsUrl: config.natsUrl, replicas: config.replicas, natsAuth: natsAuthOf(service, config), serviceTokens: config.serviceTokens }),
      HealthModule.register({
        inject: [NatsBus, DataSource],
        useFactory: (bus: NatsBus, ds: DataSource) => [
          { name: 'nats', check: () => bus.ping() },
          { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
        ],
      }),
    ],
    controllers: [MetricsController, writesStatusController(service)],
  };
}
