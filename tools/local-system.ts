import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { domainConfig, DomainServiceEnv, startDomainService } from '#messaging';
import { loadEnv } from '#observability';
import { createTestDatabase, type TestDatabase } from '#persistence';
import { AnnouncementsModule } from '../apps/announcements/src/announcements.module.js';
import { announcementsConfig, AnnouncementsEnv } from '../apps/announcements/src/config.js';
import { gatewayConfig, startGateway } from '../apps/gateway/src/bootstrap.js';
import { GatewayEnv } from '../apps/gateway/src/config.js';
import { JuryModule } from '../apps/jury/src/jury.module.js';
import { VoteModule } from '../apps/vote/src/vote.module.js';
import { nominationsConfig, NominationsEnv } from '../apps/nominations/src/config.js';
import { NominationsModule } from '../apps/nominations/src/nominations.module.js';
import { startNatsServer, type LocalNatsCluster as TestNatsCluster, type LocalNatsServer as TestNatsServer, type NatsDeployConfig } from '../scripts/lib/infra/nats.mjs';

export type ServiceName = 'nominations' | 'jury' | 'announcements' | 'vote' | 'gateway';
export const ALL_SERVICES: ServiceName[] = ['nominations', 'jury', 'announcements', 'vote', 'gateway'];

/** Held by nominations only (it writes the admin grant); the gateway resolves it from the access KV like any token. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** The gateway's service identity, shared by the gateway and announcements. */
export const TEST_SERVICE_TOKEN = 'test-gateway-service-token-0123456789';

/** The built pages (`npm run build:web`): gatewayConfig looks beside the compiled gateway, not the sources jest runs. */
const webDist = join(dirname(fileURLToPath(import.meta.url)), '../dist/web');
export const TEST_WEB_DIST = existsSync(join(webDist, 'index.html')) ? webDist : undefined;


/** A gateway started beside the system's own (gateways are stateless and run N-wide). */
export interface ExtraGateway {
  url: string;
  app: INestApplication;
  stop(): Promise<void>;
}

export interface TestSystem<Nats = TestNatsServer> {
  /** The test's nats-server (or the cluster the caller passed as `natsCluster`). */
  nats: Nats;
  /** NATS_URL the domain services were given (comma-separated on a cluster). */
  natsUrl: string;
  db: TestDatabase;
  gatewayUrl: string;
  adminToken: string;
  apps: Partial<Record<ServiceName, INestApplication>>;
  /** Starts a service (again); `env` adds to or (with undefined) removes from its environment, e.g. another LAUREL_ADMIN_TOKEN. */
  start(name: ServiceName, env?: Record<string, string | undefined>): Promise<INestApplication>;
  stop(name: ServiceName): Promise<void>;
  /** Another gateway on a free port, on the given NATS_URL (default the services'); stopped by dispose(). */
  startExtraGateway(options?: { natsUrl?: string; clockSkewMs?: number }): Promise<ExtraGateway>;
  /** GET/POST/PUT/DELETE against the gateway (or `gatewayUrl`, e.g. an extra one) with a token; returns status and parsed body. */
  http<T = unknown>(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string; gatewayUrl?: string }): Promise<{ status: number; body: T; text: string; headers: Headers }>;
  dispose(): Promise<void>;
}

function portOf(app: INestApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}

/**
 * The whole system in this process for an e2e test or a bench: a real nats-server of its own, a fresh
 * test database on the real Postgres, and the four Nest apps (or those named) on free ports.
 */
export interface StartSystemOptions {
  services?: ServiceName[];
  label?: string;
  revealLeadMs?: number;
  publicRateLimitPerMinute?: number;
  /** Gateway budgets per minute by kind (env `<KIND>_RATE_LIMIT_PER_MINUTE`); each defaults to 100000 here, so tests never meet them unless they ask. */
  rateLimits?: Partial<Record<'public' | 'static' | 'admin' | 'producer' | 'juror' | 'press' | 'screen' | 'intake', number>>;
  /** The gateway's TRUST_PROXY (default: none). */
  trustProxy?: string;
  /** A fixed gateway port, kept across `stop('gateway')`/`start('gateway')` so socket.io clients reconnect to the same URL (default: a free port each start). */
  gatewayPort?: number;
  /** The gateway's own NATS URL (e.g. through a proxy a fault test can cut); the services keep the server's. */
  gatewayNatsUrl?: string;
  /** A fixed port for the test's nats-server (e.g. to put a proxy in front of it before boot). */
  natsPort?: number;
  /** More nats-server arguments (e.g. `-c` a config with a small `max_file_store`, for a full JetStream store). */
  natsExtraArgs?: string[];
  /** The database URL to use instead of a fresh test database on the machine's Postgres (the caller owns it). */
  databaseUrl?: string;
  /**
   * A running NATS cluster (startNatsCluster) instead of a nats-server of the system's own: every
   * service and gateway gets all its URLs as a comma-separated NATS_URL. The caller owns (disposes) it.
   */
  natsCluster?: TestNatsCluster;
  /** JETSTREAM_REPLICAS for the domain services (default 1; 3 on a 3-node cluster). */
  jetstreamReplicas?: number;
  /**
   * NATS user and password per service (NATS_USER / NATS_PASSWORD), for a server run with the
   * deployment's users and permissions (deploy/nats); none by default (an open server).
   */
  natsUsers?: Partial<Record<ServiceName, { user: string; password: string }>>;
  /** Run the system's nats-server with a deployment's config (deploy/nats: its users and permissions); pair with natsUsers. */
  natsDeployConfig?: NatsDeployConfig;
}

/** Environment values as the process would see them: strings, undefined ones left out. */
function envOf(values: Record<string, string | number | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

export function startSystem(options: StartSystemOptions & { natsCluster: TestNatsCluster }): Promise<TestSystem<TestNatsCluster>>;
export function startSystem(options?: StartSystemOptions): Promise<TestSystem>;
export async function startSystem(options: StartSystemOptions = {}): Promise<TestSystem<TestNatsServer | TestNatsCluster>> {
  const nats = options.natsCluster ?? (await startNatsServer({ port: options.natsPort, deployConfig: options.natsDeployConfig, extraArgs: options.natsExtraArgs }));
  const natsUrl = 'urls' in nats ? nats.urls.join(',') : nats.url;
  // A caller's own database (e.g. an embedded one a fault test stops) is used as is, by every service.
  const db: TestDatabase = options.databaseUrl
    ? {
        url: options.databaseUrl,
        name: new URL(options.databaseUrl).pathname.slice(1),
        serviceUrls: { nominations: options.databaseUrl, jury: options.databaseUrl, announcements: options.databaseUrl, vote: options.databaseUrl },
        drop: async () => undefined,
      }
    : await createTestDatabase(options.label ?? 'e2e');
  const apps: Partial<Record<ServiceName, INestApplication>> = {};
  const extraGateways = new Set<ExtraGateway>();
  let extraStarted = 0;
  let gatewayUrl = '';
  const natsUserOf = (name: ServiceName) => ({ NATS_USER: options.natsUsers?.[name]?.user, NATS_PASSWORD: options.natsUsers?.[name]?.password });
  // Through the services' own environment validation, as their main.ts does (a comma-separated cluster list included).
  // Each domain service connects as its own role (owner of its schema only), as in every deployment.
  const domainEnv = (name: Exclude<ServiceName, 'gateway'>) =>
    envOf({ NATS_URL: natsUrl, DATABASE_URL: db.serviceUrls[name], PORT: 0, JETSTREAM_REPLICAS: options.jetstreamReplicas, ...natsUserOf(name) });
  const gatewayEnv = (natsUrlOfGateway: string, port: number) =>
    loadEnv(
      GatewayEnv,
      envOf({
        NATS_URL: natsUrlOfGateway,
        PORT: port,
        LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
        REVEAL_LEAD_MS: options.revealLeadMs ?? 250,
        WEB_DIST: TEST_WEB_DIST,
        TRUST_PROXY: options.trustProxy,
        ...Object.fromEntries(
          (['public', 'static', 'admin', 'producer', 'juror', 'press', 'screen', 'intake'] as const).map((kind) => [
            `${kind.toUpperCase()}_RATE_LIMIT_PER_MINUTE`,
            options.rateLimits?.[kind] ?? (kind === 'public' ? options.publicRateLimitPerMinute : undefined) ?? 100000,
          ]),
        ),
        ...natsUserOf('gateway'),
      }),
    );

  const start = async (name: ServiceName, extraEnv: Record<string, string | undefined> = {}): Promise<INestApplication> => {
    let app: INestApplication;
    if (name === 'gateway') {
      const config = gatewayConfig(gatewayEnv(options.gatewayNatsUrl ?? natsUrl, options.gatewayPort ?? 0));
      app = await startGateway(config);
      gatewayUrl = `http://127.0.0.1:${portOf(app)}`;
    } else if (name === 'nominations') {
      // Only nominations holds the admin token: it writes the admin grant every other process resolves.
      const config = nominationsConfig(loadEnv(NominationsEnv, envOf({ ...domainEnv(name), LAUREL_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...extraEnv })), 0);
      app = await startDomainService(name, NominationsModule.forRoot(config), config);
    } else if (name === 'announcements') {
      const config = announcementsConfig(loadEnv(AnnouncementsEnv, envOf({ ...domainEnv(name), LAUREL_GATEWAY_SERVICE_TOKEN: TEST_SERVICE_TOKEN, ...extraEnv })), 0);
      app = await startDomainService(name, AnnouncementsModule.forRoot(config), config);
    } else if (name === 'vote') {
      const config = domainConfig(loadEnv(DomainServiceEnv, envOf({ ...domainEnv(name), ...extraEnv })), 0);
      app = await startDomainService(name, VoteModule.forRoot(config), config);
    } else {
      const config = domainConfig(loadEnv(DomainServiceEnv, envOf({ ...domainEnv(name), ...extraEnv })), 0);
      app = await startDomainService(name, JuryModule.forRoot(config), config);
    }
    apps[name] = app;
    return app;
  };

  const system: TestSystem<TestNatsServer | TestNatsCluster> = {
    nats,
    natsUrl,
    db,
    get gatewayUrl() {
      return gatewayUrl;
    },
    adminToken: TEST_ADMIN_TOKEN,
    apps,
    start,
    async stop(name) {
      const app = apps[name];
      delete apps[name];
      await app?.close();
    },
    async startExtraGateway({ natsUrl: natsUrlOfGateway = natsUrl, clockSkewMs }: { natsUrl?: string; clockSkewMs?: number } = {}) {
      const config = gatewayConfig(gatewayEnv(natsUrlOfGateway, 0));
      // A gateway whose clock is wrong (tests of showAt under clock skew; LAUREL_CLOCK_SKEW_MS in a process).
      if (clockSkewMs !== undefined) config.clockSkewMs = clockSkewMs;
      // Its own NATS connection name (the instance is host-pid, shared by every gateway in this process).
      config.instance = `${config.instance}-${++extraStarted + 1}`;
      const app = await startGateway(config);
      const extra: ExtraGateway = {
        url: `http://127.0.0.1:${portOf(app)}`,
        app,
        async stop() {
          extraGateways.delete(extra);
          await app.close();
        },
      };
      extraGateways.add(extra);
      return extra;
    },
    async http(method, path, { token, body, raw, gatewayUrl: base = gatewayUrl } = {}) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${base}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (CSV, HTML)
      }
      return { status: response.status, body: parsed as never, text, headers: response.headers };
    },
    async dispose() {
      for (const extra of [...extraGateways]) await extra.stop().catch(() => undefined);
      for (const name of ['gateway', 'vote', 'announcements', 'jury', 'nominations'] as ServiceName[]) await system.stop(name).catch(() => undefined);
      if (!options.natsCluster) await nats.dispose();
      await db.drop();
    },
  };

  for (const name of options.services ?? ALL_SERVICES) await start(name);
  return system;
}
