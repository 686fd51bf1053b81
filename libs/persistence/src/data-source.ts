import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface ServiceDataSourceConfig {
  /** The service's own Postgres schema: no service reads another's tables. */
  schema: string;
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

/** One TypeORM data source per service, in its own schema. Migrations only, never `synchronize`. */
export function serviceDataSourceOptions(config: ServiceDataSourceConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    entities: config.entities,
    migrations: config.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    applicationName: `laurel-${config.schema}`,
    extra: { max: config.poolSize ?? 10, connectionTimeoutMillis: 5000 },
    logging: ['error'],
  };
}

/**
 * Creates the schema when it is missing and runs pending migrations under a Postgres advisory lock, so two
 * replicas booting together do not migrate twice.
 */
export async function migrate(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`laurel-migrate-${schema}`]);
    // Each service's role owns its schema (created for it by the launcher, compose or the test helpers) and
    // has no CREATE on the database, which even CREATE SCHEMA IF NOT EXISTS checks first: create only if missing.
    const found = (await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])) as unknown[];
    if (found.length === 0) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`laurel-migrate-${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/** SQL that would bring the database in line with the entities; empty when migrations and entities agree. */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
