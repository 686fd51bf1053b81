// @ts-check
// A child process we own: its output tail, a log file, a stop that escalates to SIGKILL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * @typedef {object} ChildOptions
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {number} [uid]
 * @property {number} [gid]
 * @property {boolean} [detached] Own process group (default true: the launcher stops it in order); tests keep it in theirs, so a runner that kills the group takes it along.
 * @property {string} [logFile]
 * @property {(line: string) => void} [onLine]
 */

/**
 * A child we own. Spawned detached (own process group) so a terminal Ctrl-C reaches only the launcher,
 * which then stops things in order: services first, then NATS and Postgres.
 */
export class Child {
  /** Every child still running, so an early exit (Ctrl-C mid-start) can still take them down. */
  /** @type {Set<Child>} */
  static live = new Set();

  /** @param {NodeJS.Signals} signal */
  static killAll(signal = 'SIGKILL') {
    for (const child of Child.live) child.signalGroup(signal);
  }

  /**
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {ChildOptions} [options]
   */
  constructor(name, command, args, options = {}) {
    this.name = name;
    this.exited = false;
    /** @type {number | null} */
    this.exitCode = null;
    /** @type {NodeJS.Signals | null} */
    this.signal = null;
    /** @type {string[]} */
    this.tail = [];
    this.detached = options.detached ?? true;
    this.proc = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      detached: this.detached,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    /** @type {number} */
    this.pid = this.proc.pid ?? 0;
    Child.live.add(this);
    /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null, error?: Error }>} */
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

  /**
   * @param {string} line
   * @param {((line: string) => void) | undefined} onLine
   */
  #line(line, onLine) {
    this.tail.push(line);
    if (this.tail.length > 30) this.tail.shift();
    onLine?.(line);
  }

  /** @param {NodeJS.Signals} signal */
  signalGroup(signal) {
    if (this.exited) return;
    try {
      if (!this.detached) throw new Error('not a group of its own');
      process.kill(-this.pid, signal);
    } catch {
      try {
        this.proc.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  /**
   * `signal`, then SIGKILL after `graceMs`; resolves once the process is gone.
   * @param {NodeJS.Signals} [signal]
   * @returns {Promise<{ forced: boolean }>}
   */
  async stop(signal = 'SIGTERM', graceMs = 10_000) {
    if (this.exited) return { forced: false };
    this.signalGroup(signal);
    const timedOut = Symbol('timeout');
    /** @type {NodeJS.Timeout | undefined} */
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

