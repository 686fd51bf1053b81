// @ts-check
// docker-compose.yml: its services against the Dockerfile's targets and the environment each service reads.
import { suggest } from '../k8s-schema.mjs';
import { APPS, SECRET_HOLDERS, dbUser, name_in } from './shared.mjs';

/**
 * @param {ReturnType<typeof import('./shared.mjs').createContext>} ctx
 * @param {any} facts
 * @param {{ stages: Map<string, any> }} docker
 */
export function checkCompose(ctx, facts, { stages }) {
  const { root, problem, read, load } = ctx;
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

  return { compose };
}
