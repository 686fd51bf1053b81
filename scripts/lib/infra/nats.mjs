// @ts-check
// nats-server with JetStream on 127.0.0.1: one server (the launcher's, a test's, a bench's, or one started
// with a deployment's config for a check) or an n-node JetStream cluster (tests). The only place a
// nats-server is started.
import { natsConfForLocalServer, natsSupportsSyncInterval, writeNatsDurabilityConf } from '../nats-durability.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aptInstall, aptUsable, which } from '../util.mjs';
import { freePort, pickPort, tcpReachable } from './ports.mjs';
import { Child } from './process.mjs';

/**
 * A deployment's NATS configuration (e.g. deploy/nats: users, subject permissions) and the environment it reads (passwords).
 * @typedef {object} NatsDeployConfig
 * @property {string} dir Folder of the `.conf` files; `nats.conf` is the entry point.
 * @property {Record<string, string>} env
 */

/**
 * @typedef {object} LocalNatsServer
 * @property {string} url
 * @property {number} port
 * @property {string} storeDir
 * @property {number | null} monitorPort HTTP monitoring port (with a deployment's config), else null.
 * @property {() => number | undefined} pid The running server's process id.
 * @property {() => Promise<void>} stop Stops gracefully (SIGTERM) and waits for the exit.
 * @property {() => Promise<void>} kill kill -9, as a crash.
 * @property {() => Promise<void>} start Starts again on the same port with the same store (unless wiped).
 * @property {() => void} wipeStore Removes the JetStream store (while stopped or running).
 * @property {() => Promise<void>} dispose Kills it and removes what it made (a temporary store, the copied config).
 */

const SBIN = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/**
 * Path of a nats-server binary: NATS_SERVER_BIN, PATH, the sbin folders; installed with apt when `install`
 * and we can. Throws with how to install it otherwise.
 * @param {{ install?: boolean }} [options]
 * @returns {string}
 */
export function natsServerBinary({ install = false } = {}) {
  const fromEnv = process.env.NATS_SERVER_BIN;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const find = () => which('nats-server') ?? SBIN.find((p) => fs.existsSync(p)) ?? null;
  let bin = find();
  if (!bin && install && aptUsable()) {
    aptInstall(['nats-server']);
    bin = find();
  }
  if (!bin) {
    throw new Error(
      'nats-server not found: install it with `sudo apt-get install -y nats-server` (or from https://github.com/nats-io/nats-server/releases), ' +
        'set NATS_SERVER_BIN, or point NATS_URL at a running server.',
    );
  }
  return bin;
}

/**
 * A copy of a deployment's config in `confDir`: `store_dir` points at `storeDir`; port and monitoring port come from flags.
 * @param {NatsDeployConfig} config
 * @param {string} confDir
 * @param {string} storeDir
 * @param {string} bin The local nats-server (an older one refuses `sync_interval`: the copy leaves it out).
 */
function copyDeployConfig(config, confDir, storeDir, bin) {
  for (const file of fs.readdirSync(config.dir)) {
    if (file.endsWith('.conf')) fs.writeFileSync(path.join(confDir, file), natsConfForLocalServer(fs.readFileSync(path.join(config.dir, file), 'utf8'), bin));
  }
  const entry = path.join(confDir, 'nats.conf');
  fs.writeFileSync(entry, fs.readFileSync(entry, 'utf8').replace(/store_dir:.*$/m, `store_dir: ${JSON.stringify(storeDir)}`));
  return entry;
}

/**
 * @param {Child} child
 * @param {number} port
 * @param {number} timeoutMs
 */
async function listening(child, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) break;
    if (await tcpReachable(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  await child.stop('SIGKILL', 1000);
  throw new Error(`nats-server did not start on port ${port}:\n${child.tail.slice(-10).join('\n')}`);
}

/**
 * A JetStream nats-server on 127.0.0.1. Defaults suit a test: a free port, a temporary store, in the
 * caller's process group. The launcher asks for a preferred port, a kept store, a log file and a group of its own.
 * @param {object} [options]
 * @param {number} [options.port] This port exactly.
 * @param {number} [options.preferredPort] This port when free (or the next nine), else any.
 * @param {number[]} [options.avoid]
 * @param {string} [options.storeDir] Kept (not removed by dispose); default a temporary folder.
 * @param {NatsDeployConfig} [options.deployConfig] Run with a deployment's config (its users, permissions, JetStream block).
 * @param {string[]} [options.extraArgs]
 * @param {string} [options.serverName]
 * @param {string} [options.syncInterval] JetStream's fsync interval (e.g. '1s'; nats-server 2.10+, ignored by older ones).
 * @param {string} [options.logFile]
 * @param {boolean} [options.detached] Own process group (the launcher), default false.
 * @param {string[]} [options.prefix] A command to run it under (e.g. `taskset -c 0`, for a bench).
 * @param {string} [options.bin]
 * @returns {Promise<LocalNatsServer>}
 */
export async function startNatsServer(options = {}) {
  const bin = options.bin ?? natsServerBinary();
  const port = options.port ?? (await pickPort(options.preferredPort, { avoid: options.avoid }));
  const ownStore = !options.storeDir;
  const storeDir = options.storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-nats-'));
  fs.mkdirSync(storeDir, { recursive: true });
  let confDir = null;
  let monitorPort = null;
  /** @type {string[]} */
  // sync_interval for a kept store (the launcher): see nats-durability.mjs for why; there is no flag for it.
  let serverArgs = [...(options.syncInterval && natsSupportsSyncInterval(bin) ? ['-c', writeNatsDurabilityConf(storeDir, options.syncInterval)] : []), '-js', '-sd', storeDir];
  if (options.deployConfig) {
    confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-nats-conf-'));
    monitorPort = await pickPort(undefined, { avoid: [port] });
    serverArgs = ['-c', copyDeployConfig(options.deployConfig, confDir, storeDir, bin), '-m', String(monitorPort)];
  }
  const args = ['-a', '127.0.0.1', '-p', String(port), ...serverArgs, ...(options.serverName ? ['-n', options.serverName] : []), ...(options.extraArgs ?? [])];
  const [command, ...prefixArgs] = [...(options.prefix ?? []), bin];
  /** @type {Child | null} */
  let child = null;
  const running = () => child !== null && !child.exited;
  const start = async () => {
    if (running()) return;
    child = new Child('nats', command, [...prefixArgs, ...args], {
      cwd: confDir ?? storeDir,
      env: options.deployConfig ? { ...process.env, ...options.deployConfig.env } : process.env,
      logFile: options.logFile,
      detached: options.detached ?? false,
    });
    await listening(child, port, 15_000);
  };
  /** @param {NodeJS.Signals} signal */
  const stopWith = async (signal) => {
    const c = child;
    child = null;
    if (c && !c.exited) await c.stop(signal, 10_000);
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    monitorPort,
    pid: () => child?.pid,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    start,
    wipeStore: () => fs.rmSync(path.join(storeDir, 'jetstream'), { recursive: true, force: true }),
    async dispose() {
      await stopWith('SIGKILL');
      if (ownStore) fs.rmSync(storeDir, { recursive: true, force: true });
      if (confDir) fs.rmSync(confDir, { recursive: true, force: true });
    },
  };
}

/**
 * @typedef {object} LocalNatsNode
 * @property {string} name `server_name` of this node (n0, n1, …): what JetStream reports as a leader or peer.
 * @property {string} url
 * @property {number} port
 * @property {number} monitorPort HTTP monitoring port (/healthz, /jsz).
 * @property {string} storeDir
 * @property {() => boolean} running
 * @property {() => Promise<void>} kill kill -9, as a crash.
 * @property {() => Promise<void>} start Starts again on the same ports with the same store, and waits until it is healthy (caught up).
 */

/**
 * @typedef {object} LocalNatsCluster
 * @property {LocalNatsNode[]} nodes
 * @property {string[]} urls Client URLs of every node, in node order.
 * @property {(name: string) => LocalNatsNode} node The node called `name` (as JetStream names leaders).
 * @property {() => Promise<string | null>} metaLeader The JetStream meta leader's name, as a running node reports it (null while there is none).
 * @property {{ user: string, pass: string }} systemUser Credentials of the system account, for operator requests such as `$JS.API.META.LEADER.STEPDOWN`; clients without credentials are in the application account (JetStream enabled), as on one server.
 * @property {() => Promise<void>} dispose
 */

/**
 * @template T
 * @param {number} port
 * @param {string} urlPath
 * @returns {Promise<{ status: number, body: T | null }>}
 */
async function monitor(port, urlPath) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    /** @type {T | null} */
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

/**
 * @param {string} what
 * @param {() => Promise<boolean>} check
 * @param {number} timeoutMs
 */
async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

const SYSTEM_USER = { user: 'sys', pass: 'sys-local-test' };

/** @param {number} port */
const leaderSeenBy = async (port) => (await monitor(/** @type {number} */ (port), '/jsz')).body?.meta_cluster?.leader ?? null;

/**
 * A real JetStream cluster of `n` nats-servers on 127.0.0.1 (tests): each node has its own client, route
 * and monitoring ports, its own store, a distinct `server_name`, and routes to every other node (cluster
 * `laurel-test`). Returns once every node is healthy and JetStream has a meta leader.
 * @param {number} [n]
 * @returns {Promise<LocalNatsCluster>}
 */
export async function startNatsCluster(n = 3) {
  const bin = natsServerBinary();
  const randomSuffix = Math.random().toString(36).slice(2, 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-nats-cluster-'));
  /** @type {{ client: number, route: number, monitor: number }[]} */
  const ports = [];
  /** @type {number[]} */
  const taken = [];
  const port = async () => {
    const p = await pickPort(undefined, { avoid: taken });
    taken.push(p);
    return p;
  };
  for (let i = 0; i < n; i++) ports.push({ client: await port(), route: await port(), monitor: await port() });

  /** @type {LocalNatsNode[]} */
  const nodes = ports.map((p, i) => {
    const name = `n${i}`;
    const storeDir = path.join(dir, name);
    fs.mkdirSync(storeDir, { recursive: true });
    const configFile = path.join(dir, `${name}.conf`);
    const routes = ports.filter((_, j) => j !== i).map((o) => `    nats-route://127.0.0.1:${o.route}`);
    fs.writeFileSync(
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
    /** @type {Child | null} */
    let child = null;
    const running = () => child !== null && !child.exited;
    return {
      name,
      url: `nats://127.0.0.1:${p.client}`,
      port: p.client,
      monitorPort: p.monitor,
      storeDir,
      running,
      async start() {
        if (running()) return;
        const c = new Child(`nats-${name}`, bin, ['-c', configFile], { cwd: dir, detached: false });
        child = c;
        await listening(c, p.client, 10_000);
        // Healthy: JetStream enabled and, after a restart, caught up with its peers.
        await until(`nats-server ${name} was not healthy`, async () => {
          if (c.exited) throw new Error(`nats-server ${name} exited: ${c.tail.slice(-10).join('\n')}`);
          return (await monitor(p.monitor, '/healthz')).status === 200;
        }, 30_000);
      },
      async kill() {
        const c = child;
        child = null;
        if (c && !c.exited) await c.stop('SIGKILL', 5000);
      },
    };
  });

  const metaLeader = async () => {
    for (const node of nodes.filter((x) => x.running())) {
      const leader = await leaderSeenBy(node.monitorPort);
      if (leader) return leader;
    }
    return null;
  };

  /** @type {LocalNatsCluster} */
  const cluster = {
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
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // All at once: a node waits for its peers (and a meta leader) before it reports healthy.
    await Promise.all(nodes.map((x) => x.start()));
    // Every node agrees on one meta leader (JetStream API calls work from any of them).
    await until(
      'the JetStream cluster elected no meta leader',
      async () => {
        const seen = await Promise.all(nodes.map((x) => leaderSeenBy(x.monitorPort)));
        return seen.every((l) => !!l && l === seen[0]);
      },
      30_000,
    );
  } catch (error) {
    await cluster.dispose();
    throw error;
  }
  return cluster;
}

export { freePort };
