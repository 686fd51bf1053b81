// @ts-check
// How the TypeScript sources are compiled when they run without a build: jest (jest.config.mjs) and the
// scripts that import the services' code (ts-source-hooks.mjs). Legacy decorators with metadata: what Nest
// DI, class-validator and class-transformer need.
export const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: /** @type {const} */ ('typescript'), decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: /** @type {const} */ ('es2022'),
    keepClassNames: true,
  },
  module: { type: /** @type {const} */ ('es6') },
};
