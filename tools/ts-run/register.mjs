// @ts-check
// `node --import ./tools/ts-run/register.mjs apps/<service>/src/main.ts`: runs a service from its TypeScript
// sources without a build (SWC, the options jest uses), e.g. as a real child process a fault test can kill -9,
// or a previous release checked out from git beside the current one (tests of a rolling upgrade).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
