/**
 * Issue 10 item 2: the attacker on the bus. With nothing but the gateway's NATS user (deploy/nats: the
 * real nats-server config, users and permissions; every service on its own NATS user, real Postgres)
 * and, at most, tokens of other roles, other jurors and another ceremony, against a ceremony whose
 * verdict is sealed but not revealed: every command subject of the contract map is sent payloads that
 * would pass validation (so only the caller check can stop them), with and without a forged `actor`
 * field naming each role, the chair and the admin. Nothing sealed may come back, and nothing may be
 * written. The cases are generated from `commandContracts`, so a new subject is attacked too.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMetadataStorage } from 'class-validator';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  bearerCredential,
  commandContracts,
  CREDENTIAL_HEADER,
  serviceCredential,
  SERVICE_GRANTS,
  serviceOf,
  STREAMS,
  KV_BUCKETS,
  type CeremonyView,
  type CommandSubject,
  type IssuedToken,
  type LaurelErrorBody,
  type PayloadClass,
  type Role,
} from '#contracts';
import { validatePayload } from '#messaging';
import { eventually } from '../support/eventually.js';
import { ceremony2017 } from '../support/fixtures.js';
import { startSystem, TEST_SERVICE_TOKEN, type ServiceName, type TestSystem } from '../support/system.js';
import { databaseFingerprint, setUpCast, sql, type Cast } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const PASSWORDS: Record<ServiceName | 'ops', string> = {
  gateway: 'attack-gateway-password',
  nominations: 'attack-nominations-password',
  jury: 'attack-jury-password',
  announcements: 'attack-announcements-password',
  vote: 'attack-vote-password',
  ops: 'attack-ops-password',
};
const MOTIVATION = 'Juryn har valt en vinnare vars arbete med digitalisering är ett föredöme för hela landet.';
/** What a forged payload may claim to be: every role, the chair by id, the admin. */
const FORGED_ACTORS = (chairId: string): (Record<string, unknown> | undefined)[] => [
  undefined,
  ...(['admin', 'producer', 'juror', 'press', 'screen', 'public'] as Role[]).map((role) => ({ role })),
  { role: 'juror', jurorId: chairId },
  { role: 'admin', jurorId: chairId, ceremonyId: null },
];

interface Credential {
  label: string;
  /** The header value, or null for no credential at all. */
  header: string | null;
  /** What a service resolves it to; null when it resolves to nothing (forged, revoked, unknown). */
  as: { role: Role | 'service'; ceremonyId: string | null; jurorId: string | null } | null;
}

interface Reply {
  response?: unknown;
  err?: LaurelErrorBody;
}

/** Values by field name that make a payload pass validation, so the caller check is the only thing that can stop it. */
function fieldValues(cast: Cast, ctx: { categoryId: string; nomineeId: string; chairId: string }): Record<string, unknown> {
  const file = ceremony2017() as { ceremony: Record<string, unknown> };
  file.ceremony = { ...file.ceremony, slug: `forged-${randomUUID().slice(0, 8)}` };
  return {
    ceremony: cast.imported.id,
    category: ctx.categoryId,
    categoryId: ctx.categoryId,
    jurorId: ctx.chairId,
    nomineeId: ctx.nomineeId,
    tieBreakWinnerId: ctx.nomineeId,
    name: 'Falsk jurymedlem',
    reason: 'forged by the attacker',
    motivation: 'forged motivation',
    scores: { [ctx.nomineeId]: { overall: 10 } },
    tokenId: cast.issued.producer.id,
    role: 'juror',
    file,
    entry: { organisation: 'Förfalskat AB' },
    columns: ['organisation'],
    rows: [{ row: 2, values: ['Förfalskat AB'] }],
    entryIds: [randomUUID()],
    // entrant intake: answers (its receipt code: see receiptFor)
    answers: { organisation: 'Förfalskat AB' },
    // screening rounds: the entries a round opens on
    entries: [{ id: randomUUID() }],
    k: 3,
    text: 'forged comment',
    action: 'reveal',
    idempotencyKey: randomUUID(),
    writes: [{ id: randomUUID(), event: 'gala.events.jury.verdict.sealed' }],
    // socket protocol v2: a guessed envelope key (card reveal), an X25519 page key (key-card export)
    key: randomBytes(32).toString('base64url'),
    publicKey: randomBytes(32).toString('base64url'),
    // the audience vote: a batch, a countdown, a (guessed) voter ticket and a receipt
    count: 1,
    durationSeconds: 60,
    ticket: randomBytes(16).toString('base64url'),
    // a gateway's coalesced votes (vote.cast.batch): public like vote.cast, the ticket is the credential
    votes: [{ ceremony: cast.imported.id, category: ctx.categoryId, ticket: randomBytes(16).toString('base64url'), nomineeId: ctx.nomineeId }],
  };
}

/** A made-up, well-formed receipt: a vote's is 64 hex digits, an entrant's submission's 26 Crockford characters. */
function receiptFor(subject: CommandSubject): string {
  return subject.startsWith('vote.') ? randomBytes(32).toString('hex') : 'Z'.repeat(26);
}

/**
 * A payload for `subject` from its request class's own validation metadata: every required field, from
 * `values` when it names it, else the least value its first validator accepts. validatePayload proves it.
 */
function payloadFor(subject: CommandSubject, values: Record<string, unknown>): Record<string, unknown> {
  const cls = commandContracts[subject].request;
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const optional = new Set(metas.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
  const payload: Record<string, unknown> = {};
  for (const m of metas) {
    if (optional.has(m.propertyName) || m.propertyName in payload) continue;
    if (m.propertyName === 'receipt') payload[m.propertyName] = receiptFor(subject);
    else if (m.propertyName in values) payload[m.propertyName] = values[m.propertyName];
    else if (m.name === 'isUuid') payload[m.propertyName] = randomUUID();
    else if (m.name === 'isIn') payload[m.propertyName] = (m.constraints[0] as unknown[])[0];
    else if (m.name === 'isInt' || m.name === 'min') payload[m.propertyName] = 1;
    else if (m.name === 'isBoolean') payload[m.propertyName] = false;
    else if (m.name === 'isObject') payload[m.propertyName] = {};
    else payload[m.propertyName] = 'x';
  }
  return payload;
}

/** Everything sealed that a reply must never hold (the sealed verdict's motivation and salt, winner, ranking, another juror's scores). */
function leaks(reply: unknown, sealed: { motivation: string; salt: string }, ownJurorId: string | null): string[] {
  const found: string[] = [];
  const text = JSON.stringify(reply);
  if (text.includes(sealed.motivation)) found.push('the sealed motivation');
  if (text.includes(sealed.salt)) found.push('the sealed salt');
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    for (const key of ['winnerId', 'ranking', 'salt', 'motivation']) if (key in record) found.push(`${path}.${key}`);
    if ('verdict' in record && record.verdict !== null) found.push(`${path}.verdict`);
    if ('scores' in record && (ownJurorId === null || record.jurorId !== ownJurorId)) found.push(`${path}.scores (of juror ${String(record.jurorId)})`);
    for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`);
  };
  walk(reply, '$');
  return found;
}

describe('security: an attacker with the gateway NATS user cannot read a sealed verdict or write anything', () => {
  let system: TestSystem;
  let cast: Cast;
  let attacker: NatsConnection;
  let ops: NatsConnection;
  let sealed: { motivation: string; salt: string; winnerId: string };
  let credentials: Credential[];
  let chairId: string;
  let categoryId: string;
  let nomineeId: string;
  let chairToken: string;

  async function send(conn: NatsConnection, subject: string, data: unknown, header: string | null): Promise<Reply> {
    const h = headers();
    if (header !== null) h.set(CREDENTIAL_HEADER, header);
    const msg = await conn.request(subject, JSON.stringify({ pattern: subject, data, id: randomUUID() }), { timeout: 10_000, headers: h });
    return msg.json<Reply>();
  }

  /** Everything that could hold a write: every table of every schema, every stream and KV bucket. */
  async function state(): Promise<Record<string, unknown>> {
    const jsm = await jetstreamManager(ops);
    const streams: Record<string, unknown> = {};
    for (const name of [STREAMS.events.name, STREAMS.sealed.name, `KV_${KV_BUCKETS.access}`, `KV_${KV_BUCKETS.show}`]) {
      const info = await jsm.streams.info(name);
      streams[name] = { messages: info.state.messages, lastSeq: info.state.last_seq };
    }
    return { tables: await databaseFingerprint(system.db.url), streams };
  }

  /** Nothing left to publish in any outbox: the state is still, so a difference afterwards is a write. */
  async function settled(): Promise<void> {
    await eventually(async () => {
      for (const schema of ['nominations', 'jury', 'announcements']) {
        const [pending] = await sql<{ n: string }>(system.db.url, `SELECT count(*) AS n FROM ${schema}.outbox WHERE published_at IS NULL`);
        expect({ schema, pending: Number(pending.n) }).toEqual({ schema, pending: 0 });
      }
    }, { timeoutMs: 20_000 });
  }

  beforeAll(async () => {
    system = await startSystem({
      label: 'security_attacker',
      natsDeployConfig: { dir: join(here, '../../deploy/nats'), env: Object.fromEntries(Object.entries(PASSWORDS).map(([user, pw]) => [`NATS_${user.toUpperCase()}_PASSWORD`, pw])) },
      natsUsers: Object.fromEntries((['gateway', 'nominations', 'jury', 'announcements', 'vote'] as ServiceName[]).map((s) => [s, { user: s, password: PASSWORDS[s] }])),
    });
    cast = await setUpCast(system);
    const base = `/api/v1/ceremonies/${cast.imported.slug}`;
    const admin = (method: string, path: string, body?: unknown) => system.http<unknown>(method, `${base}${path}`, { token: system.adminToken, body });
    const category = (await system.http<CeremonyView>('GET', base)).body.categories.find((c) => c.slug === cast.catA)!;
    categoryId = category.id;
    nomineeId = category.nominees[0].id;
    chairId = cast.jurors.chair;
    // The whole panel of category A scores and locks; the chair computes and seals the verdict.
    const third = (await system.http<{ id: string; name: string; categoryId: string }[]>('GET', `${base}/jurors`, { token: system.adminToken })).body.find((j) => j.name === 'Jurymedlem A2')!;
    const thirdToken = (await admin('POST', '/tokens', { role: 'juror', jurorId: third.id })).body as IssuedToken;
    chairToken = cast.tokens.chair!;
    const keys = category.criteria.length ? category.criteria.map((c) => c.key) : ['overall'];
    const scores = Object.fromEntries(category.nominees.map((n, i) => [n.id, Object.fromEntries(keys.map((k) => [k, Math.max(1, 10 - i)]))]));
    for (const token of [chairToken, cast.tokens.juror!, thirdToken.token]) {
      await eventually(async () => expect((await system.http('PUT', `${base}/categories/${cast.catA}/ballot`, { token, body: { scores } })).status).toBe(200));
      expect((await system.http('POST', `${base}/categories/${cast.catA}/ballot/lock`, { token })).status).toBe(200);
    }
    expect((await system.http('POST', `${base}/categories/${cast.catA}/verdict`, { token: chairToken, body: { motivation: MOTIVATION } })).status).toBe(200);
    expect((await system.http('POST', `${base}/categories/${cast.catA}/verdict/seal`, { token: chairToken })).status).toBe(200);
    const [verdict] = await sql<{ winner_id: string; motivation: string; salt: string }>(system.db.url, 'SELECT winner_id, motivation, salt FROM jury.verdicts WHERE category_id = $1 AND sealed_at IS NOT NULL', [categoryId]);
    sealed = { winnerId: verdict.winner_id, motivation: verdict.motivation, salt: verdict.salt };
    expect(sealed.salt).toMatch(/^[0-9a-f]{64}$/);

    // A chair of the same award in the other ceremony: the right role, the wrong ceremony.
    const otherBase = `/api/v1/ceremonies/${cast.other.slug}`;
    const otherChair = await eventually(async () => {
      const res = await system.http<{ id: string }>('POST', `${otherBase}/categories/${cast.catA}/jurors`, { token: system.adminToken, body: { name: 'Ordförande B', chair: true } });
      expect(res.status).toBe(201);
      return res.body.id;
    });
    const otherChairToken = (await system.http<IssuedToken>('POST', `${otherBase}/tokens`, { token: system.adminToken, body: { role: 'juror', jurorId: otherChair } })).body;
    const otherCeremonyId = cast.other.id;
    const A = cast.imported.id;
    credentials = [
      { label: 'no credential', header: null, as: { role: 'public', ceremonyId: null, jurorId: null } },
      { label: 'a forged bearer token', header: bearerCredential('lrl_admin_forged-by-the-attacker-000000000000'), as: null },
      { label: 'an unknown scheme', header: 'Admin please', as: null },
      { label: 'a revoked producer token', header: bearerCredential(cast.tokens.revoked!), as: null },
      { label: 'a forged service identity', header: serviceCredential('the-attacker-guessed-this-one'), as: null },
      // A foothold on the gateway gives its service identity: it may ask for the show snapshot, nothing else.
      { label: "the gateway's service identity", header: serviceCredential(TEST_SERVICE_TOKEN), as: { role: 'service', ceremonyId: null, jurorId: null } },
      { label: 'a producer token', header: bearerCredential(cast.tokens.producer!), as: { role: 'producer', ceremonyId: A, jurorId: null } },
      { label: 'a press token', header: bearerCredential(cast.tokens.press!), as: { role: 'press', ceremonyId: A, jurorId: null } },
      { label: 'a screen token', header: bearerCredential(cast.tokens.screen!), as: { role: 'screen', ceremonyId: A, jurorId: null } },
      { label: 'a juror of the sealed panel (not its chair)', header: bearerCredential(cast.tokens.juror!), as: { role: 'juror', ceremonyId: A, jurorId: cast.jurors.juror } },
      { label: "another panel's juror", header: bearerCredential(cast.tokens.otherPanelJuror!), as: { role: 'juror', ceremonyId: A, jurorId: cast.jurors.otherPanelJuror } },
      { label: "another ceremony's producer", header: bearerCredential(cast.tokens.otherCeremony!), as: { role: 'producer', ceremonyId: otherCeremonyId, jurorId: null } },
      { label: "another ceremony's chair of the same award", header: bearerCredential(otherChairToken.token), as: { role: 'juror', ceremonyId: otherCeremonyId, jurorId: otherChair } },
    ];

    attacker = await connect({ servers: system.nats.url, user: 'gateway', pass: PASSWORDS.gateway, inboxPrefix: '_INBOX_gateway', name: 'attacker-as-gateway' });
    ops = await connect({ servers: system.nats.url, user: 'ops', pass: PASSWORDS.ops, name: 'attack-observer' });
    // Every grant has reached every service (the last token issued resolves at the jury), and nothing is left to publish.
    await eventually(async () => expect((await send(ops, 'jury.juror.get', { ceremony: otherCeremonyId, jurorId: otherChair }, bearerCredential(otherChairToken.token))).err).toBeUndefined());
    await settled();
  });

  afterAll(async () => {
    await attacker?.close();
    await ops?.close();
    await system?.dispose();
  });

  it('the sealed verdict is there to steal: its chair reads it over NATS, and the leak check sees it', async () => {
    const own = await send(ops, 'jury.panel.status', { ceremony: cast.imported.id, category: categoryId }, bearerCredential(chairToken));
    expect((own.response as { verdict: { winnerId: string } }).verdict.winnerId).toBe(sealed.winnerId);
    expect(leaks(own, sealed, chairId)).toContain('$.response.verdict');
  });

  it('every command subject, every forged actor, every credential the attacker can hold: refused, nothing sealed, nothing written', async () => {
    const before = await state();
    const subjects = Object.keys(commandContracts) as CommandSubject[];
    expect(subjects.length).toBeGreaterThanOrEqual(30);
    const failures: string[] = [];
    const counts = { sent: 0, refused401: 0, refused403: 0, answered: 0, skippedLegitimate: 0 };
    const queue: (() => Promise<void>)[] = [];
    for (const subject of subjects) {
      const roles = commandContracts[subject].roles;
      const isPublic = roles.includes('public');
      const valid = payloadFor(subject, fieldValues(cast, { categoryId, nomineeId, chairId }));
      // The payload would pass validation: only the caller check stands between it and the handler.
      await validatePayload(commandContracts[subject].request as PayloadClass, valid).catch((error: Error) => failures.push(`${subject}: the generated payload is not valid (${error.message}): give the field a value in fieldValues`));
      for (const credential of credentials) {
        const as = credential.as;
        const boundElsewhere = as !== null && as.ceremonyId !== null && as.ceremonyId !== cast.imported.id;
        const admitted =
          as !== null &&
          !boundElsewhere &&
          (as.role === 'service' ? SERVICE_GRANTS.gateway.includes(subject) : roles.includes(as.role));
        // A crew token on its own role's calls is not an attack (a producer may cue); a juror is, on anyone else's data.
        if (admitted && as.role !== 'juror' && as.role !== 'service' && as.role !== 'public') {
          counts.skippedLegitimate++;
          continue;
        }
        // A service identity is known only where it is granted something (the gateway's, at announcements): elsewhere it is an unknown credential.
        const unknownHere = as?.role === 'service' && !SERVICE_GRANTS.gateway.some((granted) => serviceOf(granted) === serviceOf(subject));
        const expected: 401 | 403 | 'answer' = admitted ? 'answer' : as === null || unknownHere || (as.role === 'public' && !isPublic) ? 401 : 403;
        for (const actor of FORGED_ACTORS(chairId)) {
          const data = actor === undefined ? valid : { ...valid, actor };
          queue.push(async () => {
            const reply = await send(attacker, subject, data, credential.header);
            counts.sent++;
            const what = `${subject} with ${credential.label}${actor ? ` and actor ${JSON.stringify(actor)}` : ''}`;
            const leaked = leaks(reply, sealed, as?.jurorId ?? null);
            if (leaked.length) failures.push(`${what}: LEAKED ${leaked.join(', ')}`);
            if (expected === 'answer') {
              counts.answered++;
              if (reply.err && (reply.err.statusCode >= 500 || typeof reply.err.message !== 'string')) failures.push(`${what}: ${JSON.stringify(reply.err)}`);
              return;
            }
            const status = reply.err?.statusCode;
            if (status === 401) counts.refused401++;
            if (status === 403) counts.refused403++;
            if (status !== expected || reply.response !== undefined || reply.err?.error !== (expected === 401 ? 'Unauthorized' : 'Forbidden')) {
              failures.push(`${what}: expected ${expected}, got ${JSON.stringify(reply).slice(0, 300)}`);
            }
          });
        }
      }
    }
    // A few in flight at a time: an attacker's flood, not one request after another.
    const workers = Array.from({ length: 8 }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    });
    await Promise.all(workers);
    expect(failures.slice(0, 40)).toEqual([]);
    expect(counts.sent).toBeGreaterThan(2000);
    expect(counts.refused401).toBeGreaterThan(0);
    expect(counts.refused403).toBeGreaterThan(0);

    // Zero accepted writes: not a row, not a stream message, not a KV revision changed.
    await settled();
    expect(await state()).toEqual(before);
    process.stdout.write(`attacker: ${counts.sent} requests on ${subjects.length} subjects (${counts.refused401} × 401, ${counts.refused403} × 403, ${counts.answered} answered without a sealed field; ${counts.skippedLegitimate} legitimate role/subject pairs not sent)\n`);
  }, 300_000);

  it('the gateway NATS user cannot write a grant for itself either', async () => {
    const key = '0'.repeat(64);
    const forged = JSON.stringify({ tokenId: randomUUID(), role: 'admin', ceremonyId: null, jurorId: null, expiresAt: null, revoked: false });
    // The server refuses the publish (permissions violation): no answer comes from JetStream.
    await expect(attacker.request(`$KV.${KV_BUCKETS.access}.${key}`, forged, { timeout: 2000 })).rejects.toThrow();
    const jsm = await jetstreamManager(ops);
    await expect(jsm.streams.getMessage(`KV_${KV_BUCKETS.access}`, { last_by_subj: `$KV.${KV_BUCKETS.access}.${key}` })).resolves.toBeNull();
    // And the token it would stand for is unknown to every service.
    expect((await send(attacker, 'nominations.access.list', { ceremony: cast.imported.id }, bearerCredential('forged'))).err?.statusCode).toBe(401);
  });
});
