// Small helpers shared by `laurel run` and `laurel test`: output, ports, processes, apt.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STATE_DIR = path.join(ROOT, '.laurel');
export const LOG_DIR = path.join(STATE_DIR, 'logs');

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : String(text));
export const c = {
  bold: paint('1'),
  dim: paint('2'),
  red: paint('31'),
  green: paint('32'),
  yellow: paint('33'),
  blue: paint('34'),
  magenta: paint('35'),
  cyan: paint('36'),
};

export function say(message) {
  console.log(`${c.bold(c.blue('laurel ▸'))} ${message}`);
}
export function warn(message) {
  console.log(`${c.bold(c.yellow('laurel ▸'))} ${message}`);
}
export function fail(message) {
  console.error(`${c.bold(c.red('laurel ✗'))} ${message}`);
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** First executable named `cmd` on PATH, also looking in the sbin folders Debian puts daemons in. */
export function which(cmd) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here, keep looking
    }
  }
  return null;
}

export function aptUsable() {
  return isRoot && which('apt-get') !== null;
}

/** apt-get install the given Debian packages; `apt-get update` first because fresh images have no lists. */
export function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  say(`installing ${packages.join(', ')} with apt-get…`);
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (update.status !== 0) return false;
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  return install.status === 0;
}

export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function randomFreePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `preferred` when nothing listens there, else `preferred+1…+9`, else any free port. */
export async function pickPort(preferred, { host = '127.0.0.1', avoid = [] } = {}) {
  if (preferred) {
    for (let port = preferred; port < preferred + 10; port++) {
      if (!avoid.includes(port) && (await portFree(port, host))) return port;
    }
  }
  for (;;) {
    const port = await randomFreePort(host);
    if (!avoid.includes(port)) return port;
  }
}

export function tcpReachable(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function pidAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

export function cmdlineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * A child we own. Spawned detached (own process group) so a terminal Ctrl-C reaches only the launcher,
 * which then stops things in order: services first, then NATS and Postgres.
 */
export class Child {
  /** Every child still running, so an early exit (Ctrl-C mid-start) can still take them down. */
  static live = new Set();

  static killAll(signal = 'SIGKILL') {
    for (const child of Child.live) child.signalGroup(signal);
  }

  constructor(name, command, args, options = {}) {
    this.name = name;
    this.exited = false;
    this.exitCode = null;
    this.signal = null;
    this.tail = [];
    this.proc = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.proc.pid;
    Child.live.add(this);
    this.exit = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        Child.live.delete(this);
        this.exited = true;
        this.exitCode = code;
        this.signal = signal;
        resolve({ code, signal });
      });
      this.proc.once('error', (error) => {
        Child.live.delete(this);
        this.exited = true;
        this.tail.push(String(error.message));
        resolve({ code: null, signal: null, error });
      });
    });
    const logFile = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : null;
    logFile?.on('error', () => {}); // a log we cannot write must not take the process down
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        logFile?.write(chunk);
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.#line(line, options.onLine);
      });
      stream.on('end', () => {
        if (pending) this.#line(pending, options.onLine);
        pending = '';
      });
    }
    this.exit.then(() => logFile?.end());
  }

  #line(line, onLine) {
    this.tail.push(line);
    if (this.tail.length > 30) this.tail.shift();
    onLine?.(line);
  }

  signalGroup(signal) {
    if (this.exited) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        this.proc.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  /** `signal`, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(signal = 'SIGTERM', graceMs = 10_000) {
    if (this.exited) return { forced: false };
    this.signalGroup(signal);
    const timedOut = Symbol('timeout');
    let timer;
    const result = await Promise.race([
      this.exit,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(timedOut), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (result !== timedOut) return { forced: false };
    this.signalGroup('SIGKILL');
    await this.exit;
    return { forced: true };
  }
}

/** Run a command with inherited output; resolves with its exit code and duration. */
export function runInherit(command, args, options = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const proc = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: options.env ?? process.env });
    proc.once('error', (error) => {
      fail(`${command}: ${error.message}`);
      resolve({ code: 127, ms: Date.now() - started });
    });
    proc.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), ms: Date.now() - started }));
  });
}

/** Newest modification time of any file under `dirs` (skipping dist, node_modules and dot folders). */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) {
        if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
        visit(path.join(p, entry));
      }
    } else if (stat.mtimeMs > newest) {
      newest = stat.mtimeMs;
    }
  };
  for (const p of paths) visit(path.join(ROOT, p));
  return newest;
}
