// @ts-check
// deploy/k8s: every manifest against its Kubernetes schema, the kustomization, and the cross-checks no
// schema can make (probes, ports, Services, HPA/PDB, environment, Secrets and ConfigMaps, NATS users).
import fs from 'node:fs';
import path from 'node:path';
import { suggest } from '../k8s-schema.mjs';
import { APPS, KUSTOMIZATION_FIELDS, KUSTOMIZATION_IMAGE_FIELDS, METRIC_TARGET_TYPES, NATS_REPLICAS, NATS_URL_FORMAT, SECRET_HOLDERS, imageRepo, isMap, list, matchesLabels, quantity } from './shared.mjs';

/**
 * @param {ReturnType<typeof import('./shared.mjs').createContext>} ctx
 * @param {any} facts
 */
export async function checkKubernetes(ctx, facts) {
  const { root, problem, at, load, schemas } = ctx;
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
  const natsServerEnv = isMap(natsValues?.doc?.container?.env) ? natsValues?.doc.container.env : {};
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
      const p = ctr[/** @type {string} */ (probe)];
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
      const serverSide = natsServerEnv[natsUserVar.get(user.value) ?? '']?.valueFrom?.secretKeyRef;
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

  return { natsValues, natsOverlays, natsCaVolumes, secretRef };
}
