/** Real nats-servers with JetStream of their own (one, or an n-node cluster), for e2e tests and local benches (no shared streams). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** True when the nats-server binary knows `jetstream { sync_interval }` (2.10 and later). */
function natsSupportsSyncInterval(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /v(\d+)\.(\d+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 10));
}

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

/** A deployment's NATS configuration (e.g. deploy/nats: users, subject permissions) and the environment it reads (passwords). */
export interface NatsDeployConfig {
  /** Folder of the `.conf` files; `nats.conf` is the entry point. */
  dir: string;
  env: Record<string, string>;
}

/**
 * A copy of a deployment's config beside the test's store: `store_dir` points at it, and the port and
 * monitoring port come from flags (so parallel test files never collide on 4222/8222).
 */
async function deployConfigArgs(config: NatsDeployConfig, storeDir: string): Promise<string[]> {
  const confDir = mkdtempSync(join(tmpdir(), 'laurel-nats-conf-'));
  // An older local binary (2.9) refuses `sync_interval` (2.10+, the deployment images): the copy leaves it out.
  const syncInterval = natsSupportsSyncInterval(natsServerBinary());
  for (const file of readdirSync(config.dir)) {
    if (!file.endsWith('.conf')) continue;
    if (syncInterval) copyFileSync(join(config.dir, file), join(confDir, file));
    else writeFileSync(join(confDir, file), readFileSync(join(config.dir, file), 'utf8').replace(/^\s*sync_interval:.*$/gm, ''));
  }
  const entry = join(confDir, 'nats.conf');
  writeFileSync(entry, readFileSync(entry, 'utf8').replace(/store_dir:.*$/m, `store_dir: ${JSON.stringify(storeDir)}`));
  return ['-c', entry, '-m', String(await freePort())];
}

/** A real nats-server with JetStream for one test file: its own port and store, so tests never share streams. */
export async function startNatsServer(options: { extraArgs?: string[]; port?: number; deployConfig?: NatsDeployConfig } = {}): Promise<TestNatsServer> {
  const bin = natsServerBinary();
  const port = options.port ?? (await freePort());
  const storeDir = mkdtempSync(join(tmpdir(), 'laurel-nats-'));
  // With a deployment's config, its own JetStream block applies (store_dir rewritten above); otherwise -js here.
  const serverArgs = options.deployConfig ? await deployConfigArgs(options.deployConfig, storeDir) : ['-js', '-sd', storeDir];
  let child: ChildProcess | null = null;

  const start = async () => {
    const running = child as ChildProcess | null;
    if (running && running.exitCode === null && running.signalCode === null) return; // already up
    child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), ...serverArgs, ...(options.extraArgs ?? [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: options.deployConfig ? { ...process.env, ...options.deployConfig.env } : process.env,
    });
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
      if (options.deployConfig) rmSync(dirname(serverArgs[1]), { recursive: true, force: true });
    },
  };
}

export interface TestNatsNode {
  /** `server_name` of this node (n0, n1, …): what JetStream reports as a leader or peer. */
  name: string;
  url: string;
  port: number;
  /** HTTP monitoring port (/healthz, /jsz). */
  monitorPort: number;
  storeDir: string;
  running(): boolean;
  /** kill -9, as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same ports with the same store, and waits until it is healthy (caught up). */
  start(): Promise<void>;
}

export interface TestNatsCluster {
  nodes: TestNatsNode[];
  /** Client URLs of every node, in node order. */
  urls: string[];
  /** The node called `name` (as JetStream names leaders). */
  node(name: string): TestNatsNode;
  /** The JetStream meta leader's name, as a running node reports it (null while there is none). */
  metaLeader(): Promise<string | null>;
  /**
   * Credentials of the system account, for operator requests such as `$JS.API.META.LEADER.STEPDOWN`.
   * Clients without credentials are in the application account (JetStream enabled), as on one server.
   */
  systemUser: { user: string; pass: string };
  dispose(): Promise<void>;
}

async function monitor<T>(port: number, path: string): Promise<{ status: number; body: T | null }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    let body: T | null = null;
    try {
      body = JSON.parse(text) as T;
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

/**
 * A real JetStream cluster of `n` nats-servers on 127.0.0.1 for one test file: each node has its own
 * client, route and monitoring ports, its own store, a distinct `server_name`, and routes to every
 * other node (cluster `laurel-test`). Returns once every node is healthy and JetStream has a meta leader.
 */
const SYSTEM_USER = { user: 'sys', pass: 'sys-local-test' };

export async function startNatsCluster(n = 3): Promise<TestNatsCluster> {
  const bin = natsServerBinary();
  const randomSuffix = Math.random().toString(36).slice(2, 10);
  const dir = mkdtempSync(join(tmpdir(), 'laurel-nats-cluster-'));
  const ports: { client: number; route: number; monitor: number }[] = [];
  const taken = new Set<number>();
  const port = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  for (let i = 0; i < n; i++) ports.push({ client: await port(), route: await port(), monitor: await port() });

  const nodes: TestNatsNode[] = ports.map((p, i) => {
    const name = `n${i}`;
    const storeDir = join(dir, name);
    mkdirSync(storeDir, { recursive: true });
    const configFile = join(dir, `${name}.conf`);
    const routes = ports.filter((_, j) => j !== i).map((o) => `    nats-route://127.0.0.1:${o.route}`);
    writeFileSync(
      configFile,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${p.client}`,
        // An application account for every client that brings no credentials, and a system account the
        // test can use to move the meta leader (a system-account-only API).
        `accounts {`,
        `  APP { jetstream: enabled, users: [ { user: app, password: app-${randomSuffix} } ] }`,
        `  SYS { users: [ { user: ${SYSTEM_USER.user}, password: ${SYSTEM_USER.pass} } ] }`,
        `}`,
        `system_account: SYS`,
        `no_auth_user: app`,
        `http: 127.0.0.1:${p.monitor}`,
        `jetstream {`,
        `  store_dir: ${JSON.stringify(storeDir)}`,
        `}`,
        `cluster {`,
        `  name: laurel-test`,
        `  listen: 127.0.0.1:${p.route}`,
        `  routes: [`,
        ...routes,
        `  ]`,
        `}`,
        '',
      ].join('\n'),
    );
    let child: ChildProcess | null = null;
    const running = () => {
      const c = child;
      return !!c && c.exitCode === null && c.signalCode === null;
    };
    return {
      name,
      url: `nats://127.0.0.1:${p.client}`,
      port: p.client,
      monitorPort: p.monitor,
      storeDir,
      running,
      async start() {
        if (running()) return;
        const c = spawn(bin, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
        child = c;
        let stderr = '';
        c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
        const exited = new Promise<never>((_, reject) => c.once('exit', (code) => reject(new Error(`nats-server ${name} exited with ${code}: ${stderr}`))));
        exited.catch(() => undefined);
        await Promise.race([waitForPort(p.client, 10000), exited]);
        // Healthy: JetStream enabled and, after a restart, caught up with its peers.
        await Promise.race([until(`nats-server ${name} was not healthy`, async () => (await monitor(p.monitor, '/healthz')).status === 200, 30000), exited]);
      },
      async kill() {
        const c = child;
        if (!c || !running()) return;
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await gone;
        child = null;
      },
    };
  });

  const metaLeader = async (): Promise<string | null> => {
    for (const node of nodes.filter((x) => x.running())) {
      const { body } = await monitor<{ meta_cluster?: { leader?: string } }>(node.monitorPort, '/jsz');
      if (body?.meta_cluster?.leader) return body.meta_cluster.leader;
    }
    return null;
  };

  const cluster: TestNatsCluster = {
    nodes,
    urls: nodes.map((x) => x.url),
    node: (name) => {
      const found = nodes.find((x) => x.name === name);
      if (!found) throw new Error(`no node ${name} in the cluster`);
      return found;
    },
    metaLeader,
    systemUser: { ...SYSTEM_USER },
    async dispose() {
      await Promise.all(nodes.map((x) => x.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // All at once: a node waits for its peers (and a meta leader) before it reports healthy.
    await Promise.all(nodes.map((x) => x.start()));
    // Every node agrees on one meta leader (JetStream API calls work from any of them).
    await until(
      'the JetStream cluster elected no meta leader',
      async () => {
        const seen = await Promise.all(nodes.map(async (x) => (await monitor<{ meta_cluster?: { leader?: string } }>(x.monitorPort, '/jsz')).body?.meta_cluster?.leader));
        return seen.every((l) => !!l && l === seen[0]);
      },
      30000,
    );
  } catch (error) {
    await cluster.dispose();
    throw error;
  }
  return cluster;
}
