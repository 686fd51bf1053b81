// ESM jest: Nest 12 is ESM-only. SWC compiles TS with legacy decorators + metadata (what Nest DI needs);
// type-checking is `npm run typecheck` (tsc --noEmit), not the test runner's job. The SWC settings are
// shared with the scripts that import the services' sources (scripts/lib/swc-options.mjs).
import { availableParallelism } from 'node:os';
import { SWC_OPTIONS } from './scripts/lib/swc-options.mjs';

const swc = ['@swc/jest', { ...SWC_OPTIONS, sourceMaps: 'inline' }];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^#messaging$': '<rootDir>/libs/messaging/src/index.ts',
    '^#persistence$': '<rootDir>/libs/persistence/src/index.ts',
    '^#observability$': '<rootDir>/libs/observability/src/index.ts',
    '^@laurel/contracts$': '<rootDir>/libs/contracts/src/browser.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  // Decorator metadata (class-transformer, Nest DI) needs the Reflect polyfill first, as main.ts loads it.
  setupFiles: ['reflect-metadata'],
};

/**
 * Test files in parallel: every e2e file starts a system of its own (its own nats-server, its own database), so two
 * run side by side without sharing anything. jest's default is one fewer than the cores: one, in band, on the 2-core
 * CI machine, where a file spends much of its time waiting on NATS, Postgres and timers. LAUREL_JEST_WORKERS overrides.
 */
const workers = Number(process.env.LAUREL_JEST_WORKERS) || Math.min(2, availableParallelism());

export default {
  rootDir: '.',
  maxWorkers: workers,
  // Per-project testTimeout is ignored by jest; e2e tests need the room, unit tests finish in ms anyway.
  testTimeout: 120000,
  // LAUREL_JEST_HANDLES=<file>: what each test file left open (test/support/handles.ts); nothing without it.
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/libs/*/src/**/*.spec.ts', '<rootDir>/scripts/lib/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/handles.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['reflect-metadata', '<rootDir>/test/support/setup-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/handles.ts'],
    },
  ],
};
