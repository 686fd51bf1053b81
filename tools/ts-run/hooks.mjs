// @ts-check
// Module hooks for register.mjs: the package's `#…` imports go to the library sources, `./x.js` to `./x.ts`
// when only the source exists, and .ts files are compiled by SWC as jest does (legacy decorators + metadata).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform } from '@swc/core';

/** The checkout whose sources run: the working directory (a git worktree of an older release has its own). */
const ROOT = process.env.LAUREL_TS_ROOT ?? process.cwd();
const ALIASES = {
  '#contracts': 'libs/contracts/src/index.ts',
  '#messaging': 'libs/messaging/src/index.ts',
  '#persistence': 'libs/persistence/src/index.ts',
  '#observability': 'libs/observability/src/index.ts',
};

/** @param {string} specifier @param {{ parentURL?: string }} context @param {Function} next */
export async function resolve(specifier, context, next) {
  const alias = /** @type {Record<string, string>} */ (ALIASES)[specifier];
  if (alias) return { url: pathToFileURL(path.join(ROOT, alias)).href, shortCircuit: true };
  if ((specifier.startsWith('.') || specifier.startsWith('/')) && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const file = fileURLToPath(new URL(specifier, context.parentURL));
    const ts = `${file.slice(0, -3)}.ts`;
    if (!existsSync(file) && existsSync(ts)) return { url: pathToFileURL(ts).href, shortCircuit: true };
  }
  return next(specifier, context);
}

/** @param {string} url @param {object} context @param {Function} next */
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = await transform(await readFile(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
