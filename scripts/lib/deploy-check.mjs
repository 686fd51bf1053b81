// @ts-check
// The checks behind scripts/check-deploy.mjs, as a function of the directory they read, so
// scripts/check-deploy.test.mjs can run them on broken copies. Offline: no cluster, no Docker, no network.
//
//   - every YAML file parses (YAML 1.1, as Compose and Kubernetes read it);
//   - every document in deploy/k8s/*.yaml validates against the Kubernetes schema of its apiVersion/kind
//     (kubernetes-models, see k8s-schema.mjs), unknown fields included; a kind without a schema fails;
//   - kustomization.yaml: its resources exist and are all the manifests, its images are the Deployments';
//   - cross-checks no schema can make: probes on the real health routes and a declared port, resources,
//     Services and the HPA/PDB pointing at real pods, the environment each service validates at boot,
//     Secret and ConfigMap references, NATS users and passwords matching deploy/nats/auth.conf;
//   - deploy/k8s/nats-values.yaml against the official NATS chart's values (deploy/k8s/schemas/);
//   - docker-compose.yml and the Dockerfile targets agree; nats.conf parses (nats-server -t) when installed;
//   - NATS monitoring is reachable only from inside its container (nats.conf, compose, the chart's values),
//     and NATS TLS, off by default, is wired end to end when switched on (docker-compose.tls.yml,
//     nats-tls.conf, nats-values-tls.yaml, NATS_TLS_CA_FILE in the manifests).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkCompose } from './deploy/compose.mjs';
import { readmeEnvironmentProblems } from './deploy/env.mjs';
import { checkDockerfile } from './deploy/dockerfile.mjs';
import { readFacts } from './deploy/facts.mjs';
import { checkKubernetes } from './deploy/k8s.mjs';
import { checkNats } from './deploy/nats.mjs';
import { createContext } from './deploy/shared.mjs';
import { K8sSchemas } from './k8s-schema.mjs';
import { ROOT } from './util.mjs';

export { APPS, SECRET_HOLDERS } from './deploy/shared.mjs';


/** js-yaml is in node_modules through @nestjs/swagger; fall back to python3's PyYAML. */
export function yamlLoader() {
  try {
    const yaml = createRequire(path.join(ROOT, 'package.json'))('js-yaml');
    const schema = yaml.YAML11_SCHEMA ?? yaml.DEFAULT_SCHEMA;
    return { name: 'js-yaml', loadAll: (text) => yaml.loadAll(text, null, { schema }) };
  } catch {
    const probe = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' });
    if (probe.status !== 0) return null;
    return {
      name: 'python3 PyYAML',
      loadAll: (text) => {
        const r = spawnSync('python3', ['-c', 'import sys,yaml,json; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))'], { input: text, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr.trim().split('\n').pop());
        return JSON.parse(r.stdout);
      },
    };
  }
}

/**
 * Runs every check on the deployment files under `root` (Dockerfile, docker-compose.yml, deploy/), one
 * module per artifact (scripts/lib/deploy/), reading the application's facts (health routes, environment
 * schemas, web client) under `codeRoot`. Returns { problems: string[], checked, notes: string[] }.
 * @param {{ root?: string, codeRoot?: string, natsServer?: string | null, loader?: ReturnType<typeof yamlLoader>, schemas?: K8sSchemas }} [options]
 */
export async function checkDeploy({ root = ROOT, codeRoot = ROOT, natsServer = null, loader = yamlLoader(), schemas = new K8sSchemas() } = {}) {
  if (!loader) return { problems: ['(setup): no YAML parser: neither js-yaml in node_modules nor python3 with PyYAML'], checked: 0, notes: [] };
  const ctx = createContext({ root, codeRoot, natsServer, loader, schemas });
  const facts = await readFacts(codeRoot, ctx.problem);
  // The environment: every variable a service reads has a row in the README's table.
  ctx.problems.push(...readmeEnvironmentProblems(ctx.read(codeRoot, 'README.md') ?? '', facts.envClasses));
  const docker = checkDockerfile(ctx, facts);
  const { compose } = checkCompose(ctx, facts, docker);
  const k8s = await checkKubernetes(ctx, facts);
  await checkNats(ctx, facts, { compose, ...k8s });
  return { problems: [...new Set(ctx.problems)], checked: ctx.checked, notes: ctx.notes };
}
