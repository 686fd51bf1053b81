import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { domainConfig, startDomainService } from '#messaging';
import { createTestDatabase, type TestDatabase } from '#persistence';
import { AnnouncementsModule } from '../../apps/announcements/src/announcements.module.js';
import { gatewayConfig, startGateway } from '../../apps/gateway/src/bootstrap.js';
import { JuryModule } from '../../apps/jury/src/jury.module.js';
import { NominationsModule } from '../../apps/nominations/src/nominations.module.js';
import { startNatsServer, type TestNatsServer } from './nats-server.js';

export type ServiceName = 'nominations' | 'jury' | 'announcements' | 'gateway';
export const ALL_SERVICES: ServiceName[] = ['nominations', 'jury', 'announcements', 'gateway'];

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** The built pages (`npm run build:web`): gatewayConfig looks beside the compiled gateway, not the sources jest runs. */
const webDist = join(dirname(fileURLToPath(import.meta.url)), '../../dist/web');
export const TEST_WEB_DIST = existsSync(join(webDist, 'index.html')) ? webDist : undefined;


export interface TestSystem {
  nats: TestNatsServer;
  db: TestDatabase;
  gatewayUrl: string;
  adminToken: string;
  apps: Partial<Record<ServiceName, INestApplication>>;
  start(name: ServiceName): Promise<INestApplication>;
  stop(name: ServiceName): Promise<void>;
  /** GET/POST/PUT/DELETE against the gateway with a token; returns status and parsed body. */
  http<T = unknown>(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string }): Promise<{ status: number; body: T; text: string; headers: Headers }>;
  dispose(): Promise<void>;
}

function portOf(app: INestApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}

/**
 * The whole system in this process for an e2e test: a real nats-server of its own, a fresh test
 * database on the real Postgres, and the four Nest apps on free ports.
 */
export interface StartSystemOptions {
  services?: ServiceName[];
  label?: string;
  revealLeadMs?: number;
  publicRateLimitPerMinute?: number;
  /** A fixed gateway port, kept across `stop('gateway')`/`start('gateway')` so socket.io clients reconnect to the same URL (default: a free port each start). */
  gatewayPort?: number;
  /** The gateway's own NATS URL (e.g. through a proxy a fault test can cut); the services keep the server's. */
  gatewayNatsUrl?: string;
  /** A fixed port for the test's nats-server (e.g. to put a proxy in front of it before boot). */
  natsPort?: number;
  /** The database URL to use instead of a fresh test database on the machine's Postgres (the caller owns it). */
  databaseUrl?: string;
}

export async function startSystem(options: StartSystemOptions = {}): Promise<TestSystem> {
  const nats = await startNatsServer({ port: options.natsPort });
  const db: TestDatabase = options.databaseUrl ? { url: options.databaseUrl, name: new URL(options.databaseUrl).pathname.slice(1), drop: async () => undefined } : await createTestDatabase(options.label ?? 'e2e');
  const apps: Partial<Record<ServiceName, INestApplication>> = {};
  let gatewayUrl = '';
  const env = { NATS_URL: nats.url, DATABASE_URL: db.url, PORT: 0 };

  const start = async (name: ServiceName): Promise<INestApplication> => {
    let app: INestApplication;
    if (name === 'gateway') {
      const config = gatewayConfig({ NATS_URL: options.gatewayNatsUrl ?? nats.url, PORT: options.gatewayPort ?? 0, LAUREL_ADMIN_TOKEN: TEST_ADMIN_TOKEN, REVEAL_LEAD_MS: options.revealLeadMs ?? 250, WEB_DIST: TEST_WEB_DIST, PUBLIC_RATE_LIMIT_PER_MINUTE: options.publicRateLimitPerMinute ?? 100000 });
      app = await startGateway(config);
      gatewayUrl = `http://127.0.0.1:${portOf(app)}`;
    } else {
      const config = domainConfig(env, 0);
      const module = name === 'nominations' ? NominationsModule.forRoot(config) : name === 'announcements' ? AnnouncementsModule.forRoot(config) : JuryModule.forRoot(config);
      app = await startDomainService(name, module, config);
    }
    apps[name] = app;
    return app;
  };

  const system: TestSystem = {
    nats,
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
    async http(method, path, { token, body, raw } = {}) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${gatewayUrl}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
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
      for (const name of ['gateway', 'announcements', 'jury', 'nominations'] as ServiceName[]) await system.stop(name).catch(() => undefined);
      await nats.dispose();
      await db.drop();
    },
  };

  for (const name of options.services ?? ALL_SERVICES) await start(name);
  return system;
}
