import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database for one test file; dropped afterwards. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const admin = testAdminUrl();
  const name = `laurel_test_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(admin);
  url.pathname = `/${name}`;
  assertTestDatabase(url.toString());
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
