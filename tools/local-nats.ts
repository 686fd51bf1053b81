/** A real nats-server with JetStream of its own, for e2e tests and local benches (no shared streams). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function natsServerBinary(): string {
  const candidates = [process.env.NATS_SERVER_BIN, '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
}

export interface TestNatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** Stops gracefully (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
  /** kill -9, as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same store (unless wiped). */
  start(): Promise<void>;
  /** Removes the JetStream store (while stopped or running). */
  wipeStore(): void;
  dispose(): Promise<void>;
}

/** A real nats-server with JetStream for one test file: its own port and store, so tests never share streams. */
export async function startNatsServer(options: { extraArgs?: string[]; port?: number } = {}): Promise<TestNatsServer> {
  const bin = natsServerBinary();
  const port = options.port ?? (await freePort());
  const storeDir = mkdtempSync(join(tmpdir(), 'laurel-nats-'));
  let child: ChildProcess | null = null;

  const start = async () => {
    const running = child as ChildProcess | null;
    if (running && running.exitCode === null && running.signalCode === null) return; // already up
    child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, ...(options.extraArgs ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${stderr}`))));
    await Promise.race([waitForPort(port, 10000), exited]);
    exited.catch(() => undefined);
  };
  const stopWith = async (signal: NodeJS.Signals) => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await gone;
    child = null;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    start,
    wipeStore: () => rmSync(join(storeDir, 'jetstream'), { recursive: true, force: true }),
    async dispose() {
      await stopWith('SIGKILL');
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
