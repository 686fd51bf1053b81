#!/usr/bin/env node
// Entry point behind ./laurel (which makes sure node_modules is installed first).
import { run } from './lib/run.mjs';
import { test } from './lib/test.mjs';
import { rehearse } from './lib/rehearse.mjs';
import { audit, AUDIT_USAGE } from './lib/audit.mjs';
import { backup, restore, BACKUP_USAGE } from './lib/backup.mjs';

const USAGE = `usage:
  ./laurel run [--demo] [--infra-only] [--no-build] [--raw-logs] [--without svc,…]
      build when sources changed, start NATS and Postgres unless NATS_URL / DATABASE_URL are set,
      start gateway, nominations, jury and announcements, wait until all are ready, print the URLs.
      --demo        import the Kvalitetsmässan 2017 ceremony and print links with producer/screen/press tokens
      --infra-only  only start NATS and Postgres (prints NATS_URL and DATABASE_URL)
      --no-build    never build; fail if dist/ is missing
      --raw-logs    print the services' JSON log lines as they are
      --without a,b leave services out (e.g. to run one from an editor against the rest)
  ./laurel test [typecheck|lint|depcruise|deploy|nats-perms|build:web|jest …] [-- <jest args>]
      typecheck, lint, dependency rules, deployment files, NATS permissions, web build,
      unit + e2e tests; stops at the first failure
  ./laurel rehearse [--url http://127.0.0.1:3000] [--slug <slug>]
      against a running system (./laurel run in another terminal): the 2017 gala end to end, headless —
      jurors score so the real winners win, chairs seal the real motivations, every scene and reveal is
      cued; prints each step and how long each reveal took to reach a stage screen and the audience
${AUDIT_USAGE}
${BACKUP_USAGE}`;

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case 'run':
    await run(args);
    break;
  case 'test':
    process.exitCode = await test(args);
    break;
  case 'rehearse':
    process.exitCode = await rehearse(args);
    break;
  case 'audit':
    process.exitCode = await audit(args);
    break;
  case 'backup':
    process.exitCode = await backup(args);
    break;
  case 'restore':
    process.exitCode = await restore(args);
    break;
  case undefined:
  case 'help':
  case '-h':
  case '--help':
    console.log(USAGE);
    break;
  default:
    console.error(`unknown command: ${command}\n\n${USAGE}`);
    process.exitCode = 2;
}
