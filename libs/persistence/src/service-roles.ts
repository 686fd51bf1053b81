import pg from 'pg';

/** The domain services with a schema of their own; each connects as its own role that owns only it. */
export const SERVICE_SCHEMAS = ['nominations', 'jury', 'announcements', 'vote'] as const;
export type ServiceSchema = (typeof SERVICE_SCHEMAS)[number];

export interface ServiceRole {
  schema: ServiceSchema;
  role: string;
  password: string;
}

export interface ProvisionOptions {
  /**
   * The database is Laurel's alone (embedded, compose, test databases): revoke CONNECT and TEMPORARY from
   * PUBLIC, so a role of another database in the cluster (or another test file's) cannot even connect.
   */
  exclusive?: boolean;
}

/**
 * Creates (or updates) one LOGIN role per service and makes it the owner of its schema, and of everything
 * already in it (a database created before per-service roles). Nothing else: no CREATE on the database, no
 * access to the other schemas, not a superuser. Run it connected to the target database as a superuser or a
 * role with CREATEROLE and CREATE on the database. Idempotent.
 */
export async function provisionServiceRoles(client: pg.Client, roles: readonly ServiceRole[], options: ProvisionOptions = {}): Promise<void> {
  const id = (name: string) => client.escapeIdentifier(name);
  const { rows } = await client.query<{ database: string; superuser: boolean }>(
    'SELECT current_database() AS database, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser',
  );
  const { database, superuser } = rows[0];
  for (const { schema, role, password } of roles) {
    const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount;
    const attributes = `LOGIN PASSWORD ${client.escapeLiteral(password)} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`;
    await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${id(role)} WITH ${attributes}`);
    // A CREATEROLE provisioner (not a superuser) may hand a schema to a role only while it is a member of it.
    if (!superuser) await client.query(`GRANT ${id(role)} TO current_user`);
    await client.query(`GRANT CONNECT ON DATABASE ${id(database)} TO ${id(role)}`);
    const owner = (await client.query<{ owner: string }>('SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1', [schema])).rows[0]?.owner;
    if (owner === undefined) {
      await client.query(`CREATE SCHEMA ${id(schema)} AUTHORIZATION ${id(role)}`);
    } else {
      if (owner !== role) await client.query(`ALTER SCHEMA ${id(schema)} OWNER TO ${id(role)}`);
      await reassignSchemaObjects(client, schema, role);
    }
  }
  // Before PostgreSQL 15 every role may create objects in `public`; none of ours needs to (only its owner may revoke it).
  if (superuser) await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  if (options.exclusive) await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${id(database)} FROM PUBLIC`);
}

/** Tables (with their indexes and serial sequences), views and functions of a schema made before its role existed. */
async function reassignSchemaObjects(client: pg.Client, schema: string, role: string): Promise<void> {
  const id = (name: string) => client.escapeIdentifier(name);
  const relations = await client.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> $2`,
    [schema, role],
  );
  for (const { name, kind } of relations.rows) {
    const what = kind === 'v' ? 'VIEW' : kind === 'm' ? 'MATERIALIZED VIEW' : 'TABLE';
    await client.query(`ALTER ${what} ${id(schema)}.${id(name)} OWNER TO ${id(role)}`);
  }
  const functions = await client.query<{ signature: string }>(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2`,
    [schema, role],
  );
  for (const { signature } of functions.rows) await client.query(`ALTER FUNCTION ${signature} OWNER TO ${id(role)}`);
}

/** `url` with another user and password (host, port, database and parameters kept). */
export function urlAs(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** What the connecting role of `url` may do about roles: provision them, or not. */
export async function roleCapabilities(url: string): Promise<{ user: string; superuser: boolean; createRole: boolean; createInDatabase: boolean }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ user: string; superuser: boolean; createrole: boolean; create: boolean }>(
      `SELECT current_user AS user, r.rolsuper AS superuser, r.rolcreaterole AS createrole, has_database_privilege(current_database(), 'CREATE') AS create
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const r = rows[0];
    return { user: r.user, superuser: r.superuser, createRole: r.createrole, createInDatabase: r.create };
  } finally {
    await client.end();
  }
}
