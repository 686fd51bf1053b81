// @ts-check
// Facts the manifests must agree with, read from the application's code (never changed here).
import fs from 'node:fs';
import path from 'node:path';
import { APPS } from './shared.mjs';
import { serviceEnvironments } from './env.mjs';
import { importSource } from '../ts-source.mjs';

/**
 * Health routes, each service's environment schema, the web client's transports, the NATS users.
 * @param {string} codeRoot
 * @param {(file: string, message: string) => void} problem
 */
export async function readFacts(codeRoot, problem) {
  const read = (file) => {
    try {
      return fs.readFileSync(path.join(codeRoot, file), 'utf8');
    } catch {
      return null;
    }
  };
  // Health routes: Nest's route metadata of HealthController (libs/observability/src/health.ts), from the code itself.
  /** @type {{ live: string | null, ready: string | null }} */
  const health = { live: null, ready: null };
  const healthFile = 'libs/observability/src/health.ts';
  const controller = fs.existsSync(path.join(codeRoot, healthFile)) ? (await importSource(path.join(codeRoot, healthFile))).HealthController : undefined;
  /** @param {unknown} target */
  const routeOf = (target) => {
    const value = target ? Reflect.getMetadata('path', /** @type {object} */ (target)) : undefined;
    return Array.isArray(value) ? value[0] : value;
  };
  const base = routeOf(controller);
  for (const method of /** @type {const} */ (['live', 'ready'])) {
    const first = typeof controller === 'function' ? routeOf(controller.prototype[method]) : undefined;
    if (typeof base !== 'string' || typeof first !== 'string') problem(healthFile, `cannot find the ${method} route (@Controller/@Get ${method}() of HealthController)`);
    else health[method] = `/${[base, first].filter(Boolean).join('/')}`;
  }

  // Environment schemas: each service's SERVICE_ENV (apps/<app>/src/config.ts), read by the services' own code.
  const envClasses = await serviceEnvironments(codeRoot, Object.keys(APPS), problem);

  // The web client's socket.io transports (socket.io-client defaults to polling, then upgrades).
  const live = read('apps/web/src/lib/live.ts');
  let webTransports = null;
  if (live !== null) {
    const t = /transports:\s*\[([^\]]*)\]/.exec(live);
    webTransports = t ? [...t[1].matchAll(/'([^']+)'|"([^"]+)"/g)].map((m) => m[1] ?? m[2]) : ['polling', 'websocket'];
  }

  // NATS users and the environment variables holding their passwords.
  const authFile = 'deploy/nats/auth.conf';
  const auth = read(authFile) ?? '';
  const natsUsers = [...auth.matchAll(/user:\s*([\w-]+)\s*\n\s*password:\s*\$([A-Z][A-Z0-9_]*)/g)].map((m) => ({ user: m[1], passwordVar: m[2] }));
  if (!natsUsers.length) problem(authFile, 'no `user: … password: $VAR` pairs found');
  return { health, envClasses, webTransports, natsUsers };
}

