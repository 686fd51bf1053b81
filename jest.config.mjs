// ESM jest: Nest 12 is ESM-only. SWC compiles TS with legacy decorators + metadata (what Nest DI needs);
// type-checking is `npm run typecheck` (tsc --noEmit), not the test runner's job. The SWC settings are
// shared with the scripts that import the services' sources (scripts/lib/swc-options.mjs).
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

export default {
  rootDir: '.',
  // Per-project testTimeout is ignored by jest; e2e tests need the room, unit tests finish in ms anyway.
  testTimeout: 120000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/libs/*/src/**/*.spec.ts', '<rootDir>/scripts/lib/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['reflect-metadata', '<rootDir>/test/support/setup-env.ts'],
    },
  ],
};
