import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A domain service as a real process of its own, run from its TypeScript sources through tools/ts-run (no
 * build): the crash tests kill it with SIGKILL, the upgrade test runs an older release's sources this way.
 */
export class SourceProcess {
  child: ChildProcess | null = null;
  /** The last 4,000 characters it wrote (stdout and stderr), for a failure message. */
  output = '';

  /**
   * @param service `apps/<service>/src/main.ts` is started
   * @param env its environment beside this process's (PORT and LOG_LEVEL are set here)
   * @param root the source tree to run (another release's, for an upgrade); default this checkout
   */
  constructor(
    readonly service: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly root = ROOT,
    private readonly readyTimeoutMs = 60_000,
  ) {}

  /** Starts it and waits until its /health/ready answers 200. */
  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env, PORT: String(this.port), LOG_LEVEL: 'warn', ...(this.root === ROOT ? {} : { LAUREL_TS_ROOT: this.root }) };
    delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the service
    const child = spawn(process.execPath, ['--import', join(ROOT, 'tools/ts-run/register.mjs'), `apps/${this.service}/src/main.ts`], { cwd: this.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.service} exited: ${this.output}`);
        expect((await fetch(`http://127.0.0.1:${this.port}/health/ready`).catch(() => null))?.status).toBe(200);
      },
      { timeoutMs: this.readyTimeoutMs, intervalMs: 200 },
    );
  }

  /** SIGTERM: a graceful stop (drains NATS, finishes the relay's batch); SIGKILL: a crash, nothing flushed. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** kill -9: no shutdown hook runs, nothing is flushed. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }
}
