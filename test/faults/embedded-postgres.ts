import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { initCluster, PG_SUPERUSER, postgresArgs, postgresBinaries, postgresSpawnOptions, reachableBy, SYSTEM_STATE_DIR } from '../../scripts/lib/embedded-postgres.mjs';
import { freePort } from '../support/nats-server.js';

export interface OwnPostgres {
  url: string;
  port: number;
  /** The data folder (e.g. to put a tablespace or a filler file beside it). */
  dataDir: string;
  /** The OS user the server runs as (postgres when the test runs as root). */
  user: { uid: number; gid: number } | null;
  /** Fast shutdown (SIGINT): open transactions rolled back, connections cut. */
  stop(): Promise<void>;
  /** SIGKILL of the postmaster, as a crash: no shutdown checkpoint; its backends exit when they notice it is gone. */
  kill(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Starts the server and resolves once it accepts connections (rejects with its output if it exits first). */
function startServer(command: string, args: string[], options: ReturnType<typeof postgresSpawnOptions>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      if (output.includes('database system is ready to accept connections')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`postgres exited (${signal ?? `code ${code}`}) before it was ready: ${output}`)));
  });
}

/**
 * A PostgreSQL of the test's own (the embedded-postgres package's binaries, a spare port, a scratch data
 * folder), so a test can stop and restart it without touching the machine's Postgres that other tests use.
 * The binaries and data are placed by scripts/lib/embedded-postgres.mjs, as for the launcher: as root
 * Postgres runs as the postgres user, which cannot enter a clone inside a 0700 folder.
 */
export async function startOwnPostgres(database = 'laurel_fault', options: { baseDir?: string } = {}): Promise<OwnPostgres> {
  const binaries = postgresBinaries();
  const port = await freePort();
  const password = randomBytes(8).toString('hex');
  const base = options.baseDir ?? (reachableBy(binaries.user, join(tmpdir(), 'x')) ? tmpdir() : SYSTEM_STATE_DIR);
  const dataDir = join(base, `laurel-fault-pg-${randomBytes(4).toString('hex')}`);
  await initCluster({ binaries, dataDir, password });
  let server: ChildProcess | null = null;
  const start = async () => {
    // After a SIGKILL of the postmaster its orphaned backends hold the shared memory until they notice and
    // exit: Postgres refuses to start meanwhile ("pre-existing shared memory block is still in use").
    for (let attempt = 0; !server; attempt++) {
      try {
        server = await startServer(binaries.postgres, postgresArgs(dataDir, port), postgresSpawnOptions(binaries, dataDir));
      } catch (error) {
        if (attempt >= 100 || !/still in use|already exists|Address already in use|could not bind/i.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const stop = async () => {
    const running = server;
    if (!running) return;
    server = null;
    if (running.exitCode !== null || running.signalCode !== null) return;
    // SIGINT = Postgres "fast" shutdown.
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGINT');
    });
  };
  const kill = async () => {
    const running = server;
    if (!running) return;
    server = null;
    if (running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  const client = new pg.Client({ connectionString: `postgres://${PG_SUPERUSER}:${password}@127.0.0.1:${port}/postgres` });
  await client.connect();
  await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  await client.end();
  return {
    url: `postgres://${PG_SUPERUSER}:${password}@127.0.0.1:${port}/${database}`,
    port,
    dataDir,
    user: binaries.user,
    stop,
    kill,
    start,
    async dispose() {
      await stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
