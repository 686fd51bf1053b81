#!/usr/bin/env node
// @ts-check
// Static checks of the deployment files, for a machine without Docker or a cluster (see
// scripts/lib/deploy-check.mjs for the list): Kubernetes schemas of every manifest (unknown fields
// and kinds fail), the kustomization, cross-checks against the services' code, the NATS Helm values
// against the official chart's, docker-compose.yml against the Dockerfile, nats.conf via nats-server -t.
//   node scripts/check-deploy.mjs
import { checkDeploy, yamlLoader } from './lib/deploy-check.mjs';
import { c, fail, say, which } from './lib/util.mjs';

const loader = yamlLoader();
const natsServer = process.env.NATS_SERVER_BIN || which('nats-server');
const started = Date.now();
const { problems, checked, notes } = await checkDeploy({ natsServer, loader });
for (const note of notes) say(c.yellow(note));
if (problems.length) {
  for (const p of problems) fail(p);
  fail(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the deployment files`);
  process.exit(1);
}
say(`deployment files OK (${checked} files, YAML via ${loader?.name}, Kubernetes schemas via kubernetes-models, ${Date.now() - started} ms)`);
