import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { observe } from '../faults/support.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const isRoot = process.getuid?.() === 0;
const UP_TIMEOUT_MS = 300_000;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** Processes whose command line mentions `text` (the launcher's children run from the clone or its state). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(text)) found.push(`${pid} ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * First run anywhere (issue 12): a clone inside a 0700 folder (as /root is) starts with `./laurel run --demo`
 * and stops cleanly. As root the embedded PostgreSQL runs as the postgres user, which cannot enter that
 * folder: the launcher puts its binaries and data where it can (scripts/lib/infra/postgres-binaries.mjs).
 * The clone is of HEAD plus the working tree's uncommitted changes to tracked files; node_modules is
 * hard-linked from this checkout (npm ci is not what is tested), and the clone builds itself as a user's would.
 */
describe('first run: ./laurel run --demo from a clone in a 0700 folder', () => {
  let folder: string;
  let clone: string;
  let launcher: ChildProcess | null = null;
  let output = '';
  let dataDir: string | null = null;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'laurel-first-run-'));
    clone = join(folder, 'laurel');
    run('git', ['clone', '--quiet', ROOT, clone], tmpdir());
    const diff = spawnSync('git', ['diff', 'HEAD', '--binary'], { cwd: ROOT, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    if (diff.stdout.length > 0) {
      const applied = spawnSync('git', ['apply', '--binary', '-'], { cwd: clone, input: diff.stdout });
      if (applied.status !== 0) throw new Error(`could not apply the working tree's changes: ${String(applied.stderr)}`);
    }
    // Hard links are instant on one filesystem; a copy otherwise.
    if (spawnSync('cp', ['-al', join(ROOT, 'node_modules'), join(clone, 'node_modules')]).status !== 0) run('cp', ['-a', join(ROOT, 'node_modules'), join(clone, 'node_modules')], ROOT);
  });

  afterAll(async () => {
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      try {
        process.kill(-launcher.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const line of processesMentioning(clone)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(folder, { recursive: true, force: true });
    dataDir ??= /embedded database lives in (\S+)/.exec(output)?.[1] ?? null;
    if (dataDir && !dataDir.startsWith(folder)) rmSync(dirname(dataDir), { recursive: true, force: true });
  });

  it('builds, reaches ready with the demo imported, and stops everything on Ctrl-C', async () => {
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const started = Date.now();
    const env: NodeJS.ProcessEnv = { ...process.env, LAUREL_SKIP_INSTALL: '1', NO_COLOR: '1', LOG_LEVEL: 'warn' };
    for (const name of ['NATS_URL', 'DATABASE_URL', 'LAUREL_TEST_DATABASE_URL', 'PORT', 'LAUREL_ADMIN_TOKEN', 'NODE_OPTIONS']) delete env[name];
    const proc = spawn(join(clone, 'laurel'), ['run', '--demo'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher = proc;
    let onOutput = () => undefined as void;
    for (const stream of [proc.stdout, proc.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        onOutput();
      });
    }
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

    // Up (the banner), or the launcher's own failure: whichever comes first, with its output.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      new Promise<'up'>((resolve) => {
        onOutput = () => {
          // The banner ends with the logs line; its rows may come in later chunks than its title.
          if (/Laurel is up[\s\S]*Ctrl-C stops everything/.test(output)) resolve('up');
        };
      }),
      exited.then((code) => `exited (${code})`),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`not up within ${UP_TIMEOUT_MS / 1000} s`), UP_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'up') throw new Error(`the launcher ${outcome}:\n${output.slice(-4000)}`);
    const upMs = Date.now() - started;
    const gateway = /^\s+gateway\s+(http:\S+)/m.exec(output)?.[1];
    expect(gateway).toBeDefined();
    expect((await fetch(`${gateway}/health/ready`)).status).toBe(200);
    expect((await fetch(`${gateway}/api/v1/ceremonies/kvalitetsmassan-2017`)).status).toBe(200);
    // The demo's juror links come from GET /jurors right after the import (read-your-writes across services).
    expect(output).toMatch(/jury pages/);

    // Where Postgres keeps its data: in the clone when the postgres user can reach it, else outside.
    dataDir = /embedded database lives in (\S+)/.exec(output)?.[1] ?? join(clone, '.laurel', 'pg');
    if (isRoot) {
      expect(dataDir.startsWith(folder)).toBe(false);
      expect(statSync(dataDir).uid).not.toBe(0);
    } else {
      expect(dataDir).toBe(join(clone, '.laurel', 'pg'));
    }
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true);

    const stopAt = Date.now();
    process.kill(proc.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    const stopMs = Date.now() - stopAt;
    expect(output).toMatch(/embedded PostgreSQL stopped/);
    expect(output).toMatch(/bye/);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(processesMentioning(clone)).toEqual([]);
    expect(processesMentioning(dataDir)).toEqual([]);
    observe('first-run', { asRoot: isRoot, folderMode: '0700', dataDir, upMs, stopMs, built: /building/.test(output) });
  }, UP_TIMEOUT_MS + 60_000);
});
