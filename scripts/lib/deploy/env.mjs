// @ts-check
// The environment each service validates at boot, from its own code: apps/<app>/src/config.ts exports
// SERVICE_ENV (a class-validator class), and envVariables() (libs/observability) lists what it reads.
// The manifests (compose, Kubernetes) and the README's environment table are held to it.
import fs from 'node:fs';
import path from 'node:path';
import { importSource } from '../ts-source.mjs';

/**
 * @typedef {object} ServiceEnvironment
 * @property {string} name The class, e.g. GatewayEnv.
 * @property {string} file Where it is exported, e.g. apps/gateway/src/config.ts.
 * @property {Map<string, boolean>} fields Each variable it reads, and whether boot fails without it.
 */

/** @type {Map<string, Promise<Record<string, ServiceEnvironment>>>} */
const cache = new Map();

/**
 * @param {string} codeRoot
 * @param {string[]} apps
 * @param {(file: string, message: string) => void} problem
 * @returns {Promise<Record<string, ServiceEnvironment>>}
 */
export function serviceEnvironments(codeRoot, apps, problem) {
  const key = `${codeRoot}\0${apps.join(',')}`;
  if (!cache.has(key)) cache.set(key, load(codeRoot, apps));
  return /** @type {Promise<Record<string, ServiceEnvironment>>} */ (cache.get(key)).then((found) => {
    for (const app of apps) if (!found[app]) problem(`apps/${app}/src/config.ts`, 'exports no SERVICE_ENV (the class its environment is validated with)');
    return found;
  });
}

/**
 * @param {string} codeRoot
 * @param {string[]} apps
 */
async function load(codeRoot, apps) {
  const { envVariables } = /** @type {{ envVariables: (cls: Function) => { name: string, required: boolean }[] }} */ (
    await importSource(path.join(codeRoot, 'libs/observability/src/config.ts'))
  );
  /** @type {Record<string, ServiceEnvironment>} */
  const found = {};
  for (const app of apps) {
    const file = `apps/${app}/src/config.ts`;
    if (!fs.existsSync(path.join(codeRoot, file))) continue;
    const cls = (await importSource(path.join(codeRoot, file))).SERVICE_ENV;
    if (typeof cls !== 'function') continue;
    found[app] = { name: cls.name, file, fields: new Map(envVariables(cls).map((v) => [v.name, v.required])) };
  }
  return found;
}

/**
 * The README's environment table must name every variable a service reads, and say the service uses it
 * (`gateway`, `nominations, jury, announcements`, `all services`…).
 * @param {string} readme the README's text
 * @param {Record<string, ServiceEnvironment>} environments
 * @returns {string[]} problems
 */
export function readmeEnvironmentProblems(readme, environments) {
  const start = readme.indexOf('## Environment variables');
  if (start < 0) return ['README.md: no "## Environment variables" section'];
  const end = readme.indexOf('\n## ', start + 1);
  /** @type {Map<string, string>} */
  const rows = new Map();
  for (const line of readme.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || !cells[1].startsWith('`')) continue;
    for (const m of cells[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) rows.set(m[1], cells[2]);
  }
  const problems = [];
  for (const [app, env] of Object.entries(environments)) {
    for (const name of env.fields.keys()) {
      const usedBy = rows.get(name);
      if (usedBy === undefined) problems.push(`README.md: the environment table has no row for ${name} (read by ${app}: ${env.name} in ${env.file})`);
      else if (!/\ball services\b|\beach service\b/.test(usedBy) && !new RegExp(`\\b${app}\\b`).test(usedBy)) {
        problems.push(`README.md: the environment table's row for ${name} does not name ${app}, which reads it (used by: ${usedBy})`);
      }
    }
  }
  return problems;
}
