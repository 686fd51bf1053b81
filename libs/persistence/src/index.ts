export * from './data-source.js';
export * from './test-database.js';
export * from './migration-cli.js';
export * from './service-roles.js';
