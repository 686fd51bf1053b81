import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { bearerCredential, CREDENTIAL_HEADER, type AuditVerification, type BallotView, type FieldProblem, type ImportCeremonyResult, type IssuedToken, type JurorView, type LaurelErrorBody, type PanelStatus, type SealResult, type VerdictResult } from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { startSystem, type TestSystem } from './support/system.js';

type Scores = Record<string, Record<string, number>>;

const KK_CRITERIA = ['demokrati', 'verksamheter', 'arbetsmiljo', 'samhallsbyggande'];
const MOTIVATION = 'Juryn har enhälligt valt denna nominerade för ett föredömligt arbete.';

/**
 * The jury's rules at the edge, against real NATS and Postgres: who may call what, what a ballot may
 * hold, conflicts of interest, a frozen panel, and what happens when requests race.
 */
describe('jury rules', () => {
  let system: TestSystem;
  let db: pg.Client;
  let nc: NatsConnection;
  let imported: ImportCeremonyResult;
  let kk: ImportCeremonyResult['categories'][number];
  let svea: ImportCeremonyResult['categories'][number];
  let kkJurors: JurorView[];
  const tokens = new Map<string, string>();
  const base = '/api/v1/ceremonies/kvalitetsmassan-2017';

  const admin = <T>(method: string, path: string, body?: unknown) => system.http<T>(method, `${base}${path}`, { token: system.adminToken, body });
  const as = <T>(token: string, method: string, path: string, body?: unknown) => system.http<T>(method, `${base}${path}`, { token, body });

  async function issue(body: Record<string, unknown>): Promise<string> {
    const issued = await admin<IssuedToken>('POST', '/tokens', body);
    expect(issued.status).toBe(201);
    // Grants reach the gateway through a KV bucket: wait until it knows the token.
    await eventually(async () => expect((await system.http('GET', base, { token: issued.body.token })).status).toBe(200));
    return issued.body.token;
  }

  async function jurorToken(jurorId: string): Promise<string> {
    if (!tokens.has(jurorId)) tokens.set(jurorId, await issue({ role: 'juror', jurorId }));
    return tokens.get(jurorId)!;
  }

  /** A complete ballot: every nominee, every criterion. */
  function fullScores(category: { nominees: { id: string }[] }, criteria: string[], value: (nomineeIndex: number) => number, skip: string[] = []): Scores {
    return Object.fromEntries(category.nominees.filter((n) => !skip.includes(n.id)).map((n, i) => [n.id, Object.fromEntries(criteria.map((c) => [c, value(i)]))]));
  }

  /** A raw request to the jury service over NATS, as any client on the bus could send it, with a token in the credential header or none. */
  async function jury(subject: string, data: Record<string, unknown>, token?: string): Promise<{ response?: unknown; err?: LaurelErrorBody }> {
    const h = headers();
    if (token) h.set(CREDENTIAL_HEADER, bearerCredential(token));
    const msg = await nc.request(subject, JSON.stringify({ pattern: subject, data, id: randomUUID() }), { timeout: 5000, headers: h });
    return msg.json();
  }

  beforeAll(async () => {
    system = await startSystem({ label: 'jury_rules' });
    db = new pg.Client({ connectionString: system.db.url });
    await db.connect();
    nc = await connect({ servers: system.nats.url });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() });
    expect(res.status).toBe(201);
    imported = res.body;
    kk = imported.categories.find((c) => c.slug === 'sveriges-kvalitetskommun')!;
    svea = imported.categories.find((c) => c.slug === 'sveapriset')!;
    kkJurors = await eventually(async () => {
      const list = await admin<JurorView[]>('GET', '/jurors');
      expect(list.body).toHaveLength(8);
      return list.body;
    });
    expect((await admin('PUT', `/categories/${kk.slug}/chair`, { jurorId: kkJurors[0].id })).status).toBe(200);
  });

  afterAll(async () => {
    await nc?.drain();
    await db?.end();
    await system?.dispose();
  });

  it('gives producer, press and screen tokens 403 on every jury call, at the gateway and at the service', async () => {
    const juror = kkJurors[1];
    const calls: [string, string, unknown?][] = [
      ['POST', `/categories/${kk.slug}/jurors`, { name: 'X' }],
      ['PUT', `/categories/${kk.slug}/chair`, { jurorId: juror.id }],
      ['GET', '/jurors'],
      ['GET', '/me'],
      ['POST', `/categories/${kk.slug}/conflicts`, { jurorId: juror.id, nomineeId: kk.nominees[0].id, reason: 'x' }],
      ['GET', `/categories/${kk.slug}/ballot`],
      ['PUT', `/categories/${kk.slug}/ballot`, { scores: {} }],
      ['POST', `/categories/${kk.slug}/ballot/lock`],
      ['POST', `/categories/${kk.slug}/ballots/${juror.id}/reopen`, { reason: 'x' }],
      ['GET', `/categories/${kk.slug}/panel`],
      ['POST', `/categories/${kk.slug}/verdict`, { motivation: MOTIVATION }],
      ['POST', `/categories/${kk.slug}/verdict/seal`],
      ['GET', '/audit/verify'],
    ];
    const roleTokens = new Map<string, string>();
    for (const role of ['producer', 'press', 'screen']) {
      const token = await issue({ role });
      roleTokens.set(role, token);
      for (const [method, path, body] of calls) {
        const res = await as<LaurelErrorBody>(token, method, path, body);
        expect([role, method, path, res.status]).toEqual([role, method, path, 403]);
      }
    }
    // The service does not rely on the gateway: a token of another role, sent straight to it, is refused there too.
    const subjects: [string, Record<string, unknown>][] = [
      ['jury.juror.add', { category: kk.id, name: 'X' }],
      ['jury.juror.list', {}],
      ['jury.juror.get', { jurorId: juror.id }],
      ['jury.conflict.declare', { category: kk.id, jurorId: juror.id, nomineeId: kk.nominees[0].id, reason: 'x' }],
      ['jury.ballot.get', { category: kk.id }],
      ['jury.ballot.save', { category: kk.id, scores: {} }],
      ['jury.ballot.lock', { category: kk.id }],
      ['jury.ballot.reopen', { category: kk.id, jurorId: juror.id, reason: 'x' }],
      ['jury.verdict.compute', { category: kk.id, motivation: MOTIVATION }],
      ['jury.verdict.seal', { category: kk.id }],
      ['jury.panel.status', { category: kk.id }],
      ['jury.panel.chair', { category: kk.id, jurorId: juror.id }],
      ['jury.audit.verify', {}],
    ];
    for (const role of ['producer', 'press', 'screen']) {
      for (const [subject, data] of subjects) {
        const reply = await jury(subject, { ...data, ceremony: imported.id }, roleTokens.get(role));
        expect([role, subject, reply.err?.statusCode]).toEqual([role, subject, 403]);
      }
    }
    // The public brings no credential at all: unauthenticated, 401, as the gateway answers it on REST
    // (it was 403 while "public" was an actor the payload named).
    for (const [subject, data] of subjects) {
      const reply = await jury(subject, { ...data, ceremony: imported.id });
      expect(['public', subject, reply.err?.statusCode]).toEqual(['public', subject, 401]);
    }
  });

  it("keeps a juror out of another juror's ballot and another panel", async () => {
    const [, a, b] = kkJurors;
    const tokenA = await jurorToken(a.id);
    const tokenB = await jurorToken(b.id);
    const saved = await as<BallotView>(tokenB, 'PUT', `/categories/${kk.slug}/ballot`, { scores: { [kk.nominees[0].id]: { demokrati: 7 } } });
    expect(saved.status).toBe(200);

    // Reading: REST only ever returns one's own; asking the service for someone else's is refused.
    const own = await as<BallotView>(tokenA, 'GET', `/categories/${kk.slug}/ballot`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ jurorId: a.id, scores: {} });
    const other = await jury('jury.ballot.get', { ceremony: imported.id, category: kk.id, jurorId: b.id }, tokenA);
    expect(other.err?.statusCode).toBe(403);
    expect(JSON.stringify(other)).not.toContain('"demokrati":7');
    const viaAdmin = await jury('jury.ballot.get', { ceremony: imported.id, category: kk.id, jurorId: b.id }, system.adminToken);
    expect(viaAdmin.err?.statusCode).toBe(403);

    // Changing: a juror can only act as themselves; a non-chair cannot reopen anyone's ballot.
    const reopen = await as<LaurelErrorBody>(tokenA, 'POST', `/categories/${kk.slug}/ballots/${b.id}/reopen`, { reason: 'jag vill' });
    expect(reopen.status).toBe(403);
    const otherMe = await jury('jury.juror.get', { ceremony: imported.id, jurorId: b.id }, tokenA);
    expect(otherMe.err?.statusCode).toBe(403);

    // Another panel: a KvalitetsKommun juror may not touch SveaPriset.
    const foreign = await as<LaurelErrorBody>(tokenA, 'PUT', `/categories/${svea.slug}/ballot`, { scores: { [svea.nominees[0].id]: { overall: 5 } } });
    expect(foreign.status).toBe(403);
    expect((await as(tokenA, 'GET', `/categories/${svea.slug}/panel`)).status).toBe(403);
    expect((await as(tokenA, 'POST', `/categories/${svea.slug}/ballot/lock`)).status).toBe(403);
    expect((await as(tokenB, 'GET', `/categories/${kk.slug}/ballot`)).body).toMatchObject({ jurorId: b.id, scores: { [kk.nominees[0].id]: { demokrati: 7 } } });
  });

  it('refuses bad scores with 400 naming the field', async () => {
    const token = await jurorToken(kkJurors[3].id);
    const n = kk.nominees[0].id;
    const cases: [unknown, string][] = [
      [{ [n]: { demokrati: 11 } }, `scores.${n}.demokrati`],
      [{ [n]: { demokrati: 0 } }, `scores.${n}.demokrati`],
      [{ [n]: { demokrati: 7.5 } }, `scores.${n}.demokrati`],
      [{ [n]: { demokrati: '7' } }, `scores.${n}.demokrati`],
      [{ [n]: { overall: 7 } }, `scores.${n}.overall`],
      [{ [n]: { popularitet: 7 } }, `scores.${n}.popularitet`],
      [{ [randomUUID()]: { demokrati: 7 } }, 'scores.'],
      [{ [svea.nominees[0].id]: { demokrati: 7 } }, `scores.${svea.nominees[0].id}`],
      [{ [n]: 7 }, `scores.${n}`],
    ];
    for (const [scores, path] of cases) {
      const res = await as<LaurelErrorBody>(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores });
      expect([JSON.stringify(scores), res.status]).toEqual([JSON.stringify(scores), 400]);
      expect((res.body.details as FieldProblem[]).some((d) => d.path.startsWith(path))).toBe(true);
    }
    const notObject = await as<LaurelErrorBody>(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores: [1, 2] });
    expect(notObject.status).toBe(400);
    expect(JSON.stringify(notObject.body.details)).toContain('scores');

    // Locking an empty ballot, then an incomplete one.
    const empty = await as<LaurelErrorBody>(token, 'POST', `/categories/${kk.slug}/ballot/lock`);
    expect(empty.status).toBe(400);
    expect(empty.body.details).toEqual([{ path: 'scores', message: 'is empty' }]);
    expect((await as(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores: { [n]: { demokrati: 7 } } })).status).toBe(200);
    const incomplete = await as<LaurelErrorBody>(token, 'POST', `/categories/${kk.slug}/ballot/lock`);
    expect(incomplete.status).toBe(400);
    expect((incomplete.body.details as FieldProblem[]).map((d) => d.path)).toContain(`scores.${n}.verksamheter`);
    expect((await as<BallotView>(token, 'GET', `/categories/${kk.slug}/ballot`)).body.lockedAt).toBeNull();
  });

  it('flags affiliation conflicts, and refuses a conflicted nominee with 403 and the reason', async () => {
    const helsingborg = kk.nominees.find((n) => n.slug === 'helsingborg')!;
    // Added before any ballot is locked: the panel is not frozen yet.
    const added = await admin<{ id: string }>('POST', `/categories/${kk.slug}/jurors`, { name: 'Demojurymedlem Helsingborg', affiliation: 'HELSINGBORGS STAD', demo: true });
    expect(added.status).toBe(201);
    const view = (await admin<JurorView[]>('GET', '/jurors')).body.find((j) => j.id === added.body.id)!;
    expect(view.conflicts).toEqual([{ nomineeId: helsingborg.id, reason: expect.stringContaining('HELSINGBORGS STAD') as string, source: 'affiliation' }]);
    const flaggedToken = await jurorToken(added.body.id);
    const flagged = await as<LaurelErrorBody>(flaggedToken, 'PUT', `/categories/${kk.slug}/ballot`, { scores: { [helsingborg.id]: { demokrati: 10 } } });
    expect(flagged.status).toBe(403);
    expect(flagged.body.message).toContain('HELSINGBORGS STAD');

    // Declared by the organiser with a reason.
    const juror = kkJurors[4];
    const vasteras = kk.nominees.find((n) => n.slug === 'vasteras')!;
    const reason = 'Jurymedlemmen har varit konsult åt Västerås stad under 2016.';
    expect((await admin('POST', `/categories/${kk.slug}/conflicts`, { jurorId: juror.id, nomineeId: vasteras.id, reason })).status).toBe(201);
    const token = await jurorToken(juror.id);
    const refused = await as<LaurelErrorBody>(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores: { [vasteras.id]: { demokrati: 8 } } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain(reason);
    expect(refused.body.details).toEqual([{ path: `scores.${vasteras.id}`, message: reason }]);

    // A complete ballot for a conflicted juror leaves the conflicted nominee out, and locks.
    const scores = fullScores(kk, KK_CRITERIA, (i) => 5 + (i % 3), [vasteras.id]);
    expect((await as(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores })).status).toBe(200);
    expect((await as(token, 'POST', `/categories/${kk.slug}/ballot/lock`)).status).toBe(200);
  });

  it('lets exactly one of parallel lock requests succeed; a locked ballot rejects changes until the chair reopens it', async () => {
    const juror = kkJurors[5];
    const token = await jurorToken(juror.id);
    expect((await as(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores: fullScores(kk, KK_CRITERIA, (i) => 4 + i) })).status).toBe(200);
    const racing = await Promise.all(Array.from({ length: 8 }, () => as<LaurelErrorBody>(token, 'POST', `/categories/${kk.slug}/ballot/lock`)));
    const statuses = racing.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);

    const change = await as<LaurelErrorBody>(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores: fullScores(kk, KK_CRITERIA, () => 10) });
    expect(change.status).toBe(409);

    const chairToken = await jurorToken(kkJurors[0].id);
    const noReason = await as<LaurelErrorBody>(chairToken, 'POST', `/categories/${kk.slug}/ballots/${juror.id}/reopen`, {});
    expect(noReason.status).toBe(400);
    const reopened = await as<BallotView>(chairToken, 'POST', `/categories/${kk.slug}/ballots/${juror.id}/reopen`, { reason: 'Jurymedlemmen bad att få rätta en felskrivning.' });
    expect(reopened.status).toBe(200);
    expect(reopened.body.lockedAt).toBeNull();
    const progress = await db.query<{ locked: number; total: number }>(
      `SELECT (payload::jsonb #>> '{data,locked}')::int AS locked, (payload::jsonb #>> '{data,total}')::int AS total FROM jury.outbox
        WHERE subject = 'gala.events.jury.progress' AND payload::jsonb #>> '{data,categoryId}' = $1 ORDER BY position DESC LIMIT 2`,
      [kk.id],
    );
    expect(progress.rows[0].locked).toBe(progress.rows[1].locked - 1); // the reopening is progress too
    expect((await as(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores: fullScores(kk, KK_CRITERIA, (i) => 3 + i) })).status).toBe(200);
    expect((await as(token, 'POST', `/categories/${kk.slug}/ballot/lock`)).status).toBe(200);
    const audit = await db.query<{ action: string; data: { reason?: string } }>(`SELECT action, data FROM jury.audit_log WHERE action = 'ballot.reopened'`);
    expect(audit.rows).toEqual([{ action: 'ballot.reopened', data: expect.objectContaining({ reason: 'Jurymedlemmen bad att få rätta en felskrivning.' }) as unknown }]);
  });

  it('freezes the panel at the first lock: changing it needs an audited override reason', async () => {
    const refused = await admin<LaurelErrorBody>('POST', `/categories/${kk.slug}/jurors`, { name: 'Sen jurymedlem' });
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual([{ path: 'overrideReason', message: 'required once the panel is frozen' }]);
    const overrideReason = 'En ordinarie jurymedlem fick förhinder; ersättare utsedd av arrangören.';
    const added = await admin<{ id: string }>('POST', `/categories/${kk.slug}/jurors`, { name: 'Sen jurymedlem', overrideReason });
    expect(added.status).toBe(201);
    const audit = await db.query<{ data: { overrideReason: string } }>(`SELECT data FROM jury.audit_log WHERE action = 'juror.added' AND subject = $1`, [`juror:${added.body.id}`]);
    expect(audit.rows[0].data.overrideReason).toBe(overrideReason);
    const status = await admin<PanelStatus>('GET', `/categories/${kk.slug}/panel`);
    expect(status.body).toMatchObject({ frozen: true, quorumMet: false, verdict: null });
  });

  it('takes a juror off a panel freely before the first lock, and only with an audited override after it', async () => {
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    const early = await admin<{ id: string }>('POST', `/categories/${gota.slug}/jurors`, { name: 'Demojurymedlem X', demo: true });
    expect((await admin('DELETE', `/categories/${gota.slug}/jurors/${early.body.id}`)).status).toBe(200);

    const late = (await admin<JurorView[]>('GET', '/jurors')).body.find((j) => j.name === 'Sen jurymedlem')!;
    const lateToken = await jurorToken(late.id);
    const refused = await admin<LaurelErrorBody>('DELETE', `/categories/${kk.slug}/jurors/${late.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual([{ path: 'overrideReason', message: 'required once the panel is frozen' }]);
    const overrideReason = 'Ersättaren behövdes inte: den ordinarie jurymedlemmen kunde delta ändå.';
    expect((await admin('DELETE', `/categories/${kk.slug}/jurors/${late.id}`, { overrideReason })).status).toBe(200);
    expect((await as(lateToken, 'GET', `/categories/${kk.slug}/ballot`)).status).toBe(403);
    const audit = await db.query<{ data: { overrideReason: string } }>(`SELECT data FROM jury.audit_log WHERE action = 'juror.removed' AND subject = $1`, [`juror:${late.id}`]);
    expect(audit.rows[0].data.overrideReason).toBe(overrideReason);
  });

  it('replaces a category\'s nominees from a published shortlist, and flags affiliations against them', async () => {
    const digital = imported.categories.find((c) => c.slug === 'sveriges-digitaliseringskommun')!;
    const juror = await admin<{ id: string }>('POST', `/categories/${digital.slug}/jurors`, { name: 'Demojurymedlem Lund', affiliation: 'Lunds kommun', demo: true });
    const token = await jurorToken(juror.body.id);
    const lund = { id: randomUUID(), slug: 'lund', organisation: 'Lunds kommun', kind: 'kommun', title: null, pronunciation: null };
    const kept = { id: digital.nominees[0].id, slug: digital.nominees[0].slug, organisation: 'Falkenbergs kommun', kind: 'kommun', title: null, pronunciation: null };
    const envelope = {
      id: randomUUID(),
      type: 'nominations.shortlist.published',
      version: 1,
      ceremonyId: imported.id,
      occurredAt: new Date().toISOString(),
      correlationId: 'jury-rules-test',
      data: { categoryId: digital.id, nominees: [kept, lund] },
    };
    await jetstream(nc).publish('gala.events.nominations.shortlist.published', JSON.stringify(envelope), { msgID: envelope.id });

    const view = await eventually(async () => {
      const found = (await admin<JurorView[]>('GET', '/jurors')).body.find((j) => j.id === juror.body.id)!;
      expect(found.conflicts).toHaveLength(1);
      return found;
    });
    expect(view.conflicts[0]).toMatchObject({ nomineeId: lund.id, source: 'affiliation' });
    const dropped = await as<LaurelErrorBody>(token, 'PUT', `/categories/${digital.slug}/ballot`, { scores: { [digital.nominees[1].id]: { overall: 5 } } });
    expect(dropped.status).toBe(400);
    expect((await as(token, 'PUT', `/categories/${digital.slug}/ballot`, { scores: { [kept.id]: { overall: 5 } } })).status).toBe(200);
    expect((await as(token, 'PUT', `/categories/${digital.slug}/ballot`, { scores: { [lund.id]: { overall: 9 } } })).status).toBe(403);
    // Conflicted with one of two nominees: the ballot is complete with the other alone.
    expect((await as(token, 'POST', `/categories/${digital.slug}/ballot/lock`)).status).toBe(200);
  });

  it('needs quorum, breaks ties only by the chair, and seals once under parallel requests', async () => {
    const chair = await admin<{ id: string }>('POST', `/categories/${svea.slug}/jurors`, { name: 'Demojurymedlem 1', chair: true, demo: true });
    const second = await admin<{ id: string }>('POST', `/categories/${svea.slug}/jurors`, { name: 'Demojurymedlem 2', demo: true });
    const chairToken = await jurorToken(chair.body.id);
    const secondToken = await jurorToken(second.body.id);
    const [n0, n1] = svea.nominees.map((n) => n.id);
    const ballot = (top: string, next: string) => Object.fromEntries(svea.nominees.map((n) => [n.id, { overall: n.id === top ? 10 : n.id === next ? 9 : 2 }]));

    expect((await as(chairToken, 'PUT', `/categories/${svea.slug}/ballot`, { scores: ballot(n0, n1) })).status).toBe(200);
    expect((await as(chairToken, 'POST', `/categories/${svea.slug}/ballot/lock`)).status).toBe(200);
    const early = await as<LaurelErrorBody>(chairToken, 'POST', `/categories/${svea.slug}/verdict`, { motivation: MOTIVATION });
    expect(early.status).toBe(409);
    expect(early.body.details).toMatchObject({ locked: 1, required: 2 });
    expect((await as(chairToken, 'POST', `/categories/${svea.slug}/verdict/seal`)).status).toBe(409);

    expect((await as(secondToken, 'PUT', `/categories/${svea.slug}/ballot`, { scores: ballot(n1, n0) })).status).toBe(200);
    expect((await as(secondToken, 'POST', `/categories/${svea.slug}/ballot/lock`)).status).toBe(200);
    expect((await as(secondToken, 'POST', `/categories/${svea.slug}/verdict`, { motivation: MOTIVATION })).status).toBe(403);

    const tie = await as<LaurelErrorBody>(chairToken, 'POST', `/categories/${svea.slug}/verdict`, { motivation: MOTIVATION });
    expect(tie.status).toBe(409);
    expect((tie.body.details as { tied: string[] }).tied.sort()).toEqual([n0, n1].sort());
    const html = await as<LaurelErrorBody>(chairToken, 'POST', `/categories/${svea.slug}/verdict`, { motivation: '<b>Vinnaren</b> är helt enkelt bäst i år!', tieBreakWinnerId: n1 });
    expect(html.status).toBe(400);
    expect(html.body.details).toEqual([{ path: 'motivation', message: expect.stringContaining('HTML') as string }]);
    const notTied = await as<LaurelErrorBody>(chairToken, 'POST', `/categories/${svea.slug}/verdict`, { motivation: MOTIVATION, tieBreakWinnerId: svea.nominees[2].id });
    expect(notTied.status).toBe(400);
    const verdict = await as<VerdictResult>(chairToken, 'POST', `/categories/${svea.slug}/verdict`, { motivation: MOTIVATION, tieBreakWinnerId: n1 });
    expect(verdict.status).toBe(200);
    expect(verdict.body.winnerId).toBe(n1);
    expect(verdict.body.ranking.slice(0, 2).map((r) => r.rank)).toEqual([1, 1]);

    // Five seal requests at once: one commitment, one public seal, one sealed envelope.
    const seals = await Promise.all(Array.from({ length: 5 }, () => as<SealResult>(chairToken, 'POST', `/categories/${svea.slug}/verdict/seal`)));
    expect(seals.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(seals.map((s) => s.body.commitment)).size).toBe(1);
    const outbox = await db.query<{ subject: string; n: string }>(
      `SELECT subject, count(*) AS n FROM jury.outbox WHERE subject IN ('gala.events.jury.verdict.sealed', 'gala.sealed.jury.verdict') AND payload::jsonb #>> '{data,categoryId}' = $1 GROUP BY subject ORDER BY subject`,
      [svea.id],
    );
    expect(outbox.rows).toEqual([
      { subject: 'gala.events.jury.verdict.sealed', n: '1' },
      { subject: 'gala.sealed.jury.verdict', n: '1' },
    ]);

    // Sealed is final.
    expect((await as(chairToken, 'POST', `/categories/${svea.slug}/verdict`, { motivation: MOTIVATION, tieBreakWinnerId: n0 })).status).toBe(409);
    expect((await as(chairToken, 'POST', `/categories/${svea.slug}/ballots/${second.body.id}/reopen`, { reason: 'för sent' })).status).toBe(409);
    expect((await as(secondToken, 'PUT', `/categories/${svea.slug}/ballot`, { scores: ballot(n0, n1) })).status).toBe(409);
    expect((await admin(`POST`, `/categories/${svea.slug}/jurors`, { name: 'För sent', overrideReason: 'x' })).status).toBe(409);

    const audit = await admin<AuditVerification>('GET', '/audit/verify');
    expect(audit.body.ok).toBe(true);
  });

  it('appends concurrent actions of many jurors to one unbroken chain', async () => {
    const jurors = [1, 2, 3, 6, 7].map((i) => kkJurors[i]);
    const tokensOf = await Promise.all(jurors.map((j) => jurorToken(j.id)));
    const saves = tokensOf.flatMap((token, j) =>
      Array.from({ length: 4 }, (_, round) => as(token, 'PUT', `/categories/${kk.slug}/ballot`, { scores: fullScores(kk, KK_CRITERIA, (i) => 1 + ((i + j + round) % 10)) })),
    );
    expect((await Promise.all(saves)).map((r) => r.status)).toEqual(saves.map(() => 200));
    const verified = await admin<AuditVerification>('GET', '/audit/verify');
    expect(verified.body.ok).toBe(true);
    const rows = await db.query<{ n: string; max: number }>('SELECT count(*) AS n, max(seq) AS max FROM jury.audit_log WHERE ceremony_id = $1', [imported.id]);
    expect(Number(rows.rows[0].n)).toBe(rows.rows[0].max);
    expect(verified.body.count).toBe(rows.rows[0].max);
  });

  it('answers 404 for an unknown ceremony or category and 400 for a malformed command', async () => {
    const unknown = await jury('jury.panel.status', { ceremony: 'ingen-sadan', category: 'x' }, system.adminToken);
    expect(unknown.err?.statusCode).toBe(404);
    const category = await admin<LaurelErrorBody>('GET', '/categories/ingen-sadan/panel');
    expect(category.status).toBe(404);
    const malformed = await jury('jury.ballot.reopen', { ceremony: imported.id, category: kk.id, jurorId: 'not-a-uuid', reason: '' }, await jurorToken(kkJurors[0].id));
    expect(malformed.err?.statusCode).toBe(400);
    expect(JSON.stringify(malformed.err?.details)).toContain('jurorId');
  });
});
