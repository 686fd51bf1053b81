// @ts-check
// The deployment check must fail on broken manifests: each case breaks a copy of the deployment files
// (Dockerfile, docker-compose.yml, deploy/) and expects the problem to be reported with file, document
// and JSON path. Offline. Run by `./laurel test deploy`:  node --test scripts/check-deploy.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readmeEnvironmentProblems, serviceEnvironments } from './lib/deploy/env.mjs';
import { checkDeploy } from './lib/deploy-check.mjs';
import { K8sSchemas } from './lib/k8s-schema.mjs';
import { ROOT, which } from './lib/util.mjs';

const natsServer = process.env.NATS_SERVER_BIN || which('nats-server');
const schemas = new K8sSchemas(); // one TypeScript program for every run
let pristine;

before(() => {
  pristine = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-deploy-'));
  for (const entry of ['Dockerfile', 'docker-compose.yml', 'docker-compose.tls.yml', 'deploy']) fs.cpSync(path.join(ROOT, entry), path.join(pristine, entry), { recursive: true });
});
after(() => fs.rmSync(pristine, { recursive: true, force: true }));

/** Runs the check on a copy changed by `edits`: { 'deploy/k8s/jury.yaml': (text) => text, … }. */
async function check(edits = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-deploy-case-'));
  try {
    fs.cpSync(pristine, root, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const full = path.join(root, file);
      const before = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : '';
      const after = edit(before);
      if (after === null) fs.rmSync(full);
      else {
        assert.notEqual(after, before, `the edit of ${file} changed nothing: fix the test`);
        fs.writeFileSync(full, after);
      }
    }
    return (await checkDeploy({ root, natsServer, schemas })).problems;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** String replacement that must hit. */
const replace = (from, to) => (text) => {
  assert.ok(text.includes(from), `the test expects ${JSON.stringify(from)} in the file`);
  return text.replace(from, to);
};

function expectProblem(problems, pattern) {
  assert.ok(
    problems.some((p) => pattern.test(p)),
    `expected a problem matching ${pattern}, got:\n  ${problems.join('\n  ') || '(none)'}`,
  );
}

test('the repository files pass', async () => {
  assert.deepEqual(await check(), []);
});

test('a Deployment without readinessProbe', async () => {
  const problems = await check({
    'deploy/k8s/jury.yaml': replace(
      '          readinessProbe:\n            httpGet:\n              path: /health/ready\n              port: http\n            periodSeconds: 5\n            timeoutSeconds: 3\n            failureThreshold: 2\n',
      '',
    ),
  });
  expectProblem(problems, /^deploy\/k8s\/jury\.yaml #1 Deployment\/jury spec\.template\.spec\.containers\[0\]\.readinessProbe: missing$/);
});

test('a probe on a path the service does not answer, or a port the container does not declare', async () => {
  const problems = await check({
    'deploy/k8s/nominations.yaml': (t) => t.replace('path: /health/live\n              port: http\n            periodSeconds: 10', 'path: /healthz\n              port: 8080\n            periodSeconds: 10'),
  });
  expectProblem(problems, /nominations\.yaml #1 Deployment\/nominations spec\.template\.spec\.containers\[0\]\.livenessProbe\.httpGet\.path: is \/healthz, the service answers liveness on \/health\/live/);
  expectProblem(problems, /livenessProbe\.httpGet\.port: 8080 is not a port the container declares/);
});

test('an HPA pointing at a Deployment that does not exist', async () => {
  const problems = await check({
    'deploy/k8s/gateway.yaml': replace('    kind: Deployment\n    name: gateway\n', '    kind: Deployment\n    name: gatewy\n'),
  });
  expectProblem(problems, /^deploy\/k8s\/gateway\.yaml #3 HorizontalPodAutoscaler\/gateway spec\.scaleTargetRef\.name: Deployment gatewy does not exist$/);
  expectProblem(problems, /no HorizontalPodAutoscaler for the gateway/);
});

test('a wrong type: replicas: "two"', async () => {
  const problems = await check({ 'deploy/k8s/nominations.yaml': replace('  replicas: 1\n', '  replicas: "two"\n') });
  expectProblem(problems, /^deploy\/k8s\/nominations\.yaml #1 Deployment\/nominations spec\.replicas: must be integer$/);
});

test('an unknown field: imagePullPolicyy', async () => {
  const problems = await check({
    'deploy/k8s/announcements.yaml': replace('          image: ghcr.io/laurel/announcements:latest\n', '          image: ghcr.io/laurel/announcements:latest\n          imagePullPolicyy: Always\n'),
  });
  expectProblem(
    problems,
    /^deploy\/k8s\/announcements\.yaml #1 Deployment\/announcements spec\.template\.spec\.containers\[0\]\.imagePullPolicyy: unknown field "imagePullPolicyy" \(did you mean "imagePullPolicy"\?\)$/,
  );
});

test('a bad enum value, a misspelt nested field, a metric target type the HPA does not know', async () => {
  const problems = await check({
    'deploy/k8s/gateway.yaml': (t) =>
      replace('          type: Utilization\n', '          type: Utilisation\n')(t)
        .replace('  minReplicas: 2\n', '  minReplica: 2\n')
        .replace('  sessionAffinity: ClientIP\n', '  sessionAffinity: ClientIp\n'),
  });
  expectProblem(problems, /^deploy\/k8s\/gateway\.yaml #2 Service\/gateway spec\.sessionAffinity: must be equal to one of the allowed values: "ClientIP", "None"$/);
  expectProblem(problems, /HorizontalPodAutoscaler\/gateway spec\.minReplica: unknown field "minReplica" \(did you mean "minReplicas"\?\)/);
  expectProblem(problems, /HorizontalPodAutoscaler\/gateway spec\.metrics\[0\]\.resource\.target\.type: is Utilisation, should be one of Utilization, Value, AverageValue/);
});

test('an unknown kind fails, whether a typo or a custom resource', async () => {
  const problems = await check({
    'deploy/k8s/config.yaml': (t) => `${t}---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: x\n  namespace: laurel\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: laurel\n`,
  });
  expectProblem(problems, /^deploy\/k8s\/config\.yaml #2 Deploymnet\/x kind: unknown kind Deploymnet in apps\/v1/);
  expectProblem(problems, /^deploy\/k8s\/config\.yaml #3 Widget\/w kind: unknown kind Widget in example\.com\/v1/);
});

test('a YAML syntax error', async () => {
  const problems = await check({ 'deploy/k8s/jury.yaml': replace('  replicas: 1\n', '  replicas: [1\n') });
  expectProblem(problems, /^deploy\/k8s\/jury\.yaml: does not parse/);
});

test('kustomization: a missing resource, a manifest left out, an image no Deployment uses', async () => {
  const problems = await check({
    'deploy/k8s/kustomization.yaml': (t) => replace('  - jury.yaml\n', '  - juri.yaml\n')(t).replace('  - name: ghcr.io/laurel/gateway\n', '  - name: ghcr.io/laurel/gatewy\n'),
  });
  expectProblem(problems, /kustomization\.yaml: resource juri\.yaml does not exist/);
  expectProblem(problems, /kustomization\.yaml: jury\.yaml is not in resources/);
  expectProblem(problems, /kustomization\.yaml: images\[0\] ghcr\.io\/laurel\/gatewy is used by no Deployment/);
  expectProblem(problems, /kustomization\.yaml: image ghcr\.io\/laurel\/gateway of Deployment gateway has no entry in images/);
});

test('kustomization must not apply the example Secrets', async () => {
  const problems = await check({ 'deploy/k8s/kustomization.yaml': replace('  - config.yaml\n', '  - config.yaml\n  - secrets.example.yaml\n') });
  expectProblem(problems, /resource secrets\.example\.yaml is an example with placeholder values/);
});

test('a Service whose selector matches no pod', async () => {
  const problems = await check({
    'deploy/k8s/jury.yaml': replace('spec:\n  selector:\n    app.kubernetes.io/name: jury\n', 'spec:\n  selector:\n    app.kubernetes.io/name: juri\n'),
  });
  expectProblem(problems, /^deploy\/k8s\/jury\.yaml #2 Service\/jury spec\.selector: matches no pod of Deployment jury$/);
});

test('environment: a variable no service reads, a missing secret key, JetStream replicas off the cluster size', async () => {
  const problems = await check({
    'deploy/k8s/gateway.yaml': replace('            - name: NATS_USER\n              value: gateway\n', '            - name: NATS_UESR\n              value: gateway\n'),
    'deploy/k8s/jury.yaml': replace('                  name: laurel-nats\n                  key: jury\n', '                  name: laurel-nats\n                  key: juri\n'),
    'deploy/k8s/config.yaml': replace('JETSTREAM_REPLICAS: "3"', 'JETSTREAM_REPLICAS: "1"'),
  });
  expectProblem(problems, /Deployment\/gateway spec\.template\.spec\.containers\[0\]\.env\[1\]\.name: NATS_UESR is not read by gateway \(GatewayEnv in apps\/gateway\/src\/config\.ts\) \(did you mean "NATS_USER"\?\)/);
  expectProblem(problems, /Deployment\/gateway spec\.template\.spec\.containers\[0\]\.env: NATS_USER is not set/);
  expectProblem(problems, /Deployment\/jury spec\.template\.spec\.containers\[0\]\.env\[2\]\.valueFrom\.secretKeyRef: Secret laurel-nats has no key "juri"/);
  expectProblem(problems, /Deployment\/nominations spec\.template\.spec\.containers\[0\]\.env: JETSTREAM_REPLICAS is 1 \(ConfigMap laurel-config\), the NATS cluster has 3 nodes/);
});

test('secrets where they belong: the admin token with nominations only, one gateway service token, DATABASE_URL', async () => {
  const problems = await check({
    // The admin token moved back to the gateway and away from nominations.
    'deploy/k8s/nominations.yaml': replace('            - secretRef:\n                name: laurel-admin\n', ''),
    'deploy/k8s/gateway.yaml': replace('                name: laurel-config\n', '                name: laurel-config\n            - secretRef:\n                name: laurel-admin\n'),
    // announcements reads the gateway's service token from another Secret.
    'deploy/k8s/announcements.yaml': replace('                  name: laurel-gateway-service\n', '                  name: laurel-nats\n'),
    'deploy/k8s/jury.yaml': replace('            - secretRef:\n                name: laurel-database-jury\n', ''),
    'docker-compose.yml': (t) => t.replace('      NATS_PASSWORD: ${NATS_GATEWAY_PASSWORD:-dev-gateway}\n', '      NATS_PASSWORD: ${NATS_GATEWAY_PASSWORD:-dev-gateway}\n      LAUREL_ADMIN_TOKEN:\n').replace('      LAUREL_GATEWAY_SERVICE_TOKEN: *gateway-service-token\n', '      LAUREL_GATEWAY_SERVICE_TOKEN: another-token-0123456789\n'),
  });
  expectProblem(problems, /Deployment\/nominations .*LAUREL_ADMIN_TOKEN is not set \(nominations owns the admin token/);
  expectProblem(problems, /Deployment\/gateway .*LAUREL_ADMIN_TOKEN \(Secret laurel-admin\) must not reach gateway: only nominations may hold it/);
  expectProblem(problems, /Deployment\/announcements .*secretKeyRef: Secret laurel-nats has no key "token"/);
  expectProblem(problems, /LAUREL_GATEWAY_SERVICE_TOKEN comes from different Secrets for gateway and announcements/);
  expectProblem(problems, /Deployment\/jury .*DATABASE_URL is required by DomainServiceEnv and not provided/);
  expectProblem(problems, /docker-compose\.yml: gateway: must not get LAUREL_ADMIN_TOKEN \(only nominations may hold it\)/);
  expectProblem(problems, /docker-compose\.yml: gateway and announcements get different LAUREL_GATEWAY_SERVICE_TOKEN values/);
});

test('a container without resource requests, an HPA on CPU then has nothing to measure', async () => {
  const problems = await check({
    'deploy/k8s/gateway.yaml': replace('            requests:\n              cpu: 200m\n              memory: 192Mi\n', ''),
  });
  expectProblem(problems, /Deployment\/gateway spec\.template\.spec\.containers\[0\]\.resources\.requests\.cpu: missing/);
  expectProblem(problems, /HorizontalPodAutoscaler\/gateway spec\.metrics\[0\]: cpu utilization needs cpu requests/);
});

test('NATS values: an unknown key, a non-cluster, no file store, an absolute include', async () => {
  const problems = await check({
    'deploy/k8s/nats-values.yaml': (t) =>
      replace('    replicas: 3\n', '    replicas: 1\n')(t)
        .replace('    fileStore:\n      enabled: true\n      pvc:\n        enabled: true\n', '    fileStorage:\n      enabled: true\n      pvc:\n        enabled: true\n')
        .replace('$include: ../nats-auth/auth.conf', '$include: /etc/nats-auth/auth.conf'),
  });
  expectProblem(problems, /^deploy\/k8s\/nats-values\.yaml config\.jetstream\.fileStorage: unknown key "fileStorage": not in the NATS chart's values, the chart would ignore it \(did you mean "fileStore"\?\)$/);
  expectProblem(problems, /nats-values\.yaml config\.cluster\.replicas: should be 3/);
  expectProblem(problems, /nats-values\.yaml config\.jetstream\.fileStore\.enabled: should be true/);
  expectProblem(problems, /nats-values\.yaml config\.merge\.\$include: \/etc\/nats-auth\/auth\.conf is absolute/);
});

test('NATS values: a password variable auth.conf needs is missing, a mount with a misspelt field', async () => {
  const problems = await check({
    'deploy/k8s/nats-values.yaml': (t) =>
      replace('    NATS_JURY_PASSWORD:\n      valueFrom:\n        secretKeyRef: { name: laurel-nats, key: jury }\n', '')(t).replace('        readOnly: true\n', '        readonly: true\n'),
  });
  expectProblem(problems, /nats-values\.yaml container\.env: no NATS_JURY_PASSWORD: deploy\/nats\/auth\.conf gives user jury the password \$NATS_JURY_PASSWORD/);
  expectProblem(problems, /Deployment\/jury .*the NATS servers read NATS_JURY_PASSWORD from nowhere/);
  expectProblem(problems, /nats-values\.yaml container\.patch\[0\]\.value\.readonly: unknown field "readonly" \(did you mean "readOnly"\?\)/);
});

test('NATS values: an include that nats-server cannot resolve', { skip: natsServer ? false : 'nats-server not installed' }, async () => {
  const problems = await check({
    'deploy/k8s/nats-values.yaml': (t) => replace('        mountPath: /etc/nats-auth\n', '        mountPath: /etc/nats-authz\n')(t).replace('$include: ../nats-auth/auth.conf', '$include: ../nats-authz/auth.conf'),
    'deploy/nats/auth.conf': replace('password: $NATS_OPS_PASSWORD', 'password: $NATS_OPERATOR_PASSWORD'),
  });
  // auth.conf now needs a variable the chart does not set: the chart-rendered config fails to parse.
  expectProblem(problems, /nats-values\.yaml config\.merge: nats-server rejects the chart's config with auth\.conf/);
});

test('docker-compose.yml and the Dockerfile disagree', async () => {
  const problems = await check({ Dockerfile: replace('FROM runtime AS jury\n', 'FROM runtime AS juryy\n') });
  expectProblem(problems, /^Dockerfile: no target "jury"$/);
  expectProblem(problems, /^docker-compose\.yml: jury: Dockerfile has no target jury$/);
});

test('database roles: two services sharing a database Secret (one role) in Kubernetes', async () => {
  const problems = await check({ 'deploy/k8s/announcements.yaml': replace('name: laurel-database-announcements', 'name: laurel-database-jury') });
  expectProblem(problems, /announcements\.yaml #1 Deployment\/announcements .*env: DATABASE_URL comes from Secret laurel-database-jury, which jury uses too/);
});

test('database roles: a Secret the example does not define', async () => {
  const problems = await check({ 'deploy/k8s/jury.yaml': replace('name: laurel-database-jury', 'name: laurel-database') });
  expectProblem(problems, /jury\.yaml #1 Deployment\/jury .*Secret laurel-database is defined nowhere/);
});

test('database roles in compose: the superuser, a shared role, a role no init script creates, no init script', async () => {
  const superuser = await check({ 'docker-compose.yml': replace('postgres://laurel_jury:', 'postgres://laurel:') });
  expectProblem(superuser, /docker-compose\.yml: jury: DATABASE_URL connects as the superuser laurel/);
  const shared = await check({ 'docker-compose.yml': replace('postgres://laurel_announcements:', 'postgres://laurel_jury:') });
  expectProblem(shared, /docker-compose\.yml: announcements: DATABASE_URL user laurel_jury is also jury's/);
  const unknown = await check({ 'docker-compose.yml': replace('postgres://laurel_nominations:', 'postgres://laurel_nomination:') });
  expectProblem(unknown, /docker-compose\.yml: nominations: DATABASE_URL user laurel_nomination is not created by deploy\/postgres\/10-laurel-roles\.sh/);
  const noScript = await check({ 'docker-compose.yml': replace('      - ./deploy/postgres/10-laurel-roles.sh:/docker-entrypoint-initdb.d/10-laurel-roles.sh:ro\n', '') });
  expectProblem(noScript, /docker-compose\.yml: postgres mounts no init script/);
});

test('NATS monitoring reachable from outside its container: nats.conf on every interface, compose publishing it', async () => {
  const problems = await check({
    'deploy/nats/nats.conf': replace('http: 127.0.0.1:8222\n', 'http_port: 8222\n'),
    'docker-compose.yml': replace('    image: nats:2.10-alpine\n', '    image: nats:2.10-alpine\n    ports:\n      - "8222:8222"\n'),
  });
  expectProblem(problems, /^deploy\/nats\/nats\.conf: http_port 8222 opens monitoring on every interface, without authentication/);
  const open = await check({
    'deploy/nats/nats.conf': replace('http: 127.0.0.1:8222\n', 'http: 0.0.0.0:8222\n'),
    'docker-compose.yml': replace('    image: nats:2.10-alpine\n', '    image: nats:2.10-alpine\n    ports:\n      - "8222:8222"\n'),
  });
  expectProblem(open, /^deploy\/nats\/nats\.conf: http 0\.0\.0\.0:8222 listens beyond the loopback interface/);
  expectProblem(open, /^docker-compose\.yml: nats publishes the monitoring port \(8222:8222\)$/);
});

test('NATS values: the chart\'s monitor on the pod IP, a probe missing, monitoring beyond loopback', async () => {
  const problems = await check({
    'deploy/k8s/nats-values.yaml': (t) =>
      replace('  monitor:\n    enabled: false\n', '  monitor:\n    enabled: true\n')(t)
        .replace('    http: 127.0.0.1:8222\n', '    http: 0.0.0.0:8222\n')
        .replace(/ {4}- op: add\n {6}path: \/livenessProbe\n[\s\S]*?failureThreshold: 3\n/, ''),
  });
  expectProblem(problems, /nats-values\.yaml config\.monitor\.enabled: should be false: the chart's monitor listens on the pod IP/);
  expectProblem(problems, /nats-values\.yaml config\.merge\.http: 0\.0\.0\.0:8222 listens beyond the loopback interface/);
  const noProbe = await check({ 'deploy/k8s/nats-values.yaml': (t) => t.replace(/ {4}- op: add\n {6}path: \/livenessProbe\n[\s\S]*?failureThreshold: 3\n/, '') });
  expectProblem(noProbe, /nats-values\.yaml container\.patch: no livenessProbe: with config\.monitor off the chart renders none/);
  const elsewhere = await check({ 'deploy/k8s/nats-values.yaml': replace('http://127.0.0.1:8222/healthz?js-server-only=true', 'http://127.0.0.1:8223/healthz?js-server-only=true') });
  expectProblem(elsewhere, /container\.patch\[\d+\]\.value\.exec\.command: readinessProbe fetches http:\/\/127\.0\.0\.1:8223\/healthz\?js-server-only=true, the monitor listens on 127\.0\.0\.1:8222/);
});

test('NATS TLS in Kubernetes: switched on as documented it passes; a CA without tls://, or not mounted, does not', async () => {
  const on = (t) => replace('  NATS_URL: nats://nats.laurel.svc.cluster.local:4222\n', '  NATS_URL: tls://nats.laurel.svc.cluster.local:4222\n  NATS_TLS_CA_FILE: /etc/laurel/nats-ca/ca.crt\n')(t);
  assert.deepEqual(await check({ 'deploy/k8s/config.yaml': on }), []);
  const plain = await check({ 'deploy/k8s/config.yaml': replace('  NATS_URL: nats://nats.laurel.svc.cluster.local:4222\n', '  NATS_URL: nats://nats.laurel.svc.cluster.local:4222\n  NATS_TLS_CA_FILE: /etc/laurel/nats-ca/ca.crt\n') });
  expectProblem(plain, /Deployment\/jury spec\.template\.spec\.containers\[0\]\.env: NATS_TLS_CA_FILE is set \(ConfigMap laurel-config\) but NATS_URL nats:\/\/nats\.laurel\.svc\.cluster\.local:4222 is not tls:\/\//);
  const unmounted = await check({ 'deploy/k8s/config.yaml': (t) => replace('  NATS_TLS_CA_FILE: /etc/laurel/nats-ca/ca.crt\n', '  NATS_TLS_CA_FILE: /etc/ssl/nats/ca.crt\n')(on(t)) });
  expectProblem(unmounted, /Deployment\/gateway spec\.template\.spec\.containers\[0\]\.volumeMounts: NATS_TLS_CA_FILE \/etc\/ssl\/nats\/ca\.crt \(ConfigMap laurel-config\) is under no volumeMount of the gateway container/);
  const mixed = await check({ 'deploy/k8s/config.yaml': replace('  NATS_URL: nats://nats.laurel.svc.cluster.local:4222\n', '  NATS_URL: tls://nats-0.nats:4222,nats://nats-1.nats:4222\n') });
  expectProblem(mixed, /NATS_URL tls:\/\/nats-0\.nats:4222,nats:\/\/nats-1\.nats:4222 \(ConfigMap laurel-config\) is not nats:\/\/host:port/);
});

test('NATS TLS chart values: an unknown key, a CA the services do not mount, no server certificate', async () => {
  const problems = await check({
    'deploy/k8s/nats-values-tls.yaml': (t) => replace('  configMapName: laurel-nats-ca\n', '  configMapName: nats-ca\n')(t).replace('      secretName: nats-tls\n', '      secretNam: nats-tls\n'),
  });
  expectProblem(problems, /^deploy\/k8s\/nats-values-tls\.yaml config\.nats\.tls\.secretNam: unknown key "secretNam"/);
  expectProblem(problems, /^deploy\/k8s\/nats-values-tls\.yaml config\.nats\.tls\.secretName: missing/);
  expectProblem(problems, /^deploy\/k8s\/nats-values-tls\.yaml tlsCA\.configMapName: nats-ca is not mounted by gateway, nominations, jury, announcements/);
});

test('NATS TLS in compose: a service left on nats://, without the CA, a variable no service reads, a config without tls', async () => {
  const problems = await check({
    'docker-compose.tls.yml': (t) =>
      replace('  gateway:\n    environment: *nats-tls\n    volumes: *nats-ca\n', '  gateway:\n    environment:\n      NATS_URL: nats://nats:4222\n      NATS_TLS_CAFILE: /etc/laurel/nats-ca.pem\n')(t),
    'deploy/nats/nats-tls.conf': replace('tls {', 'tlz {'),
  });
  expectProblem(problems, /^docker-compose\.tls\.yml: gateway: NATS_URL should be tls:\/\/nats:4222$/);
  expectProblem(problems, /^docker-compose\.tls\.yml: gateway: environment NATS_TLS_CAFILE is not read by GatewayEnv \(did you mean "NATS_TLS_CA_FILE"\?\)$/);
  expectProblem(problems, /^docker-compose\.tls\.yml: gateway: no NATS_TLS_CA_FILE/);
  expectProblem(problems, /^deploy\/nats\/nats-tls\.conf: has no tls \{ \} block$/);
});

test('NATS TLS in compose: nats-server refuses a TLS config whose certificate is not where compose mounts it', { skip: natsServer ? false : 'nats-server not installed' }, async () => {
  const problems = await check({ 'deploy/nats/nats-tls.conf': replace('/etc/nats/tls/server.pem', '/etc/nats/tls/server-cert.pem') });
  expectProblem(problems, /^deploy\/nats\/nats-tls\.conf: nats-server rejects it with development certificates/);
});

test("the README's environment table names every variable each service reads (from its SERVICE_ENV)", async () => {
  const environments = await serviceEnvironments(ROOT, ['gateway', 'nominations', 'jury', 'announcements', 'vote'], (file, message) => assert.fail(`${file}: ${message}`));
  assert.equal(environments.gateway.name, 'GatewayEnv');
  assert.equal(environments.gateway.fields.get('LAUREL_GATEWAY_SERVICE_TOKEN'), true);
  assert.equal(environments.jury.fields.get('DATABASE_URL'), true);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.deepEqual(readmeEnvironmentProblems(readme, environments), []);
  const withoutRow = readme.replace(/^\| `REVEAL_LEAD_MS` .*\n/m, '');
  assert.notEqual(withoutRow, readme);
  assert.deepEqual(readmeEnvironmentProblems(withoutRow, environments), ['README.md: the environment table has no row for REVEAL_LEAD_MS (read by gateway: GatewayEnv in apps/gateway/src/config.ts)']);
  const notJury = readme.replace('| `JETSTREAM_REPLICAS` | nominations, jury, announcements, vote |', '| `JETSTREAM_REPLICAS` | nominations, announcements, vote |');
  assert.deepEqual(readmeEnvironmentProblems(notJury, environments), ['README.md: the environment table\'s row for JETSTREAM_REPLICAS does not name jury, which reads it (used by: nominations, announcements, vote)']);
});
