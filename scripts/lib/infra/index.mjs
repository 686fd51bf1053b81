// @ts-check
// The local-infrastructure toolkit: NATS (one server or a JetStream cluster), PostgreSQL (embedded, kept
// or scratch; checks on an external one), free ports and the child processes behind them. Used by the
// launcher (`./laurel run`, `./laurel test`), the e2e tests (test/support), the benches and the checks.
export { freePort, pickPort, portFree, tcpReachable } from './ports.mjs';
export { Child } from './process.mjs';
export { natsServerBinary, startNatsCluster, startNatsServer } from './nats.mjs';
export { ensureDatabase, PG_SUPERUSER, postgresReachable, startEmbeddedPostgres } from './postgres.mjs';
