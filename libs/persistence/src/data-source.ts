import pg from 'pg';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

/**
 * A pooled Postgres connection that always has an 'error' listener. node-postgres emits 'error' on a client
 * whose backend dies while no query runs on it (the postmaster killed, a terminated backend); the pool listens
 * only while the client is idle and TypeORM not at all while a query runner holds it, so that event would go
 * unhandled and crash the whole service. Nothing is lost by listening: a query in flight fails with the same
 * error (answered as a retryable 503), and the pool drops the dead client when it is released.
 */
export class GuardedPgClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

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

/**
 * Server-side limits every connection of a service sets (node-postgres sends them at connect). A statement
 * that runs longer, or waits longer for a row lock, is cancelled by Postgres itself (57014 / 55P03) and the
 * command answers a retryable 503 instead of holding a pool connection and its locks for as long as the
 * caller waits; a transaction left open by a stuck process is ended the same way. Generous against the
 * milliseconds a cue or a lock takes; overridable per process for a long data migration.
 */
export const DB_TIMEOUTS = {
  statementTimeoutMs: Number(process.env.DB_STATEMENT_TIMEOUT_MS ?? 15_000),
  lockTimeoutMs: Number(process.env.DB_LOCK_TIMEOUT_MS ?? 10_000),
  idleInTransactionTimeoutMs: Number(process.env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? 30_000),
};

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
    extra: {
      Client: GuardedPgClient,
      max: config.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      statement_timeout: DB_TIMEOUTS.statementTimeoutMs,
      lock_timeout: DB_TIMEOUTS.lockTimeoutMs,
      idle_in_transaction_session_timeout: DB_TIMEOUTS.idleInTransactionTimeoutMs,
    },
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
    // A replica waits for another's migrations as long as they take (not the pool's lock_timeout).
    await runner.query('SET lock_timeout = 0');
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`laurel-migrate-${schema}`]);
    // Each service's role owns its schema (created for it by the launcher, compose or the test helpers) and
    // has no CREATE on the database, which even CREATE SCHEMA IF NOT EXISTS checks first: create only if missing.
    const found = (await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])) as unknown[];
    if (found.length === 0) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`laurel-migrate-${schema}`]).catch(() => undefined);
    await runner.query('RESET lock_timeout').catch(() => undefined);
    await runner.release();
  }
}

/** SQL that would bring the database in line with the entities; empty when migrations and entities agree. */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
