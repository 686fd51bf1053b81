// @ts-check
// NATS: deploy/nats/*.conf (nats-server -t), the chart's values against the official chart's, the TLS
// overlays, and monitoring reachable only from inside its container.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonPath, suggest } from '../k8s-schema.mjs';
import { natsConfForLocalServer, natsSupportsSyncInterval } from '../nats-durability.mjs';
import { ROOT } from '../util.mjs';
import { APPS, CHART_CONFIG_DIR, LOOPBACK, NATS_REPLICAS, isMap, list, quantity } from './shared.mjs';

/**
 * @param {ReturnType<typeof import('./shared.mjs').createContext>} ctx
 * @param {any} facts
 * @param {{ compose: any, natsValues: any, natsOverlays: any[], natsCaVolumes: Map<string, any>, secretRef: Function }} found
 */
export async function checkNats(ctx, facts, { compose, natsValues, natsOverlays, natsCaVolumes, secretRef }) {
  const { root, problems, notes, problem, read, load, natsServer, schemas } = ctx;
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
    ctx.checked++;
  } else {
    notes.push('nats-server not installed: deploy/nats/nats.conf and the chart-rendered include not parsed');
  }
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
    problems.push(`${schemaFile}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
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
        /** @type {Record<string, string>} */
        const env = { PATH: process.env.PATH ?? '' };
        for (const { passwordVar } of facts.natsUsers) env[passwordVar] = 'check';
        const r = spawnSync(natsServer, ['-c', String(tlsConfName), '-t'], { cwd: tmp, env, encoding: 'utf8' });
        if (r.status !== 0) problem(`deploy/nats/${tlsConfName}`, `nats-server rejects it with development certificates: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}
