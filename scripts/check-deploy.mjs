#!/usr/bin/env node
// Static checks of the deployment files, for a machine without Docker or a cluster:
//   - every YAML file parses (YAML 1.1 with merge keys, as Compose and Kubernetes read them);
//   - docker-compose.yml, the Dockerfile targets and the k8s manifests agree with each other;
//   - deploy/nats/nats.conf parses (nats-server -t) when nats-server is installed.
//   node scripts/check-deploy.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, c, fail, say, which } from './lib/util.mjs';

const APPS = { gateway: 3000, nominations: 3101, jury: 3102, announcements: 3103 };
const problems = [];
const problem = (file, message) => problems.push(`${file}: ${message}`);
let checked = 0;

/** js-yaml is in node_modules through @nestjs/swagger; fall back to python3's PyYAML. */
function yamlLoader() {
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

const loader = yamlLoader();
if (!loader) {
  fail('no YAML parser: neither js-yaml in node_modules nor python3 with PyYAML');
  process.exit(2);
}

function load(rel) {
  const file = path.join(ROOT, rel);
  try {
    const docs = loader.loadAll(fs.readFileSync(file, 'utf8')).filter((d) => d !== null && d !== undefined);
    checked++;
    return docs;
  } catch (error) {
    problem(rel, `does not parse: ${error.message.split('\n')[0]}`);
    return [];
  }
}

// ------------------------------------------------------------------------ Dockerfile
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
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
checked++;

// ------------------------------------------------------------------------ docker-compose.yml
const [compose] = load('docker-compose.yml');
if (compose) {
  const services = compose.services ?? {};
  for (const name of ['nats', 'postgres', ...Object.keys(APPS)]) if (!services[name]) problem('docker-compose.yml', `no service "${name}"`);
  if (!String(services.nats?.image).startsWith('nats:2.10')) problem('docker-compose.yml', 'nats should run nats:2.10');
  if (!(services.nats?.command ?? []).join(' ').includes('/etc/nats/nats.conf')) problem('docker-compose.yml', 'nats does not load /etc/nats/nats.conf');
  if (!(services.nats?.volumes ?? []).some((v) => String(v).startsWith('./deploy/nats:'))) problem('docker-compose.yml', 'deploy/nats is not mounted into nats');
  if (!String(services.postgres?.image).startsWith('postgres:16')) problem('docker-compose.yml', 'postgres should run postgres:16');
  if (!services.postgres?.healthcheck) problem('docker-compose.yml', 'postgres has no healthcheck');
  if (!services.nats?.healthcheck) problem('docker-compose.yml', 'nats has no healthcheck');
  const natsPasswordVars = Object.keys(services.nats?.environment ?? {});
  for (const [app, port] of Object.entries(APPS)) {
    const s = services[app];
    if (!s) continue;
    if (s.build?.target !== app) problem('docker-compose.yml', `${app}: build target should be "${app}"`);
    if (!stages.has(s.build?.target)) problem('docker-compose.yml', `${app}: Dockerfile has no target ${s.build?.target}`);
    const env = s.environment ?? {};
    if (String(env.PORT) !== String(port)) problem('docker-compose.yml', `${app}: PORT should be ${port}`);
    if (!String(env.NATS_URL).startsWith('nats://nats:')) problem('docker-compose.yml', `${app}: NATS_URL should point at the nats service`);
    if (env.NATS_USER !== app) problem('docker-compose.yml', `${app}: NATS_USER should be ${app}`);
    if (!natsPasswordVars.includes(`NATS_${app.toUpperCase()}_PASSWORD`)) problem('docker-compose.yml', `nats gets no NATS_${app.toUpperCase()}_PASSWORD`);
    const needsDb = app !== 'gateway';
    if (needsDb !== Boolean(env.DATABASE_URL)) problem('docker-compose.yml', `${app}: DATABASE_URL ${needsDb ? 'missing' : 'should not be set'}`);
    for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
      if (cond?.condition !== 'service_healthy') problem('docker-compose.yml', `${app}: depends_on ${dep} should wait for service_healthy`);
    }
    if (!s.depends_on?.nats) problem('docker-compose.yml', `${app}: does not wait for nats`);
    if (needsDb && !s.depends_on?.postgres) problem('docker-compose.yml', `${app}: does not wait for postgres`);
  }
  if (!(services.gateway?.ports ?? []).some((p) => String(p).endsWith(':3000'))) problem('docker-compose.yml', 'gateway is not published on 3000');
  for (const [name, s] of Object.entries(services)) {
    if (name in APPS && s.ports && name !== 'gateway') problem('docker-compose.yml', `${name} should not publish ports (only the gateway faces users)`);
  }
}

// ------------------------------------------------------------------------ deploy/k8s
const k8sDir = path.join(ROOT, 'deploy', 'k8s');
const objects = [];
for (const file of fs.readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
  const rel = `deploy/k8s/${file}`;
  const docs = load(rel);
  if (file === 'nats-values.yaml' || file === 'kustomization.yaml') {
    if (file === 'nats-values.yaml') {
      const v = docs[0] ?? {};
      if (v.config?.cluster?.enabled !== true || v.config?.cluster?.replicas !== 3) problem(rel, 'NATS should be a 3-node cluster');
      if (v.config?.jetstream?.enabled !== true) problem(rel, 'JetStream is not enabled');
    } else {
      for (const r of docs[0]?.resources ?? []) if (!fs.existsSync(path.join(k8sDir, r))) problem(rel, `resource ${r} does not exist`);
    }
    continue;
  }
  for (const doc of docs) {
    if (!doc.apiVersion || !doc.kind || !doc.metadata?.name) problem(rel, `a document lacks apiVersion/kind/metadata.name`);
    objects.push({ ...doc, file: rel });
  }
}
const byKind = (kind) => objects.filter((o) => o.kind === kind);
for (const [app, port] of Object.entries(APPS)) {
  const dep = byKind('Deployment').find((d) => d.metadata.name === app);
  if (!dep) {
    problem('deploy/k8s', `no Deployment ${app}`);
    continue;
  }
  const container = dep.spec?.template?.spec?.containers?.[0] ?? {};
  const podLabels = dep.spec?.template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(dep.spec?.selector?.matchLabels ?? {})) {
    if (podLabels[k] !== v) problem(dep.file, `${app}: selector ${k}=${v} does not match the pod labels`);
  }
  if (container.readinessProbe?.httpGet?.path !== '/health/ready') problem(dep.file, `${app}: readinessProbe should GET /health/ready`);
  if (container.livenessProbe?.httpGet?.path !== '/health/live') problem(dep.file, `${app}: livenessProbe should GET /health/live`);
  const containerPort = container.ports?.find((p) => p.name === 'http')?.containerPort;
  if (containerPort !== port) problem(dep.file, `${app}: containerPort should be ${port}`);
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
  if (String(env.PORT) !== String(port)) problem(dep.file, `${app}: PORT should be ${port}`);
  if (env.NATS_USER !== app) problem(dep.file, `${app}: NATS_USER should be ${app}`);
  const fromSecrets = (container.envFrom ?? []).map((e) => e.secretRef?.name).filter(Boolean);
  if ((app !== 'gateway') !== fromSecrets.includes('laurel-database')) problem(dep.file, `${app}: DATABASE_URL secret ${app === 'gateway' ? 'should not be' : 'is not'} mounted`);
  if (!dep.spec?.template?.spec?.securityContext?.runAsNonRoot) problem(dep.file, `${app}: should run as non-root`);
  const svc = byKind('Service').find((s) => s.metadata.name === app);
  if (!svc) problem('deploy/k8s', `no Service ${app}`);
  else {
    for (const [k, v] of Object.entries(svc.spec?.selector ?? {})) if (podLabels[k] !== v) problem(svc.file, `${app}: Service selector ${k}=${v} matches no pod`);
  }
}
const hpa = byKind('HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef?.name === 'gateway');
if (!hpa) problem('deploy/k8s', 'no HorizontalPodAutoscaler for the gateway');
else if (byKind('Deployment').find((d) => d.metadata.name === 'gateway')?.spec?.replicas !== undefined) {
  problem('deploy/k8s/gateway.yaml', 'the gateway Deployment sets replicas; the HPA should own them');
}

// ------------------------------------------------------------------------ deploy/nats/nats.conf
const natsServer = process.env.NATS_SERVER_BIN || which('nats-server');
if (natsServer) {
  const env = { ...process.env };
  for (const app of [...Object.keys(APPS), 'ops']) env[`NATS_${app.toUpperCase()}_PASSWORD`] = 'check';
  const r = spawnSync(natsServer, ['-c', 'nats.conf', '-t'], { cwd: path.join(ROOT, 'deploy', 'nats'), env, encoding: 'utf8' });
  if (r.status !== 0) problem('deploy/nats/nats.conf', (r.stderr || r.stdout).trim());
  checked++;
} else {
  say(c.yellow('nats-server not installed: deploy/nats/nats.conf not parsed'));
}

if (problems.length) {
  for (const p of problems) fail(p);
  process.exit(1);
}
say(`deployment files OK (${checked} files, YAML via ${loader.name})`);
