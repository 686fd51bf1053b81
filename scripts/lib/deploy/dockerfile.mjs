// @ts-check
// The Dockerfile: its stages, a non-root runtime user, the base image, the health check.
import { APPS } from './shared.mjs';

/**
 * @param {ReturnType<typeof import('./shared.mjs').createContext>} ctx
 * @param {any} facts
 */
export function checkDockerfile(ctx, facts) {
  const { root, problem, read } = ctx;
  // ---------------------------------------------------------------------- Dockerfile
  const dockerfile = read(root, 'Dockerfile') ?? '';
  const stages = new Map();
  let current = null;
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = from[1] ?? null;
      if (current) stages.set(current, { cmd: null, healthcheck: false, user: false });
      continue;
    }
    if (!current) continue;
    if (/^CMD\s/.test(line)) stages.get(current).cmd = line.replace(/^CMD\s+/, '').trim();
    if (/^HEALTHCHECK\s/.test(line)) stages.get(current).healthcheck = true;
    if (/^USER\s+(?!root)/.test(line)) stages.get(current).user = true;
  }
  if (!stages.get('runtime')?.user) problem('Dockerfile', 'the runtime stage does not switch to a non-root USER');
  for (const app of Object.keys(APPS)) {
    const stage = stages.get(app);
    if (!stage) {
      problem('Dockerfile', `no target "${app}"`);
      continue;
    }
    const expected = `["node", "dist/apps/${app}/src/main.js"]`;
    if (stage.cmd?.replace(/\s/g, '') !== expected.replace(/\s/g, '')) problem('Dockerfile', `target ${app}: CMD should be ${expected}, is ${stage.cmd}`);
    if (!stage.healthcheck) problem('Dockerfile', `target ${app} has no HEALTHCHECK`);
  }
  if (!/FROM node:20-bookworm-slim|ARG NODE_IMAGE=node:20-bookworm-slim/.test(dockerfile)) problem('Dockerfile', 'base image is not node:20-bookworm-slim');
  if (facts.health.ready && !dockerfile.includes(facts.health.ready)) problem('Dockerfile', `no HEALTHCHECK calls ${facts.health.ready}`);
  ctx.checked++;

  return { dockerfile, stages };
}
