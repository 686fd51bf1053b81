// @ts-check
// Imports a TypeScript module of the services from a script, as the services' own code (no build):
// e.g. each service's environment schema for the deployment check.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

let registered = false;

/**
 * @param {string} file absolute path of a .ts module
 * @returns {Promise<Record<string, unknown>>}
 */
export async function importSource(file) {
  if (!registered) {
    register('./ts-source-hooks.mjs', import.meta.url);
    registered = true;
    // Decorator metadata (class-validator, class-transformer) needs the Reflect polyfill first, as main.ts loads it.
    await import('reflect-metadata');
  }
  return import(pathToFileURL(file).href);
}
