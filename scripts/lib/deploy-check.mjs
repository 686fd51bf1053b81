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
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { K8sSchemas, jsonPath, suggest } from './k8s-schema.mjs';
import { natsConfForLocalServer, natsSupportsSyncInterval } from './nats-durability.mjs';
import { ROOT } from './util.mjs';

export const APPS = { gateway: 3000, nominations: 3101, jury: 3102, announcements: 3103 };
/**
 * Secrets and the only services that may hold them (docs/operations.md, threat model): the admin token
 * is nominations' alone (a gateway holding it could mint a chair's token), the gateway's service
 * identity is shared by the gateway and the one service it calls with it.
 */
export const SECRET_HOLDERS = { LAUREL_ADMIN_TOKEN: ['nominations'], LAUREL_GATEWAY_SERVICE_TOKEN: ['gateway', 'announcements'] };
const name_in = (env, name) => Object.prototype.hasOwnProperty.call(env ?? {}, name);
const NATS_REPLICAS = 3;
/** Where the NATS chart mounts its generated config; `$include` paths are relative to it. */
const CHART_CONFIG_DIR = '/etc/nats-config';
const NATS_URL_FORMAT = /^(nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*|tls:\/\/[^\s,]+(,tls:\/\/[^\s,]+)*)$/;
/** Hosts a monitoring listener may bind: the loopback interface only. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$/;
const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'namespace', 'namePrefix', 'nameSuffix', 'resources', 'components', 'images',
  'labels', 'commonLabels', 'commonAnnotations', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'patches',
  'patchesStrategicMerge', 'patchesJson6902', 'replicas', 'replacements', 'vars', 'crds', 'configurations', 'openapi',
  'helmCharts', 'helmGlobals', 'transformers', 'generators', 'validators', 'buildMetadata', 'sortOptions',
]);
const METRIC_TARGET_TYPES = ['Utilization', 'Value', 'AverageValue'];
const KUSTOMIZATION_IMAGE_FIELDS = new Set(['name', 'newName', 'newTag', 'digest']);

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The user of a postgres:// URL (compose interpolation left as written), or null. */
const dbUser = (url) => /^postgres(?:ql)?:\/\/([^:@/]+)[:@]/.exec(String(url))?.[1] ?? null;
/** The list at a place a schema error may have left something else (reported already). */
const list = (v) => (Array.isArray(v) ? v : []);

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

function quantity(q) {
  const m = QUANTITY.exec(String(q));
  if (!m) return null;
  const units = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  return Number(m[1]) * (m[3] ? units[m[3]] : 1);
}

/** ghcr.io/laurel/gateway:latest → ghcr.io/laurel/gateway */
function imageRepo(image) {
  const noDigest = String(image).split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

const matchesLabels = (selector, labels) => isMap(selector) && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * Runs every check on the deployment files under `root` (Dockerfile, docker-compose.yml, deploy/),
 * reading the application's facts (health routes, environment classes, web client) under `codeRoot`.
 * Returns { problems: string[], checked, notes: string[] }.
 */
export async function checkDeploy({ root = ROOT, codeRoot = ROOT, natsServer = null, loader = yamlLoader(), schemas = new K8sSchemas() } = {}) {
  const problems = [];
  const notes = [];
  let checked = 0;
  const problem = (file, message) => problems.push(`${file}: ${message}`);
  const at = (obj, segments, message) => problems.push(`${obj.file} #${obj.index} ${obj.kind ?? '?'}/${obj.name ?? '?'} ${typeof segments === 'string' ? segments : jsonPath(segments)}: ${message}`);
  const read = (base, file) => {
    try {
      return fs.readFileSync(path.join(base, file), 'utf8');
    } catch {
      return null;
    }
  };
  if (!loader) {
    problem('(setup)', 'no YAML parser: neither js-yaml in node_modules nor python3 with PyYAML');
    return { problems, checked, notes };
  }
  const load = (file) => {
    const text = read(root, file);
    if (text === null) {
      problem(file, 'missing');
      return [];
    }
    try {
      const docs = loader.loadAll(text);
      checked++;
      return docs;
    } catch (error) {
      problem(file, `does not parse: ${error.message.split('\n')[0]}`);
      return [];
    }
  };

  // ---------------------------------------------------------------------- facts from the application code
  const facts = readFacts(codeRoot, (file, message) => problem(file, message));

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
  checked++;

  // ---------------------------------------------------------------------- docker-compose.yml
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
    // The per-service roles come from an init script mounted into the postgres container.
    const initMount = (services.postgres?.volumes ?? []).map(String).find((v) => v.includes(':/docker-entrypoint-initdb.d/'));
    const rolesScriptFile = initMount ? initMount.split(':')[0].replace(/^\.\//, '') : null;
    const rolesScript = (rolesScriptFile && read(root, rolesScriptFile)) ?? '';
    if (!rolesScriptFile) problem('docker-compose.yml', 'postgres mounts no init script into /docker-entrypoint-initdb.d: the per-service roles would not exist');
    else if (!rolesScript) problem('docker-compose.yml', `postgres init script ${rolesScriptFile} does not exist`);
    const composeDbUsers = new Map();
    for (const { passwordVar } of facts.natsUsers) {
      if (!natsPasswordVars.includes(passwordVar)) problem('docker-compose.yml', `nats gets no ${passwordVar} (deploy/nats/auth.conf uses it)`);
    }
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
      if (needsDb && env.DATABASE_URL) {
        // Each domain service connects as its own role (owner of its schema only), never as the superuser.
        const user = dbUser(env.DATABASE_URL);
        if (user === null) problem('docker-compose.yml', `${app}: DATABASE_URL ${env.DATABASE_URL} names no user`);
        else if (user === String(services.postgres?.environment?.POSTGRES_USER ?? 'postgres')) problem('docker-compose.yml', `${app}: DATABASE_URL connects as the superuser ${user}; each service needs its own role`);
        else if (composeDbUsers.has(user)) problem('docker-compose.yml', `${app}: DATABASE_URL user ${user} is also ${composeDbUsers.get(user)}'s: each service needs its own role`);
        else if (!new RegExp(`(^|[^\\w])${user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`).test(rolesScript)) problem('docker-compose.yml', `${app}: DATABASE_URL user ${user} is not created by ${rolesScriptFile ?? 'a postgres init script'}`);
        if (user !== null) composeDbUsers.set(user, app);
      }
      for (const name of Object.keys(env)) {
        const known = facts.envClasses[app]?.fields;
        if (known && !known.has(name)) problem('docker-compose.yml', `${app}: environment ${name} is not read by ${facts.envClasses[app].name}${suggest(name, known.keys())}`);
      }
      for (const [name, required] of facts.envClasses[app]?.fields ?? []) {
        if (required && !(name in env)) problem('docker-compose.yml', `${app}: ${name} is required by ${facts.envClasses[app].name} and not provided`);
      }
      for (const [secret, holders] of Object.entries(SECRET_HOLDERS)) {
        if (!holders.includes(app) && name_in(env, secret)) problem('docker-compose.yml', `${app}: must not get ${secret} (only ${holders.join(' and ')} may hold it)`);
      }
      for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
        if (cond?.condition !== 'service_healthy') problem('docker-compose.yml', `${app}: depends_on ${dep} should wait for service_healthy`);
      }
      if (!s.depends_on?.nats) problem('docker-compose.yml', `${app}: does not wait for nats`);
      if (needsDb && !s.depends_on?.postgres) problem('docker-compose.yml', `${app}: does not wait for postgres`);
    }
    if (!(services.gateway?.ports ?? []).some((p) => String(p).endsWith(':3000'))) problem('docker-compose.yml', 'gateway is not published on 3000');
    const gatewayServiceTokens = new Set(SECRET_HOLDERS.LAUREL_GATEWAY_SERVICE_TOKEN.map((app) => String(services[app]?.environment?.LAUREL_GATEWAY_SERVICE_TOKEN)));
    if (gatewayServiceTokens.size > 1) problem('docker-compose.yml', `gateway and announcements get different LAUREL_GATEWAY_SERVICE_TOKEN values (${[...gatewayServiceTokens].join(' / ')}): the gateway's snapshot requests would be refused`);
    for (const [name, s] of Object.entries(services)) {
      if (name in APPS && s.ports && name !== 'gateway') problem('docker-compose.yml', `${name} should not publish ports (only the gateway faces users)`);
    }
  }

  // ---------------------------------------------------------------------- deploy/k8s: load
  const k8sDir = path.join(root, 'deploy', 'k8s');
  const objects = [];
  let kustomization = null;
  let natsValues = null;
  /** Chart values layered on nats-values.yaml (`helm -f nats-values.yaml -f nats-values-<name>.yaml`). */
  const natsOverlays = [];
  const files = fs.existsSync(k8sDir) ? fs.readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  if (!files.length) problem('deploy/k8s', 'no YAML files');
  for (const file of files) {
    const relFile = `deploy/k8s/${file}`;
    const docs = load(relFile);
    if (file === 'kustomization.yaml' || /^nats-values(-[\w-]+)?\.yaml$/.test(file)) {
      const real = docs.filter((d) => d !== null && d !== undefined);
      if (real.length !== 1) problem(relFile, `should hold exactly one document, holds ${real.length}`);
      if (file === 'kustomization.yaml') kustomization = { file: relFile, doc: real[0] ?? {} };
      else if (file === 'nats-values.yaml') natsValues = { file: relFile, doc: real[0] ?? {} };
      else natsOverlays.push({ file: relFile, doc: real[0] ?? {} });
      continue;
    }
    docs.forEach((doc, i) => {
      if (doc === null || doc === undefined) return; // an empty document (a trailing ---)
      objects.push({ file: relFile, index: i + 1, doc, kind: doc?.kind, name: doc?.metadata?.name, example: file.endsWith('.example.yaml') });
    });
  }

  // ---------------------------------------------------------------------- schemas
  // Classes the cross-checks validate against, loaded with the kinds so one TypeScript program serves all.
  for (const [spec, name] of [
    ['kubernetes-models/v1/EnvVar', 'EnvVar'],
    ['kubernetes-models/v1/Container', 'Container'],
    ['kubernetes-models/v1/PodTemplateSpec', 'PodTemplateSpec'],
    ['kubernetes-models/v1/Volume', 'Volume'],
    ['kubernetes-models/v1/VolumeMount', 'VolumeMount'],
    ['kubernetes-models/v1/TopologySpreadConstraint', 'TopologySpreadConstraint'],
  ]) {
    await schemas.classOf(spec, name);
  }
  for (const obj of objects) await schemas.model(obj.doc?.apiVersion, obj.doc?.kind);
  const seen = new Map();
  for (const obj of objects) {
    const { doc } = obj;
    if (!isMap(doc)) {
      at(obj, [], 'is not a mapping');
      continue;
    }
    if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
      at(obj, [], 'lacks apiVersion or kind');
      continue;
    }
    const errors = await schemas.validateObject(doc);
    if (errors === null) {
      at(obj, 'kind', `unknown kind ${doc.kind} in ${doc.apiVersion}: no Kubernetes schema for it (typo, or a custom resource this check does not know), so it cannot be validated`);
      continue;
    }
    for (const e of errors) at(obj, e.path, e.message);
    if (typeof doc.metadata?.name !== 'string' || !doc.metadata.name) at(obj, ['metadata', 'name'], 'missing');
    const key = `${doc.kind}/${doc.metadata?.namespace ?? ''}/${doc.metadata?.name}`;
    if (seen.has(key)) at(obj, ['metadata', 'name'], `duplicate ${doc.kind} "${doc.metadata?.name}" (also ${seen.get(key)})`);
    else seen.set(key, `${obj.file} #${obj.index}`);
  }
  const valid = objects.filter((o) => isMap(o.doc) && typeof o.doc.kind === 'string');
  const applied = valid.filter((o) => !o.example);
  const byKind = (kind, list = applied) => list.filter((o) => o.doc.kind === kind);
  const find = (kind, name, list = applied) => list.find((o) => o.doc.kind === kind && o.doc.metadata?.name === name);

  // ---------------------------------------------------------------------- kustomization.yaml
  if (!kustomization) problem('deploy/k8s/kustomization.yaml', 'missing');
  else {
    const k = kustomization.doc;
    const f = kustomization.file;
    if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') problem(f, 'should be apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization');
    for (const key of Object.keys(k)) {
      if (!KUSTOMIZATION_FIELDS.has(key)) problem(f, `unknown field "${key}"${suggest(key, KUSTOMIZATION_FIELDS)}`);
    }
    const namespace = typeof k.namespace === 'string' ? k.namespace : null;
    const resources = Array.isArray(k.resources) ? k.resources : [];
    if (!Array.isArray(k.resources)) problem(f, 'resources should be a list of files');
    for (const r of resources) {
      if (typeof r !== 'string' || !fs.existsSync(path.join(k8sDir, r))) problem(f, `resource ${r} does not exist`);
      else if (r.endsWith('.example.yaml')) problem(f, `resource ${r} is an example with placeholder values: create the real objects out of band`);
    }
    const listed = new Set(resources.map((r) => path.posix.normalize(String(r))));
    for (const file of new Set(applied.map((o) => o.file.replace('deploy/k8s/', '')))) {
      if (!listed.has(file)) problem(f, `${file} is not in resources (kubectl apply -k would skip it)`);
    }
    const deploymentImages = new Map();
    for (const d of byKind('Deployment')) {
      for (const ctr of list(d.doc.spec?.template?.spec?.containers)) if (ctr.image) deploymentImages.set(imageRepo(ctr.image), d.name);
    }
    const images = Array.isArray(k.images) ? k.images : [];
    images.forEach((img, i) => {
      if (!isMap(img) || typeof img.name !== 'string') {
        problem(f, `images[${i}] needs a name`);
        return;
      }
      for (const key of Object.keys(img)) if (!KUSTOMIZATION_IMAGE_FIELDS.has(key)) problem(f, `images[${i}].${key} is not an image field${suggest(key, KUSTOMIZATION_IMAGE_FIELDS)}`);
      if (!deploymentImages.has(img.name)) problem(f, `images[${i}] ${img.name} is used by no Deployment (the tag would not apply)`);
    });
    for (const [repo, dep] of deploymentImages) {
      if (!images.some((i) => i?.name === repo)) problem(f, `image ${repo} of Deployment ${dep} has no entry in images (its tag is not pinned here)`);
    }
    if (namespace) {
      if (!find('Namespace', namespace)) problem(f, `namespace ${namespace} is not created by any resource (no Namespace object)`);
      for (const o of valid) {
        if (o.doc.kind !== 'Namespace' && o.doc.metadata?.namespace !== undefined && o.doc.metadata.namespace !== namespace) {
          at(o, ['metadata', 'namespace'], `is ${o.doc.metadata.namespace}, the kustomization's namespace is ${namespace}`);
        }
      }
    }
  }

  // ---------------------------------------------------------------------- cross-checks
  const secrets = new Map();
  for (const s of byKind('Secret', valid)) secrets.set(s.name, new Set([...Object.keys(s.doc.stringData ?? {}), ...Object.keys(s.doc.data ?? {})]));
  const configMaps = new Map();
  for (const cm of byKind('ConfigMap')) configMaps.set(cm.name, cm.doc.data ?? {});
  const secretRef = (ref) => {
    if (!ref?.name) return 'names no Secret';
    if (!secrets.has(ref.name)) return `Secret ${ref.name} is defined nowhere (not in secrets.example.yaml)`;
    if (ref.key !== undefined && !secrets.get(ref.name).has(ref.key)) return `Secret ${ref.name} has no key "${ref.key}" (keys: ${[...secrets.get(ref.name)].join(', ')})${suggest(ref.key, secrets.get(ref.name))}`;
    return null;
  };
  const hpas = byKind('HorizontalPodAutoscaler');
  const deployments = byKind('Deployment');
  const natsCluster = natsValues?.doc?.config?.cluster ?? {};
  const natsUserVar = new Map(facts.natsUsers.map((u) => [u.user, u.passwordVar]));
  const natsServerEnv = isMap(natsValues?.doc?.container?.env) ? natsValues.doc.container.env : {};
  /** ConfigMap volumes each Deployment mounts (where a NATS CA can come from). */
  const natsCaVolumes = new Map();
  /** `<secret variable> <app>` → the Secret/key it comes from, to check that holders share one. */
  const secretSources = new Map();

  const databaseSecrets = new Map();
  for (const [app, port] of Object.entries(APPS)) {
    const dep = find('Deployment', app);
    if (!dep) {
      problem('deploy/k8s', `no Deployment ${app}`);
      continue;
    }
    const spec = dep.doc.spec ?? {};
    const pod = spec.template?.spec ?? {};
    const podLabels = spec.template?.metadata?.labels ?? {};
    const containers = list(pod.containers);
    const ci = Math.max(0, containers.findIndex((c) => c?.name === app));
    const ctr = containers[ci] ?? {};
    const cpath = ['spec', 'template', 'spec', 'containers', ci];
    if (!matchesLabels(spec.selector?.matchLabels, podLabels)) at(dep, ['spec', 'selector', 'matchLabels'], 'does not match the pod template labels');
    const ports = list(ctr.ports);
    if (!ports.some((p) => p.containerPort === port)) at(dep, [...cpath, 'ports'], `no containerPort ${port}`);
    const portOk = (p) => (typeof p === 'number' ? ports.some((x) => x.containerPort === p) : ports.some((x) => x.name === p));
    for (const [probe, route, required] of [
      ['readinessProbe', facts.health.ready, true],
      ['livenessProbe', facts.health.live, true],
      ['startupProbe', facts.health.live, false],
    ]) {
      const p = ctr[probe];
      if (!p) {
        if (required) at(dep, [...cpath, probe], 'missing');
        continue;
      }
      if (!p.httpGet) {
        at(dep, [...cpath, probe], `should be an httpGet on ${route}`);
        continue;
      }
      if (route && p.httpGet.path !== route) at(dep, [...cpath, probe, 'httpGet', 'path'], `is ${p.httpGet.path}, the service answers ${probe === 'readinessProbe' ? 'readiness' : 'liveness'} on ${route}`);
      if (!portOk(p.httpGet.port)) at(dep, [...cpath, probe, 'httpGet', 'port'], `${JSON.stringify(p.httpGet.port)} is not a port the container declares`);
    }
    const res = ctr.resources ?? {};
    for (const [kind, name] of [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'memory']]) {
      if (res[kind]?.[name] === undefined) at(dep, [...cpath, 'resources', kind, name], 'missing');
    }
    const reqMem = quantity(res.requests?.memory);
    const limMem = quantity(res.limits?.memory);
    if (reqMem !== null && limMem !== null && reqMem > limMem) at(dep, [...cpath, 'resources'], 'requests.memory exceeds limits.memory');
    if (!pod.securityContext?.runAsNonRoot) at(dep, ['spec', 'template', 'spec', 'securityContext', 'runAsNonRoot'], 'should be true');
    const repo = imageRepo(ctr.image ?? '');
    if (!repo.endsWith(`/${app}`)) at(dep, [...cpath, 'image'], `${ctr.image} is not the ${app} image`);

    // Environment: what the service validates at boot (apps/*/src/main.ts → loadEnv(<class>)).
    const envClass = facts.envClasses[app];
    const env = new Map();
    list(ctr.envFrom).forEach((from, i) => {
      if (from.configMapRef) {
        const data = configMaps.get(from.configMapRef.name);
        if (!data) at(dep, [...cpath, 'envFrom', i, 'configMapRef', 'name'], `ConfigMap ${from.configMapRef.name} is not in the manifests`);
        for (const [k, v] of Object.entries(data ?? {})) env.set(k, { value: v, from: `ConfigMap ${from.configMapRef.name}`, shared: true, configMap: find('ConfigMap', from.configMapRef.name) });
      }
      if (from.secretRef) {
        const err = secretRef({ name: from.secretRef.name });
        if (err) at(dep, [...cpath, 'envFrom', i, 'secretRef', 'name'], err);
        for (const k of secrets.get(from.secretRef.name) ?? []) env.set(k, { secret: { name: from.secretRef.name, key: k }, from: `Secret ${from.secretRef.name}` });
      }
    });
    list(ctr.env).forEach((e, i) => {
      const sk = e.valueFrom?.secretKeyRef;
      const ck = e.valueFrom?.configMapKeyRef;
      if (sk) {
        const err = secretRef(sk);
        if (err) at(dep, [...cpath, 'env', i, 'valueFrom', 'secretKeyRef'], err);
      }
      if (ck && !(ck.name && configMaps.get(ck.name) && ck.key in configMaps.get(ck.name))) at(dep, [...cpath, 'env', i, 'valueFrom', 'configMapKeyRef'], `ConfigMap ${ck.name} has no key ${ck.key}`);
      env.set(e.name, { value: e.value ?? (ck ? configMaps.get(ck.name)?.[ck.key] : undefined), secret: sk, from: 'env', index: i });
      if (envClass && !envClass.fields.has(e.name)) {
        at(dep, [...cpath, 'env', i, 'name'], `${e.name} is not read by ${app} (${envClass.name} in ${envClass.file})${suggest(e.name, envClass.fields.keys())}`);
      }
    });
    const requiredMissing = new Set();
    for (const [name, required] of envClass?.fields ?? []) {
      if (required && !env.has(name)) {
        requiredMissing.add(name);
        at(dep, [...cpath, 'env'], `${name} is required by ${envClass.name} and not provided`);
      }
    }
    const need = (name, why) => {
      if (!env.has(name) && !requiredMissing.has(name)) at(dep, [...cpath, 'env'], `${name} is not set (${why})`);
      return env.get(name);
    };
    const natsUrl = need('NATS_URL', 'the services default to 127.0.0.1');
    if (natsUrl?.value !== undefined) {
      if (!NATS_URL_FORMAT.test(natsUrl.value)) at(dep, [...cpath, 'env'], `NATS_URL ${natsUrl.value} (${natsUrl.from}) is not nats://host:port`);
      else {
        const { hostname, port: natsPort } = new URL(natsUrl.value.split(',')[0]);
        if (hostname.split('.')[0] !== 'nats' || (natsPort || '4222') !== String(natsValues?.doc?.config?.nats?.port ?? 4222)) {
          at(dep, [...cpath, 'env'], `NATS_URL ${natsUrl.value} (${natsUrl.from}) does not name the client Service of the NATS release "nats"`);
        }
      }
    }
    // NATS TLS: a CA file only beside tls:// URLs, and readable in the container (a mounted volume).
    const caFile = env.get('NATS_TLS_CA_FILE');
    if (caFile?.value !== undefined) {
      if (natsUrl?.value !== undefined && !String(natsUrl.value).startsWith('tls://')) at(dep, [...cpath, 'env'], `NATS_TLS_CA_FILE is set (${caFile.from}) but NATS_URL ${natsUrl.value} is not tls://: the services refuse that at boot`);
      const mount = list(ctr.volumeMounts).find((m) => typeof m?.mountPath === 'string' && String(caFile.value).startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
      if (!mount) at(dep, [...cpath, 'volumeMounts'], `NATS_TLS_CA_FILE ${caFile.value} (${caFile.from}) is under no volumeMount of the ${app} container`);
      else if (!list(pod.volumes).some((v) => v?.name === mount.name)) at(dep, ['spec', 'template', 'spec', 'volumes'], `volumeMount ${mount.name} (NATS_TLS_CA_FILE) has no volume`);
    }
    natsCaVolumes.set(app, list(pod.volumes).filter((v) => v?.configMap?.name && list(ctr.volumeMounts).some((m) => m?.name === v.name)).map((v) => ({ configMap: v.configMap.name, mountPath: list(ctr.volumeMounts).find((m) => m?.name === v.name).mountPath })));
    const user = need('NATS_USER', 'its NATS user');
    if (user && user.value !== app) at(dep, [...cpath, 'env'], `NATS_USER is ${user.value}, should be ${app}`);
    if (user?.value && facts.natsUsers.length && !natsUserVar.has(user.value)) at(dep, [...cpath, 'env'], `NATS_USER ${user.value} is not a user in deploy/nats/auth.conf`);
    const password = need('NATS_PASSWORD', 'its NATS password');
    if (password && !password.secret) at(dep, [...cpath, 'env'], 'NATS_PASSWORD should come from a Secret (secretKeyRef)');
    if (password?.secret && user?.value && natsUserVar.has(user.value)) {
      const serverSide = natsServerEnv[natsUserVar.get(user.value)]?.valueFrom?.secretKeyRef;
      if (!serverSide || serverSide.name !== password.secret.name || serverSide.key !== password.secret.key) {
        at(dep, [...cpath, 'env'], `NATS_PASSWORD comes from ${password.secret.name}/${password.secret.key}, but the NATS servers read ${natsUserVar.get(user.value)} from ${serverSide ? `${serverSide.name}/${serverSide.key}` : 'nowhere'} (nats-values.yaml container.env)`);
      }
    }
    const portEnv = env.get('PORT');
    if (String(portEnv?.value) !== String(port)) at(dep, [...cpath, 'env'], `PORT should be ${port}, is ${portEnv?.value}`);
    for (const [secret, holders] of Object.entries(SECRET_HOLDERS)) {
      const held = env.get(secret);
      if (!holders.includes(app)) {
        if (held) at(dep, [...cpath, 'env'], `${secret} (${held.from}) must not reach ${app}: only ${holders.join(' and ')} may hold it`);
        continue;
      }
      const why = secret === 'LAUREL_ADMIN_TOKEN' ? 'nominations owns the admin token; a generated one would change with every pod' : `the gateway's service identity, shared by ${holders.join(' and ')}`;
      const value = need(secret, why);
      if (value && !value.secret) at(dep, [...cpath, 'env'], `${secret} should come from a Secret`);
      if (value?.secret) secretSources.set(`${secret} ${app}`, `${value.secret.name}/${value.secret.key ?? secret}`);
    }
    if (app === 'gateway') {
      if (env.has('DATABASE_URL')) at(dep, [...cpath, 'env'], 'the gateway gets no DATABASE_URL');
    } else {
      const db = need('DATABASE_URL', 'external Postgres');
      if (db && !db.secret) at(dep, [...cpath, 'env'], 'DATABASE_URL should come from a Secret');
      if (db?.secret) {
        // One database Secret per service: its own role, so no pod holds another service's credentials.
        const other = databaseSecrets.get(db.secret.name);
        if (other) at(dep, [...cpath, 'env'], `DATABASE_URL comes from Secret ${db.secret.name}, which ${other} uses too: each service needs its own database Secret (its own role)`);
        else databaseSecrets.set(db.secret.name, app);
      }
      const replicas = need('JETSTREAM_REPLICAS', `streams and KV buckets need ${NATS_REPLICAS} replicas on the ${NATS_REPLICAS}-node cluster`);
      if (replicas && String(replicas.value) !== String(natsCluster.replicas ?? NATS_REPLICAS)) {
        at(dep, [...cpath, 'env'], `JETSTREAM_REPLICAS is ${replicas.value} (${replicas.from}), the NATS cluster has ${natsCluster.replicas} nodes`);
      }
    }
    for (const [name, e] of env) {
      if (e.shared && !Object.values(facts.envClasses).some((cls) => cls?.fields.has(name))) {
        at(e.configMap, ['data', name], `${name} is read by no service${suggest(name, Object.values(facts.envClasses).flatMap((cls) => [...(cls?.fields.keys() ?? [])]))}`);
      }
    }

    // Service
    const svc = find('Service', app);
    if (!svc) problem('deploy/k8s', `no Service ${app}`);
    else {
      if (!matchesLabels(svc.doc.spec?.selector, podLabels)) at(svc, ['spec', 'selector'], `matches no pod of Deployment ${app}`);
      list(svc.doc.spec?.ports).forEach((p, i) => {
        if (!portOk(p.targetPort ?? p.port)) at(svc, ['spec', 'ports', i, 'targetPort'], `${JSON.stringify(p.targetPort ?? p.port)} is not a port of the ${app} container`);
      });
    }
    const hpa = hpas.find((h) => h.doc.spec?.scaleTargetRef?.name === app);
    if (app === 'gateway' && !hpa) problem('deploy/k8s', 'no HorizontalPodAutoscaler for the gateway');
    if (hpa && spec.replicas !== undefined) at(dep, ['spec', 'replicas'], 'is set, but the HorizontalPodAutoscaler owns the replica count (every apply would reset it)');
    if (app !== 'gateway' && spec.replicas !== 1 && !hpa) at(dep, ['spec', 'replicas'], 'domain services run one replica (outbox relay, boot migrations)');
  }
  // A shared secret must be the same one on both sides.
  for (const [secret, holders] of Object.entries(SECRET_HOLDERS)) {
    const sources = holders.map((app) => secretSources.get(`${secret} ${app}`)).filter(Boolean);
    if (new Set(sources).size > 1) problem('deploy/k8s', `${secret} comes from different Secrets for ${holders.join(' and ')} (${sources.join(', ')}): they must share one`);
  }
  // Every Service selects some pod.
  for (const svc of byKind('Service')) {
    if (!deployments.some((d) => matchesLabels(svc.doc.spec?.selector, d.doc.spec?.template?.metadata?.labels))) at(svc, ['spec', 'selector'], 'matches no Deployment');
  }
  for (const h of hpas) {
    const ref = h.doc.spec?.scaleTargetRef ?? {};
    const target = ref.kind === 'Deployment' ? find('Deployment', ref.name) : null;
    if (ref.kind !== 'Deployment' || ref.apiVersion !== 'apps/v1') at(h, ['spec', 'scaleTargetRef'], 'should name an apps/v1 Deployment');
    if (!target) {
      at(h, ['spec', 'scaleTargetRef', 'name'], `Deployment ${ref.name} does not exist`);
      continue;
    }
    const min = h.doc.spec?.minReplicas ?? 1;
    if (min < 2) at(h, ['spec', 'minReplicas'], `is ${min}: keep at least 2 so one pod can fail or roll without dropping every client`);
    if (h.doc.spec?.maxReplicas < min) at(h, ['spec', 'maxReplicas'], `is below minReplicas ${min}`);
    list(h.doc.spec?.metrics).forEach((m, i) => {
      const name = m.resource?.name;
      // A plain string in the OpenAPI schema; the API documents these three.
      for (const source of ['resource', 'containerResource', 'pods', 'object', 'external']) {
        const type = m[source]?.target?.type;
        if (type !== undefined && !METRIC_TARGET_TYPES.includes(type)) at(h, ['spec', 'metrics', i, source, 'target', 'type'], `is ${type}, should be one of ${METRIC_TARGET_TYPES.join(', ')}`);
      }
      if (m.type === 'Resource' && m.resource?.target?.type === 'Utilization') {
        const missing = list(target.doc.spec?.template?.spec?.containers).filter((c) => c.resources?.requests?.[name] === undefined);
        if (missing.length) at(h, ['spec', 'metrics', i], `${name} utilization needs ${name} requests on every container (${missing.map((c) => c.name).join(', ')} has none)`);
      }
    });
  }
  for (const pdb of byKind('PodDisruptionBudget')) {
    const target = deployments.find((d) => matchesLabels(pdb.doc.spec?.selector?.matchLabels, d.doc.spec?.template?.metadata?.labels));
    if (!target) {
      at(pdb, ['spec', 'selector'], 'matches no Deployment');
      continue;
    }
    const replicas = hpas.find((h) => h.doc.spec?.scaleTargetRef?.name === target.name)?.doc.spec?.minReplicas ?? target.doc.spec?.replicas ?? 1;
    const minAvailable = pdb.doc.spec?.minAvailable;
    if (Number.isInteger(minAvailable) && minAvailable >= replicas) at(pdb, ['spec', 'minAvailable'], `${minAvailable} with ${replicas} replica(s) of ${target.name} blocks every node drain`);
  }
  // The web client may fall back to HTTP long-polling, whose requests must all reach one gateway pod.
  if (facts.webTransports?.includes('polling')) {
    const svc = find('Service', 'gateway');
    if (svc && svc.doc.spec?.sessionAffinity !== 'ClientIP') {
      at(svc, ['spec', 'sessionAffinity'], `should be ClientIP: apps/web allows the long-polling transport (${facts.webTransports.join(', ')}), whose requests must reach one pod`);
    }
  }

  // ---------------------------------------------------------------------- nats-values.yaml
  if (!natsValues) problem('deploy/k8s/nats-values.yaml', 'missing');
  else await checkNatsValues({ natsValues, facts, compose, secretRef, schemas, root, problems, natsServer, read });
  for (const overlay of natsOverlays) checkNatsOverlay({ overlay, natsCaVolumes, problems, root, read });
  checkNatsEdge({ root, read, load: (file) => (fs.existsSync(path.join(root, file)) ? load(file) : null), compose, facts, problems, notes, natsServer });

  // ---------------------------------------------------------------------- deploy/nats/nats.conf
  if (natsServer) {
    const env = { ...process.env };
    for (const { passwordVar } of facts.natsUsers) env[passwordVar] = 'check';
    // An older local binary (2.9) does not know `sync_interval` (2.10+, the images' version): parse a copy without it.
    const confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-nats-check-'));
    for (const file of fs.readdirSync(path.join(root, 'deploy', 'nats'))) {
      if (file.endsWith('.conf')) fs.writeFileSync(path.join(confDir, file), natsConfForLocalServer(fs.readFileSync(path.join(root, 'deploy', 'nats', file), 'utf8'), natsServer));
    }
    if (!natsSupportsSyncInterval(natsServer)) notes.push('nats-server older than 2.10: deploy/nats/nats.conf parsed without its sync_interval line');
    const r = spawnSync(natsServer, ['-c', 'nats.conf', '-t'], { cwd: confDir, env, encoding: 'utf8' });
    fs.rmSync(confDir, { recursive: true, force: true });
    if (r.status !== 0) problem('deploy/nats/nats.conf', (r.stderr || r.stdout).trim());
    checked++;
  } else {
    notes.push('nats-server not installed: deploy/nats/nats.conf and the chart-rendered include not parsed');
  }
  return { problems: [...new Set(problems)], checked, notes };
}

/** Facts the manifests must agree with, read from the application's code (never changed here). */
export function readFacts(codeRoot, problem) {
  const read = (file) => {
    try {
      return fs.readFileSync(path.join(codeRoot, file), 'utf8');
    } catch {
      return null;
    }
  };
  // Health routes: libs/observability/src/health.ts, @Controller('health') with @Get('live') live() and @Get([...]) ready().
  const health = { live: null, ready: null };
  const healthFile = 'libs/observability/src/health.ts';
  const healthSrc = read(healthFile) ?? '';
  const base = /@Controller\(\s*'([^']*)'\s*\)/.exec(healthSrc)?.[1];
  for (const method of ['live', 'ready']) {
    const m = new RegExp(`@Get\\(\\s*(\\[[^\\]]*\\]|'[^']*')\\s*\\)\\s*(?:@\\w+\\([^)]*\\)\\s*)*${method}\\s*\\(`).exec(healthSrc);
    const first = m && /'([^']*)'/.exec(m[1])?.[1];
    if (base === undefined || first === undefined || first === null) problem(healthFile, `cannot find the ${method} route (@Controller/@Get ${method}())`);
    else health[method] = `/${[base, first].filter(Boolean).join('/')}`;
  }

  // Environment classes: apps/<app>/src/main.ts calls loadEnv(<Class>); its fields are the variables read.
  const envClasses = {};
  const candidates = (app) => {
    const dirs = [path.join('apps', app, 'src'), ...fs.readdirSync(path.join(codeRoot, 'libs'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join('libs', d.name, 'src'))];
    return dirs.flatMap((d) => {
      try {
        return fs.readdirSync(path.join(codeRoot, d)).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).map((f) => path.join(d, f));
      } catch {
        return [];
      }
    });
  };
  // A class's fields, its base classes' included (`export class NominationsEnv extends DomainServiceEnv`).
  const classFields = (app, name, seen = new Set()) => {
    if (seen.has(name)) return null;
    seen.add(name);
    for (const file of candidates(app)) {
      const src = read(file) ?? '';
      const head = new RegExp(`export class ${name}(?:\\s+extends\\s+(\\w+))?\\s*\\{`).exec(src);
      if (!head) continue;
      const end = src.indexOf('\n}', head.index);
      const body = src.slice(head.index, end < 0 ? undefined : end);
      const fields = new Map();
      if (head[1]) {
        const base = classFields(app, head[1], seen);
        if (!base) problem(file, `cannot find export class ${head[1]} (the base of ${name})`);
        for (const [k, v] of base?.fields ?? []) fields.set(k, v);
      }
      for (const f of body.matchAll(/^\s*([A-Z][A-Z0-9_]*)([?!]?)\s*:/gm)) fields.set(f[1], f[2] !== '?');
      return { file: file.split(path.sep).join('/'), fields };
    }
    return null;
  };
  for (const app of Object.keys(APPS)) {
    const mainFile = `apps/${app}/src/main.ts`;
    const name = /loadEnv\(\s*(\w+)\s*\)/.exec(read(mainFile) ?? '')?.[1];
    if (!name) {
      problem(mainFile, 'cannot find loadEnv(<class>): the environment the service reads is unknown');
      continue;
    }
    const found = classFields(app, name);
    if (found) envClasses[app] = { name, ...found };
    else problem(mainFile, `cannot find export class ${name}`);
  }

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

/** The chart's key tree (deploy/k8s/schemas/nats-chart-values.json), or null with a problem said. */
function loadChart({ root, read, problems }) {
  const schemaFile = 'deploy/k8s/schemas/nats-chart-values.json';
  try {
    const text = read(root, schemaFile) ?? read(ROOT, schemaFile);
    if (text === null) throw new Error('missing');
    const parsed = JSON.parse(text);
    if (!isMap(parsed?.values)) throw new Error('no "values" tree');
    return parsed;
  } catch (error) {
    problems.push(`${schemaFile}: cannot read: ${error.message}`);
    return null;
  }
}

/** Every key path of `values` must exist in the chart's values (Helm ignores unknown keys without a word). */
function walkChartValues(values, chart, problem) {
  const walk = (value, shape, segments) => {
    if (value === null || shape === 'any') return; // null removes a chart default; 'any' has no default type
    if (shape === 'map') {
      if (!isMap(value)) problem(segments, 'should be a map (chart default {})');
      return;
    }
    if (shape === 'list') {
      if (!Array.isArray(value)) problem(segments, 'should be a list (chart default [])');
      return;
    }
    if (typeof shape === 'string') {
      const ok = shape === 'integer' ? Number.isInteger(value) : typeof value === shape;
      if (!ok) problem(segments, `should be ${shape === 'integer' ? 'an integer' : `a ${shape}`} (as the chart's default), is ${JSON.stringify(value)}`);
      return;
    }
    if (!isMap(value)) {
      problem(segments, `should be a map (keys ${Object.keys(shape).join(', ')})`);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key in shape) walk(child, shape[key], [...segments, key]);
      else if ('*' in shape) walk(child, shape['*'], [...segments, key]);
      else problem([...segments, key], `unknown key "${key}": not in the NATS chart's values, the chart would ignore it${suggest(key, Object.keys(shape))}`);
    }
  };
  if (chart?.values) walk(values, chart.values, []);
}

/** `host:port` of a NATS `http`/`https` listener, or null. */
function listenOf(value) {
  const m = /^\s*"?(\[[^\]]+\]|[^\s:"]+)?:?(\d+)"?\s*$/.exec(String(value));
  return m ? { host: m[1] ?? '0.0.0.0', port: Number(m[2]) } : null;
}

/** The official NATS chart's values: keys, cluster, JetStream, auth include, secrets, patches, monitoring. */
async function checkNatsValues({ natsValues, facts, compose, secretRef, schemas, root, problems, natsServer, read }) {
  const f = natsValues.file;
  const v = natsValues.doc;
  const problem = (segments, message) => problems.push(`${f} ${jsonPath(segments)}: ${message}`);
  const chart = loadChart({ root, read, problems });
  if (!isMap(v)) {
    problem([], 'is not a mapping');
    return;
  }
  walkChartValues(v, chart, problem);

  const cfg = v.config ?? {};
  if (cfg.cluster?.enabled !== true) problem(['config', 'cluster', 'enabled'], 'should be true (a NATS cluster)');
  if (cfg.cluster?.replicas !== NATS_REPLICAS) problem(['config', 'cluster', 'replicas'], `should be ${NATS_REPLICAS}: a 3-node JetStream cluster keeps a quorum with one node down`);
  if (cfg.jetstream?.enabled !== true) problem(['config', 'jetstream', 'enabled'], 'should be true');
  if (cfg.jetstream?.fileStore?.enabled !== true) problem(['config', 'jetstream', 'fileStore', 'enabled'], 'should be true (streams on disk)');
  if (cfg.jetstream?.fileStore?.pvc?.enabled !== true) problem(['config', 'jetstream', 'fileStore', 'pvc', 'enabled'], 'should be true (a PersistentVolumeClaim per server)');
  const size = cfg.jetstream?.fileStore?.pvc?.size;
  if (size !== undefined && quantity(size) === null) problem(['config', 'jetstream', 'fileStore', 'pvc', 'size'], `${size} is not a Kubernetes quantity`);
  const composeTag = /^nats:(\d+\.\d+)/.exec(String(compose?.services?.nats?.image))?.[1];
  const chartTag = /^(\d+\.\d+)/.exec(String(v.container?.image?.tag ?? ''))?.[1];
  if (composeTag && chartTag !== composeTag) problem(['container', 'image', 'tag'], `${v.container?.image?.tag} is not the NATS ${composeTag} that docker-compose.yml runs`);

  // Server environment: each variable an EnvVar (string or { valueFrom }), each Secret reference real.
  const env = isMap(v.container?.env) ? v.container.env : {};
  for (const [name, value] of Object.entries(env)) {
    const envVar = typeof value === 'string' ? { name, value } : { name, ...(isMap(value) ? value : { value }) };
    for (const e of await schemas.validateAs('kubernetes-models/v1/EnvVar', 'EnvVar', envVar, ['container', 'env', name])) problems.push(`${f} ${e.path}: ${e.message}`);
    const ref = value?.valueFrom?.secretKeyRef;
    if (ref) {
      const err = secretRef(ref);
      if (err) problem(['container', 'env', name, 'valueFrom', 'secretKeyRef'], err);
    }
  }
  for (const { user, passwordVar } of facts.natsUsers) {
    if (!(passwordVar in env)) problem(['container', 'env'], `no ${passwordVar}: deploy/nats/auth.conf gives user ${user} the password $${passwordVar}`);
  }

  // JSON patches on the nats container and the pod template: paths that exist, values of the right type.
  const mounts = [];
  const volumes = [];
  for (const [base, spec, exportName] of [
    ['container', 'kubernetes-models/v1/Container', 'Container'],
    ['podTemplate', 'kubernetes-models/v1/PodTemplateSpec', 'PodTemplateSpec'],
  ]) {
    const ops = v[base]?.patch ?? [];
    if (!Array.isArray(ops)) continue;
    for (const [i, op] of ops.entries()) {
      const segs = [base, 'patch', i];
      if (!isMap(op) || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op.op)) {
        problem(segs, 'is not a JSON patch operation (op add/remove/replace/move/copy/test)');
        continue;
      }
      if (typeof op.path !== 'string' || !op.path.startsWith('/')) {
        problem([...segs, 'path'], 'should be a JSON pointer (/…)');
        continue;
      }
      const target = schemas.resolvePointer(spec, exportName, op.path);
      if (!target) {
        problem([...segs, 'path'], `${op.path} is no field of a ${exportName}`);
        continue;
      }
      if (['add', 'replace', 'test'].includes(op.op)) {
        for (const e of await schemas.validateAs(target.spec, target.exportName, op.value, [...segs, 'value'])) problems.push(`${f} ${e.path}: ${e.message}`);
      }
      if (op.op === 'add' && target.exportName === 'VolumeMount') mounts.push(op.value);
      if (op.op === 'add' && target.exportName === 'Volume') volumes.push(op.value);
    }
  }
  for (const [key, constraint] of Object.entries(isMap(v.podTemplate?.topologySpreadConstraints) ? v.podTemplate.topologySpreadConstraints : {})) {
    // The chart adds topologyKey (the map key) and a labelSelector for the StatefulSet's pods.
    const full = { topologyKey: key, ...(isMap(constraint) ? constraint : {}) };
    for (const e of await schemas.validateAs('kubernetes-models/v1/TopologySpreadConstraint', 'TopologySpreadConstraint', full, ['podTemplate', 'topologySpreadConstraints', key])) {
      problems.push(`${f} ${e.path}: ${e.message}`);
    }
  }

  // Users and permissions: config.merge `<prefix>$include` of deploy/nats/auth.conf from a mounted ConfigMap.
  const merge = isMap(cfg.merge) ? cfg.merge : {};
  const includes = Object.entries(merge).filter(([k]) => k.endsWith('$include'));
  if (!includes.length) problem(['config', 'merge'], 'no $include of auth.conf: the servers would run without the users and permissions of deploy/nats/auth.conf');
  const prefixes = v.reloader?.natsVolumeMountPrefixes ?? ['/etc/'];
  let authInclude = null;
  for (const [key, target] of includes) {
    const segs = ['config', 'merge', key];
    if (typeof target !== 'string') {
      problem(segs, 'should be a path');
      continue;
    }
    if (path.posix.isAbsolute(target)) {
      problem(segs, `${target} is absolute: nats-server joins include paths onto the including file's directory (${CHART_CONFIG_DIR}), so write it relative to it`);
      continue;
    }
    const resolved = path.posix.join(CHART_CONFIG_DIR, target);
    const mount = mounts.find((m) => path.posix.join(m?.mountPath ?? '', path.posix.basename(resolved)) === resolved);
    if (!mount) {
      problem(segs, `${target} resolves to ${resolved}, which no volumeMount added by container.patch provides`);
      continue;
    }
    const volume = volumes.find((vol) => vol?.name === mount.name);
    if (!volume) problem(segs, `volumeMount ${mount.name} has no volume in podTemplate.patch`);
    else if (!volume.configMap?.name) problem(segs, `volume ${mount.name} should be a ConfigMap (created from deploy/nats/${path.posix.basename(resolved)})`);
    if (!fs.existsSync(path.join(root, 'deploy', 'nats', path.posix.basename(resolved)))) problem(segs, `deploy/nats/${path.posix.basename(resolved)} does not exist`);
    if (!prefixes.some((p) => mount.mountPath.startsWith(p))) problem(segs, `${mount.mountPath} is outside reloader.natsVolumeMountPrefixes (${prefixes.join(', ')}): auth.conf changes would not be reloaded`);
    authInclude = { target, mountPath: mount.mountPath, file: path.posix.basename(resolved) };
  }

  // Monitoring answers without authentication: never on the pod IP (the chart's `monitor` puts it there,
  // with a Service port and httpGet probes); on the loopback interface, probed from inside the container.
  const httpListen = merge.http === undefined ? null : listenOf(merge.http);
  if (cfg.monitor?.enabled !== false) {
    problem(['config', 'monitor', 'enabled'], "should be false: the chart's monitor listens on the pod IP, where anything in the cluster reaches it without authentication (set config.merge.http: 127.0.0.1:8222 and probe it from inside the container)");
  }
  if (v.service?.ports?.monitor?.enabled === true) problem(['service', 'ports', 'monitor', 'enabled'], 'exposes the unauthenticated monitoring port in the Service');
  if (merge.http === undefined) problem(['config', 'merge', 'http'], 'missing: the probes need the monitoring endpoint on 127.0.0.1');
  else if (!httpListen) problem(['config', 'merge', 'http'], `${merge.http} is not host:port`);
  else if (!LOOPBACK.has(httpListen.host)) problem(['config', 'merge', 'http'], `${merge.http} listens beyond the loopback interface: monitoring has no authentication`);
  for (const key of ['https', 'http_port', 'https_port', 'monitor_port']) {
    if (merge[key] !== undefined) problem(['config', 'merge', key], 'opens monitoring on every interface: use http: 127.0.0.1:<port>');
  }
  const probeOps = new Map(list(v.container?.patch).filter((op) => op?.op === 'add' && /^\/(startup|readiness|liveness)Probe$/.test(op?.path)).map((op) => [op.path.slice(1), op]));
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    const op = probeOps.get(probe);
    if (!op) {
      if (cfg.monitor?.enabled === false) problem(['container', 'patch'], `no ${probe}: with config.monitor off the chart renders none; add it as an exec probe on the loopback monitor`);
      continue;
    }
    const command = list(op.value?.exec?.command).join(' ');
    const url = /https?:\/\/([^/\s:]+|\[[^\]]+\]):(\d+)\/healthz\S*/.exec(command);
    const i = list(v.container.patch).indexOf(op);
    if (!url) problem(['container', 'patch', i, 'value', 'exec', 'command'], `${probe} should fetch http://127.0.0.1:<port>/healthz inside the container`);
    else if (!LOOPBACK.has(url[1]) || (httpListen && Number(url[2]) !== httpListen.port)) problem(['container', 'patch', i, 'value', 'exec', 'command'], `${probe} fetches ${url[0]}, the monitor listens on ${merge.http}`);
  }

  // Render what the chart renders around the include and let nats-server parse it, with exactly the
  // environment variables the chart gives the container.
  if (authInclude && natsServer) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-nats-chart-'));
    try {
      const configDir = path.join(tmp, CHART_CONFIG_DIR);
      const mountDir = path.join(tmp, authInclude.mountPath);
      fs.mkdirSync(configDir, { recursive: true });
      fs.mkdirSync(mountDir, { recursive: true });
      fs.copyFileSync(path.join(root, 'deploy', 'nats', authInclude.file), path.join(mountDir, authInclude.file));
      const monitor = cfg.monitor?.enabled === false ? (merge.http !== undefined ? `http: ${JSON.stringify(String(merge.http))}\n` : '') : `http_port: ${cfg.monitor?.port ?? 8222}\n`;
      fs.writeFileSync(path.join(configDir, 'nats.conf'), `port: 4222\n${monitor}include ${authInclude.target}\n`);
      const childEnv = { PATH: process.env.PATH ?? '' };
      for (const name of Object.keys(env)) childEnv[name] = 'check';
      const r = spawnSync(natsServer, ['-c', path.join(configDir, 'nats.conf'), '-t'], { env: childEnv, encoding: 'utf8' });
      if (r.status !== 0) problem(['config', 'merge'], `nats-server rejects the chart's config with auth.conf: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

/** A chart values file layered on nats-values.yaml: its keys, and NATS TLS wired to the services' CA mount. */
function checkNatsOverlay({ overlay, natsCaVolumes, problems, root, read }) {
  const f = overlay.file;
  const v = overlay.doc;
  const problem = (segments, message) => problems.push(`${f} ${jsonPath(segments)}: ${message}`);
  if (!isMap(v)) {
    problem([], 'is not a mapping');
    return;
  }
  walkChartValues(v, loadChart({ root, read, problems }), problem);
  if (v.config?.monitor?.enabled === true) problem(['config', 'monitor', 'enabled'], "turns the chart's monitor back on: it listens on the pod IP without authentication");
  const tls = v.config?.nats?.tls;
  if (tls?.enabled === true && !(typeof tls.secretName === 'string' && tls.secretName)) problem(['config', 'nats', 'tls', 'secretName'], 'missing: the Secret with the servers\' tls.crt and tls.key');
  const ca = v.tlsCA;
  if (ca?.enabled === true) {
    if (!ca.configMapName && !ca.secretName) problem(['tlsCA'], 'enabled without configMapName or secretName');
    if (ca.configMapName) {
      // The services verify the servers with the same CA: every Deployment must mount that ConfigMap.
      const missing = Object.keys(APPS).filter((app) => !(natsCaVolumes.get(app) ?? []).some((vol) => vol.configMap === ca.configMapName));
      if (missing.length) problem(['tlsCA', 'configMapName'], `${ca.configMapName} is not mounted by ${missing.join(', ')}: NATS_TLS_CA_FILE could not point at it`);
    }
  }
}

/** NATS monitoring only inside its container (nats.conf, compose), and the compose NATS TLS override. */
function checkNatsEdge({ root, read, load, compose, facts, problems, notes, natsServer }) {
  const problem = (file, message) => problems.push(`${file}: ${message}`);
  const confFile = 'deploy/nats/nats.conf';
  const conf = (read(root, confFile) ?? '').replace(/#.*$/gm, '');
  let monitorPort = null;
  for (const m of conf.matchAll(/^\s*(http_port|monitor_port|https_port)\s*[:=]\s*(\S+)/gm)) {
    problem(confFile, `${m[1]} ${m[2]} opens monitoring on every interface, without authentication: use http: 127.0.0.1:<port>`);
    monitorPort = Number(m[2]);
  }
  for (const m of conf.matchAll(/^\s*(https?)\s*[:=]\s*(\S+)/gm)) {
    const listen = listenOf(m[2]);
    if (!listen) problem(confFile, `${m[1]} ${m[2]} is not host:port`);
    else {
      if (!LOOPBACK.has(listen.host)) problem(confFile, `${m[1]} ${m[2]} listens beyond the loopback interface: monitoring has no authentication`);
      monitorPort = listen.port;
    }
  }
  const nats = compose?.services?.nats;
  if (nats) {
    for (const p of list(nats.ports)) {
      if (monitorPort !== null && String(p).split(':').some((part) => part.replace(/\/\w+$/, '') === String(monitorPort))) problem('docker-compose.yml', `nats publishes the monitoring port (${p})`);
    }
    const test = list(nats.healthcheck?.test).join(' ');
    const probe = /https?:\/\/([^/\s:]+):(\d+)\//.exec(test);
    if (!probe) problem('docker-compose.yml', 'the nats health check calls no monitoring URL');
    else if (!LOOPBACK.has(probe[1]) || (monitorPort !== null && Number(probe[2]) !== monitorPort)) problem('docker-compose.yml', `the nats health check calls ${probe[1]}:${probe[2]}, monitoring listens on 127.0.0.1:${monitorPort}`);
  }

  // docker-compose.tls.yml: TLS on the NATS client port, the services on tls:// with the CA mounted.
  const overrideFile = 'docker-compose.tls.yml';
  const override = load(overrideFile)?.[0];
  if (override === null || override === undefined) {
    notes.push(`${overrideFile} absent: no NATS TLS variant for compose`);
    return;
  }
  const services = override.services ?? {};
  const command = list(services.nats?.command).join(' ');
  const tlsConfName = /\/etc\/nats\/([\w.-]+\.conf)/.exec(command)?.[1];
  const tlsConf = tlsConfName ? read(root, `deploy/nats/${tlsConfName}`) : null;
  if (!tlsConfName) problem(overrideFile, 'nats: the command loads no config from /etc/nats (deploy/nats)');
  else if (tlsConf === null) problem(overrideFile, `nats loads /etc/nats/${tlsConfName}, and deploy/nats/${tlsConfName} does not exist`);
  else {
    const body = tlsConf.replace(/#.*$/gm, '');
    if (!/^\s*tls\s*[:=]?\s*\{/m.test(body)) problem(`deploy/nats/${tlsConfName}`, 'has no tls { } block');
    for (const key of ['cert_file', 'key_file']) {
      const file = new RegExp(`^\\s*${key}\\s*[:=]\\s*"?([^"\\s]+)`, 'm').exec(body)?.[1];
      if (!file) problem(`deploy/nats/${tlsConfName}`, `tls has no ${key}`);
      else if (!file.startsWith('/etc/nats/')) problem(`deploy/nats/${tlsConfName}`, `${key} ${file} is outside /etc/nats, the only folder compose mounts into nats (./deploy/nats)`);
    }
  }
  for (const app of Object.keys(APPS)) {
    const s = services[app];
    if (!s) {
      problem(overrideFile, `no service "${app}": it would keep dialling nats:// against a TLS-only server`);
      continue;
    }
    const env = isMap(s.environment) ? s.environment : {};
    if (!String(env.NATS_URL ?? '').startsWith('tls://nats:')) problem(overrideFile, `${app}: NATS_URL should be tls://nats:4222`);
    const known = facts.envClasses[app]?.fields;
    for (const name of Object.keys(env)) {
      if (known && !known.has(name)) problem(overrideFile, `${app}: environment ${name} is not read by ${facts.envClasses[app].name}${suggest(name, known.keys())}`);
    }
    const caFile = env.NATS_TLS_CA_FILE;
    if (!caFile) problem(overrideFile, `${app}: no NATS_TLS_CA_FILE: the server's certificate could not be verified against the development CA`);
    else if (!list(s.volumes).some((vol) => {
      const target = String(vol).split(':')[1] ?? '';
      return target === caFile || String(caFile).startsWith(`${target.replace(/\/$/, '')}/`);
    })) problem(overrideFile, `${app}: NATS_TLS_CA_FILE ${caFile} is in no mounted volume`);
  }
  // Let nats-server parse the TLS config with development certificates made for the purpose.
  const devCerts = path.join(root, 'deploy', 'nats', 'dev-certs.sh');
  if (tlsConf !== null && natsServer && fs.existsSync(devCerts) && spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-nats-tls-'));
    try {
      const made = spawnSync('sh', [devCerts, path.join(tmp, 'tls'), 'nats'], { encoding: 'utf8' });
      if (made.status !== 0) problem('deploy/nats/dev-certs.sh', `failed: ${(made.stderr || made.stdout).trim().split('\n').pop()}`);
      else {
        for (const file of fs.readdirSync(path.join(root, 'deploy', 'nats')).filter((x) => x.endsWith('.conf'))) {
          const text = natsConfForLocalServer(fs.readFileSync(path.join(root, 'deploy', 'nats', file), 'utf8'), natsServer).replaceAll('/etc/nats/', `${tmp}/`);
          fs.writeFileSync(path.join(tmp, file), text);
        }
        const env = { PATH: process.env.PATH ?? '' };
        for (const { passwordVar } of facts.natsUsers) env[passwordVar] = 'check';
        const r = spawnSync(natsServer, ['-c', tlsConfName, '-t'], { cwd: tmp, env, encoding: 'utf8' });
        if (r.status !== 0) problem(`deploy/nats/${tlsConfName}`, `nats-server rejects it with development certificates: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}
