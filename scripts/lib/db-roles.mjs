// @ts-check
// Per-service database roles for `laurel run`: each domain service connects as its own role that owns only
// its schema. The role logic itself is libs/persistence/src/service-roles.ts (the one the test helpers use),
// loaded from dist/ (the launcher builds before it starts Postgres).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { ROOT, STATE_DIR, warn } from './util.mjs';

export const DB_SERVICES = ['nominations', 'jury', 'announcements', 'vote'];
const PASSWORDS_FILE = path.join(STATE_DIR, 'db-roles.json');

/** NOMINATIONS_DATABASE_URL, JURY_DATABASE_URL, ANNOUNCEMENTS_DATABASE_URL: a service's own URL, given by hand. */
export const serviceUrlVariable = (service) => `${service.toUpperCase()}_DATABASE_URL`;

async function serviceRolesModule() {
  const file = path.join(ROOT, 'dist', 'libs', 'persistence', 'src', 'service-roles.js');
  if (!fs.existsSync(file)) return null;
  return import(pathToFileURL(file).href);
}

/** The role passwords the launcher chose, kept (0600) so a restart keeps the services' URLs. */
function rolePassword(role) {
  let known = {};
  try {
    known = JSON.parse(fs.readFileSync(PASSWORDS_FILE, 'utf8'));
  } catch {
    // first run
  }
  if (!known[role]) {
    known[role] = randomBytes(18).toString('base64url');
    fs.mkdirSync(STATE_DIR, { recursive: true });
    fs.writeFileSync(PASSWORDS_FILE, `${JSON.stringify(known, null, 2)}\n`, { mode: 0o600 });
  }
  return known[role];
}

/**
 * Each domain service's DATABASE_URL. In order:
 *   1. `<SERVICE>_DATABASE_URL` when set (an operator's own roles);
 *   2. otherwise a role `<database>_<service>` the launcher creates with `adminUrl` when it may (the embedded
 *      PostgreSQL, or a DATABASE_URL whose role is a superuser, or has CREATEROLE and CREATE on the database);
 *   3. otherwise `adminUrl` itself, with a warning: the services then share one role.
 * Returns { urls, roles: [names] | null, shared: [services on adminUrl] }.
 */
export async function serviceDatabaseUrls(adminUrl, { exclusive = false } = {}) {
  const urls = {};
  for (const service of DB_SERVICES) if (process.env[serviceUrlVariable(service)]) urls[service] = process.env[serviceUrlVariable(service)];
  const missing = DB_SERVICES.filter((s) => !urls[s]);
  if (!missing.length) return { urls, roles: null, shared: [] };

  const roles = await serviceRolesModule();
  let may = false;
  if (roles) {
    const caps = await roles.roleCapabilities(adminUrl);
    may = caps.superuser || (caps.createRole && caps.createInDatabase);
  }
  if (!roles || !may) {
    warn(
      `${missing.join(', ')} share the role of DATABASE_URL: it may not create roles${roles ? '' : ' (or dist/ is not built)'}. ` +
        `Give each its own with ${missing.map(serviceUrlVariable).join(', ')} (see README, "Database roles").`,
    );
    for (const s of missing) urls[s] = adminUrl;
    return { urls, roles: null, shared: missing };
  }
  const database = decodeURIComponent(new URL(adminUrl).pathname.slice(1)) || 'postgres';
  const wanted = missing.map((schema) => {
    const role = `${database.slice(0, 63 - schema.length - 1)}_${schema}`;
    return { schema, role, password: rolePassword(role) };
  });
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await roles.provisionServiceRoles(client, wanted, { exclusive });
  } finally {
    await client.end();
  }
  for (const r of wanted) urls[r.schema] = roles.urlAs(adminUrl, r.role, r.password);
  return { urls, roles: wanted.map((r) => r.role), shared: [] };
}
