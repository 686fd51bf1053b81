import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { provisionServiceRoles, SERVICE_SCHEMAS, urlAs, type ServiceRole, type ServiceSchema } from './service-roles.js';

/** Admin connection the test helpers create databases with. */
export function testAdminUrl(): string {
  return process.env.LAUREL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** Refuses any database whose name does not say test: tests drop what they create. */
export function assertTestDatabase(url: string): void {
  const name = databaseName(url);
  if (!/test/i.test(name)) throw new Error(`Refusing to use database "${name}" for tests: its name must say "test"`);
}

export interface TestDatabase {
  /** The admin (superuser) connection to this database: for tests that look behind the services' backs. */
  url: string;
  name: string;
  /** Each domain service's own connection: its role owns its schema and nothing else. */
  serviceUrls: Record<ServiceSchema, string>;
  drop(): Promise<void>;
}

const TEST_PREFIX = 'laurel_test_';
/** Longest service name: role names are `<database>_<service>` and Postgres keeps 63 bytes of a name. */
const LONGEST_SUFFIX = Math.max(...SERVICE_SCHEMAS.map((s) => s.length)) + 1;
const LABEL_MAX = 63 - LONGEST_SUFFIX - TEST_PREFIX.length - 9;

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(testAdminUrl());
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, uniquely named database for one test file, with one role per domain service (`<database>_<service>`,
 * owner of its schema, a random password): roles are cluster-wide, and the random database name keeps test
 * files running side by side apart. Dropped afterwards, roles included.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const safe = label.replace(/[^a-z0-9_]/gi, '_').toLowerCase().slice(0, LABEL_MAX);
  const name = `${TEST_PREFIX}${safe}_${randomBytes(4).toString('hex')}`;
  const url = new URL(testAdminUrl());
  url.pathname = `/${name}`;
  assertTestDatabase(url.toString());
  const roles: ServiceRole[] = SERVICE_SCHEMAS.map((schema) => ({ schema, role: `${name}_${schema}`, password: randomBytes(18).toString('base64url') }));
  const dropRoles = async (client: pg.Client, names: string[]) => {
    // One at a time (one connection); a role another run drops meanwhile is fine.
    for (const r of names) await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(r)}`).catch(() => undefined);
  };
  await withAdmin(async (client) => {
    await sweepOrphanRoles(client, dropRoles);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  try {
    await withAdmin((client) => provisionServiceRoles(client, roles, { exclusive: true }), name);
  } catch (error) {
    await withAdmin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropRoles(client, roles.map((r) => r.role));
    });
    throw new Error(`cannot give the test database its per-service roles (the test admin connection needs CREATEROLE): ${(error as Error).message}`, { cause: error });
  }
  return {
    url: url.toString(),
    name,
    serviceUrls: Object.fromEntries(roles.map((r) => [r.schema, urlAs(url.toString(), r.role, r.password)])) as Record<ServiceSchema, string>,
    async drop() {
      await withAdmin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await dropRoles(client, roles.map((r) => r.role));
      });
    },
  };
}

/** Roles of test databases that no longer exist (a test run killed before its drop), so they do not pile up. */
async function sweepOrphanRoles(client: pg.Client, dropRoles: (client: pg.Client, names: string[]) => Promise<unknown>): Promise<void> {
  const suffixes = SERVICE_SCHEMAS.map((s) => `_${s}`);
  const { rows } = await client.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles r WHERE rolname LIKE 'laurel\\_test\\_%' AND NOT rolsuper
        AND NOT EXISTS (SELECT 1 FROM pg_database d WHERE r.rolname = d.datname || '_' || split_part(r.rolname, '_', array_length(string_to_array(r.rolname, '_'), 1)))`,
  );
  const orphans = rows.map((r) => r.rolname).filter((r) => suffixes.some((s) => r.endsWith(s)));
  // A role is created only after its database, so a role without one is left over, never in the making.
  if (orphans.length) await dropRoles(client, orphans);
}
