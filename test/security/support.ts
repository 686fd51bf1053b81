/**
 * Shared pieces of the security suite: the gateway's route table read from the running Nest app,
 * a cast of callers (one token per role, plus revoked, unknown and another ceremony's), and a
 * checksum of every table of every service schema.
 */
import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import pg from 'pg';
import { STREAMS, type ImportCeremonyResult, type IssuedToken, type JurorView } from '#contracts';
import { NatsBus } from '#messaging';
import { OPS_ROUTE } from '#observability';
import { ROLES_KEY } from '../../apps/gateway/src/auth/roles.js';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import type { TestSystem } from '../support/system.js';

export interface Route {
  method: string;
  /** Express-style path with `:params`, no leading slash. */
  path: string;
  controller: string;
  handler: string;
  ops: boolean;
  roles: string[] | undefined;
}

function joinPath(a: string, b: string): string {
  return [a, b]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/');
}

/** Every route the gateway serves through a Nest controller, read from Nest's own metadata. */
export function discoverRoutes(app: INestApplication): Route[] {
  const modules = app.get(ModulesContainer);
  const scanner = new MetadataScanner();
  const routes: Route[] = [];
  const seen = new Set<unknown>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const metatype = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!metatype || seen.has(metatype)) continue;
      seen.add(metatype);
      const base = ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined) ?? '');
      const ops = Reflect.getMetadata(OPS_ROUTE, metatype) === true;
      for (const name of scanner.getAllMethodNames(metatype.prototype)) {
        const fn = (metatype.prototype as Record<string, unknown>)[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const roles = (Reflect.getMetadata(ROLES_KEY, fn) ?? Reflect.getMetadata(ROLES_KEY, metatype)) as string[] | undefined;
        for (const b of base) for (const p of ([] as string[]).concat(paths)) routes.push({ method: RequestMethod[method], path: joinPath(b, p), controller: metatype.name, handler: name, ops, roles });
      }
    }
  }
  return routes.sort((x, y) => `${x.path} ${x.method}`.localeCompare(`${y.path} ${y.method}`));
}

export const routeKey = (r: { method: string; path: string }) => `${r.method} /${r.path}`;

export const CALLERS = ['admin', 'producer', 'juror', 'otherPanelJuror', 'chair', 'press', 'screen', 'public', 'revoked', 'unknown', 'otherCeremony'] as const;
export type Caller = (typeof CALLERS)[number];

export interface Cast {
  imported: ImportCeremonyResult;
  other: ImportCeremonyResult;
  /** Category whose panel is `juror` + `chair`. */
  catA: string;
  /** Category whose panel is `otherPanelJuror`. */
  catB: string;
  jurors: { juror: string; chair: string; otherPanelJuror: string };
  tokens: Record<Caller, string | undefined>;
  issued: Record<string, IssuedToken>;
}

async function must<T>(p: Promise<{ status: number; body: T; text: string }>, expected: number, what: string): Promise<T> {
  const res = await p;
  if (res.status !== expected) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

/** Imports the 2017 ceremony (and a copy under another slug) and issues a token for every caller. */
export async function setUpCast(system: TestSystem, options: { catA?: string; catB?: string } = {}): Promise<Cast> {
  const admin = system.adminToken;
  const imported = await must(system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: admin, body: ceremony2017() }), 201, 'import 2017');
  const file = ceremony2017() as { ceremony: Record<string, unknown> };
  file.ceremony = { ...file.ceremony, slug: 'security-other-ceremony', name: 'En annan gala' };
  const other = await must(system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: admin, body: file }), 201, 'import another ceremony');
  const base = `/api/v1/ceremonies/${imported.slug}`;
  const catA = options.catA ?? 'sveapriset';
  const catB = options.catB ?? 'sveriges-digitaliseringskommun';
  // The jury learns of a ceremony from nomination events: retry until its read model has it.
  const add = (cat: string, name: string, chair: boolean) =>
    eventually(() => must(system.http<{ id: string }>('POST', `${base}/categories/${cat}/jurors`, { token: admin, body: { name, affiliation: 'Testjury', chair } }), 201, `add ${name}`), { timeoutMs: 15000 });
  const chair = (await add(catA, 'Ordförande A', true)).id;
  const juror = (await add(catA, 'Jurymedlem A', false)).id;
  await add(catA, 'Jurymedlem A2', false);
  const otherPanelJuror = (await add(catB, 'Jurymedlem B', false)).id;
  const issue = (ref: string, body: Record<string, unknown>) => must(system.http<IssuedToken>('POST', `/api/v1/ceremonies/${ref}/tokens`, { token: admin, body }), 201, `issue ${JSON.stringify(body)}`);
  const issued: Record<string, IssuedToken> = {
    producer: await issue(imported.slug, { role: 'producer' }),
    press: await issue(imported.slug, { role: 'press' }),
    screen: await issue(imported.slug, { role: 'screen' }),
    juror: await issue(imported.slug, { role: 'juror', jurorId: juror }),
    chair: await issue(imported.slug, { role: 'juror', jurorId: chair }),
    otherPanelJuror: await issue(imported.slug, { role: 'juror', jurorId: otherPanelJuror }),
    revoked: await issue(imported.slug, { role: 'producer', label: 'to be revoked' }),
    otherCeremony: await issue(other.slug, { role: 'producer' }),
  };
  await must(system.http('DELETE', `${base}/tokens/${issued.revoked.id}`, { token: admin }), 200, 'revoke');
  const tokens: Record<Caller, string | undefined> = {
    admin,
    producer: issued.producer.token,
    juror: issued.juror.token,
    otherPanelJuror: issued.otherPanelJuror.token,
    chair: issued.chair.token,
    press: issued.press.token,
    screen: issued.screen.token,
    public: undefined,
    revoked: issued.revoked.token,
    unknown: 'lrl_producer_this-token-was-never-issued-0000000000',
    otherCeremony: issued.otherCeremony.token,
  };
  // Grants reach the gateway through a KV bucket: wait until it holds them all (and the revocation).
  await eventually(async () => {
    expect((await system.http('GET', `${base}/me`, { token: tokens.juror })).status).toBe(200);
    expect((await system.http('GET', `${base}/me`, { token: tokens.chair })).status).toBe(200);
    expect((await system.http('GET', `${base}/me`, { token: tokens.otherPanelJuror })).status).toBe(200);
    expect((await system.http('GET', `${base}/show`, { token: tokens.producer })).status).toBe(200);
    expect((await system.http('GET', `${base}/show`, { token: tokens.revoked })).status).toBe(401);
    expect((await system.http('GET', `/api/v1/ceremonies/${other.slug}/show`, { token: tokens.otherCeremony })).status).toBe(200);
  }, { timeoutMs: 15000 });
  return { imported, other, catA, catB, jurors: { juror, chair, otherPanelJuror }, tokens, issued };
}

export async function jurorsOf(system: TestSystem, slug: string): Promise<JurorView[]> {
  return must(system.http<JurorView[]>('GET', `/api/v1/ceremonies/${slug}/jurors`, { token: system.adminToken }), 200, 'jurors');
}

/** Row count and an md5 of the ordered rows of every table in the service schemas (not the outbox relay's bookkeeping). */
export async function databaseFingerprint(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ schemaname: string; tablename: string }>(
      `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema','public') ORDER BY 1, 2`,
    );
    const out: Record<string, string> = {};
    for (const { schemaname, tablename } of tables.rows) {
      const name = `"${schemaname}"."${tablename}"`;
      const r = await client.query<{ n: string; sum: string | null }>(`SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum FROM ${name} t`);
      out[`${schemaname}.${tablename}`] = `${r.rows[0].n}:${r.rows[0].sum ?? '-'}`;
    }
    return out;
  } finally {
    await client.end();
  }
}

/**
 * Throws unless nothing is in flight: every service's outbox is sent and every durable consumer has
 * nothing pending or unacknowledged. Then no event can still change a table: the fact a fingerprint waits for.
 */
export async function expectQuiescent(system: TestSystem): Promise<void> {
  for (const schema of ['nominations', 'jury', 'announcements']) {
    const [{ n }] = await sql<{ n: number }>(system.db.url, `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE published_at IS NULL`);
    if (n !== 0) throw new Error(`${schema}: ${n} outbox rows not sent yet`);
  }
  const jsm = system.apps.nominations!.get(NatsBus).jsm;
  for (const stream of Object.values(STREAMS)) {
    for await (const info of jsm.consumers.list(stream.name)) {
      if (!info.config.durable_name) continue;
      if (info.num_pending + info.num_ack_pending !== 0) throw new Error(`${stream.name}/${info.name}: ${info.num_pending} pending, ${info.num_ack_pending} unacknowledged`);
    }
  }
}

export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
