// `laurel test [step…] [-- jest args]`: every check CI runs, in order, stopping at the first failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { natsServerBinary, postgresReachable, startEmbeddedPostgres } from './infra/index.mjs';
import { Child, LOG_DIR, ROOT, STATE_DIR, aptInstall, aptUsable, c, describeUrl, ensureDir, fail, say, seconds, warn, which } from './util.mjs';

const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

const STEPS = [
  { name: 'typecheck', script: 'typecheck' },
  { name: 'lint', script: 'lint' },
  { name: 'depcruise', script: 'depcruise' },
  // Deployment files (schemas, cross-checks; then the test that broken copies are caught) and the
  // NATS permissions that keep sealed verdicts away from the gateway.
  { name: 'deploy', node: ['scripts/check-deploy.mjs', '--test scripts/check-deploy.test.mjs'] },
  { name: 'nats-perms', node: 'scripts/check-nats-permissions.mjs', needsNats: true },
  { name: 'build:web', script: 'build:web', skip: webBuildSkipReason },
  { name: 'jest', script: 'jest', args: ['--', '--ci'], captureSummary: true },
];

function webBuildSkipReason() {
  const configs = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];
  return configs.some((f) => fs.existsSync(path.join(ROOT, 'apps', 'web', f))) ? null : 'apps/web has no vite config yet';
}

export async function test(args) {
  const dashDash = args.indexOf('--');
  const jestArgs = dashDash >= 0 ? args.slice(dashDash + 1) : [];
  const only = (dashDash >= 0 ? args.slice(0, dashDash) : args).filter((a) => !a.startsWith('-'));
  const unknown = only.filter((name) => !STEPS.some((s) => s.name === name));
  if (unknown.length) {
    fail(`unknown step ${unknown.join(', ')}; steps: ${STEPS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const steps = only.length ? STEPS.filter((s) => only.includes(s.name)) : STEPS;
  const needsInfra = steps.some((s) => s.name === 'jest');
  const needsNats = needsInfra || steps.some((s) => s.needsNats);
  const t0 = Date.now();

  let postgres = null;
  let current = null;
  const cleanup = async () => {
    current?.kill('SIGTERM');
    if (postgres) {
      await postgres.stop();
      postgres = null;
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      warn(`${signal}: stopping`);
      void cleanup().then(() => process.exit(130));
    });
  }
  process.on('exit', () => Child.killAll('SIGKILL'));

  // jest's output is piped (to catch its summary), so keep its colours when we are on a terminal.
  const env = { ...process.env };
  if (process.stdout.isTTY && env.FORCE_COLOR === undefined && !env.NO_COLOR) env.FORCE_COLOR = '1';
  try {
    if (needsNats) {
      const tools = ensureTestTools({ browser: needsInfra });
      if (tools.natsServer) env.NATS_SERVER_BIN = tools.natsServer;
      if (tools.chromium) env.CHROMIUM_BIN = tools.chromium;
    }
    if (needsInfra) {
      const db = await testDatabase();
      postgres = db.owned;
      env.LAUREL_TEST_DATABASE_URL = db.url;
      say(`tests use LAUREL_TEST_DATABASE_URL=${describeUrl(db.url)}  NATS_SERVER_BIN=${env.NATS_SERVER_BIN ?? c.red('(missing)')}`);
    }

    const results = [];
    let failed = false;
    for (const step of steps) {
      const skipReason = step.skip?.();
      if (skipReason) {
        say(`${c.bold(step.name)}: skipped (${skipReason})`);
        results.push({ step, status: 'skipped', ms: 0, note: skipReason });
        continue;
      }
      console.log();
      // A node step is one or more `node …` runs in order, stopping at the first failure.
      const runs = step.node
        ? [step.node].flat().map((line) => [process.execPath, line.split(' ')])
        : [['npm', ['run', step.script, ...(step.args ?? []), ...(step.name === 'jest' ? jestArgs : [])]]];
      let outcome = { code: 0, ms: 0, summary: [] };
      for (const [command, args] of runs) {
        say(c.bold(`${step.name}: ${step.node ? `node ${args.join(' ')}` : args.join(' ').replace(/^run/, 'npm run')}`));
        const run = await runStep(command, args, env, step.captureSummary, (proc) => (current = proc));
        outcome = { ...run, ms: outcome.ms + run.ms };
        if (run.code !== 0) break;
      }
      current = null;
      results.push({ step, status: outcome.code === 0 ? 'passed' : 'failed', ms: outcome.ms, summary: outcome.summary, note: outcome.note });
      if (outcome.code !== 0) {
        failed = true;
        break;
      }
    }
    printSummary(results, steps, Date.now() - t0);
    return failed ? 1 : 0;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await cleanup();
  }
}

/** nats-server for the e2e tests, chromium for the browser tests; one apt-get run for whatever is missing. */
function ensureTestTools({ browser }) {
  let natsServer = (process.env.NATS_SERVER_BIN && fs.existsSync(process.env.NATS_SERVER_BIN) && process.env.NATS_SERVER_BIN) || which('nats-server');
  let chromium = (process.env.CHROMIUM_BIN && fs.existsSync(process.env.CHROMIUM_BIN) && process.env.CHROMIUM_BIN) || findChromium();
  const missing = [!natsServer && 'nats-server', browser && !chromium && 'chromium'].filter(Boolean);
  if (missing.length && aptUsable()) {
    aptInstall(missing);
    natsServer ||= which('nats-server');
    chromium ||= findChromium();
  }
  if (!natsServer) {
    try {
      natsServer = natsServerBinary();
    } catch (error) {
      fail(error.message); // how to install it
    }
  }
  if (!chromium && browser) {
    warn('chromium not found (browser tests will fail or skip): install it with `sudo apt-get install -y chromium` or set CHROMIUM_BIN');
  }
  return { natsServer, chromium };
}

function findChromium() {
  for (const name of CHROMIUM_NAMES) {
    const bin = which(name);
    if (bin) return bin;
  }
  return null;
}

/** DATABASE_URL if given, else the machine's Postgres on 5432, else an embedded one for this run only. */
async function testDatabase() {
  const given = process.env.LAUREL_TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (given) {
    if (!(await postgresReachable(given, 5000))) throw new Error(`cannot connect to the given database ${describeUrl(given)}`);
    return { url: given, owned: null };
  }
  // LAUREL_TEST_EMBEDDED_PG=1 skips the machine's Postgres (to exercise the embedded path).
  if (process.env.LAUREL_TEST_EMBEDDED_PG !== '1' && (await postgresReachable(MACHINE_POSTGRES))) {
    return { url: MACHINE_POSTGRES, owned: null };
  }
  const t = Date.now();
  say('no Postgres on 127.0.0.1:5432: starting an embedded one for this test run…');
  const owned = await startEmbeddedPostgres({ dataDir: path.join(STATE_DIR, 'pg-test'), preferredPort: 5434, database: 'postgres', logFile: path.join(ensureDir(LOG_DIR), 'pg-test.log'), detached: true, log: say });
  say(`embedded PostgreSQL ready on port ${owned.port} (${seconds(Date.now() - t)})`);
  return { url: owned.adminUrl, owned };
}

const SUMMARY_LINE = /^\s*(Test Suites|Tests|Snapshots|Time|Ran all test suites)/;

// A test that leaves a socket or timer open keeps jest alive after its summary; CI must not hang on it.
const JEST_EXIT_GRACE_MS = Number(process.env.LAUREL_JEST_EXIT_GRACE ?? 20) * 1000;

function killGroup(proc, signal) {
  try {
    process.kill(-proc.pid, signal);
  } catch {
    proc.kill(signal);
  }
}

function runStep(command, args, env, captureSummary, onSpawn) {
  const started = Date.now();
  return new Promise((resolve) => {
    // Own process group, so a hung jest can be stopped with everything it spawned.
    const proc = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: captureSummary ? ['inherit', 'pipe', 'pipe'] : 'inherit' });
    onSpawn({ kill: (signal) => killGroup(proc, signal) });
    const summary = [];
    let hung = false;
    let watchdog = null;
    if (captureSummary) {
      for (const [stream, sink] of [
        [proc.stdout, process.stdout],
        [proc.stderr, process.stderr],
      ]) {
        let pending = '';
        stream.on('data', (chunk) => {
          sink.write(chunk);
          pending += chunk.toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            // eslint-disable-next-line no-control-regex
            const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
            if (SUMMARY_LINE.test(plain)) summary.push(plain.trim());
            // Failed suites, once each (jest prints them again in its final report).
            const failedSuite = /^FAIL\s+(?:\S+\s+)?(\S+\.ts)/.exec(plain);
            if (failedSuite && !summary.includes(`FAIL ${failedSuite[1]}`)) summary.unshift(`FAIL ${failedSuite[1]}`);
            if (/^Ran all test suites/.test(plain) && !watchdog) {
              watchdog = setTimeout(() => {
                hung = true;
                warn(
                  `jest did not exit ${JEST_EXIT_GRACE_MS / 1000} s after its summary: a test leaves a connection, server or timer open. ` +
                    'Stopping it; find the leak with `npm run jest -- --detectOpenHandles`.',
                );
                killGroup(proc, 'SIGTERM');
                setTimeout(() => killGroup(proc, 'SIGKILL'), 5000).unref();
              }, JEST_EXIT_GRACE_MS);
            }
          }
        });
      }
    }
    proc.once('error', (error) => {
      fail(error.message);
      resolve({ code: 127, ms: Date.now() - started, summary });
    });
    proc.once('close', (code, signal) => {
      clearTimeout(watchdog);
      if (hung) {
        // The run itself finished: its summary decides.
        const failedTests = summary.some((line) => /^(Tests|Test Suites):.*\bfailed\b/.test(line));
        resolve({ code: failedTests ? 1 : 0, ms: Date.now() - started, summary, note: 'jest did not exit by itself (open handles)' });
        return;
      }
      resolve({ code: code ?? (signal ? 128 : 1), ms: Date.now() - started, summary });
    });
  });
}

function printSummary(results, steps, totalMs) {
  console.log();
  say(c.bold('summary'));
  for (const step of steps) {
    const r = results.find((x) => x.step === step);
    const status = !r
      ? c.dim('not run'.padEnd(8))
      : { passed: c.green('passed  '), failed: c.red('FAILED  '), skipped: c.yellow('skipped ') }[r.status];
    const time = r && r.status !== 'skipped' ? seconds(r.ms) : '';
    console.log(`  ${step.name.padEnd(10)} ${status} ${time.padStart(8)}${r?.note ? c.dim(`  ${r.note}`) : ''}`);
  }
  const jest = results.find((r) => r.step.name === 'jest');
  for (const line of jest?.summary ?? []) console.log(`  ${line}`);
  const failed = results.find((r) => r.status === 'failed');
  console.log(`  ${'total'.padEnd(10)} ${failed ? c.red('FAILED  ') : c.green('passed  ')} ${seconds(totalMs).padStart(8)}`);
  if (failed) fail(`${failed.step.name} failed; later steps did not run`);
}
