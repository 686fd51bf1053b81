// Small helpers shared by `laurel run` and `laurel test`: output, processes, apt. Ports and children are the
// local-infrastructure toolkit's (./infra/), re-exported here for the launcher.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { Child } from './infra/process.mjs';
export { freePort, pickPort, portFree, tcpReachable } from './infra/ports.mjs';

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

/** A URL for the terminal, its password masked. */
export function describeUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return c.cyan(u.toString());
  } catch {
    return url;
  }
}
