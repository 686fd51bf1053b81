import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  ballotRoot,
  computeReceipt,
  formatAnchor,
  verifyReceiptProof,
  type AuditVerification,
  type BallotExport,
  type BallotProof,
  type BallotView,
  type ImportCeremonyResult,
  type RevealedEvent,
  type SealedEvent,
} from '#contracts';
import { appendEntry, type AuditEntry } from '../apps/jury/src/audit/audit-chain.js';
import { runVerifyAudit } from '../apps/jury/src/audit/verify-audit-cli.js';
import { runTally } from '../tools/audit/tally.js';
import { eventually } from './support/eventually.js';
import { ceremony2017 } from './support/fixtures.js';
import { GalaJury } from './support/gala.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

type Result = Omit<RevealedEvent, 'showAt'>;

/**
 * Issue 10, items 3 and 4 against real NATS and Postgres: each service on its own database role, the audit
 * log append-only, the audit head anchored in the sealed event and the reveal, a superuser's consistent
 * rewrite of the chain caught by the published anchor (REST and the CLI); ballot receipts, the sealed ballot
 * root, inclusion proofs only after the reveal, and the tally recount catching a changed ballot.
 */
describe('tamper-evident records and a tally anyone can check', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  let jury: GalaJury;
  let press: LiveClient;
  let admin: pg.Client;
  let sealed: Awaited<ReturnType<GalaJury['deliberate']>>;
  let sealedFrame: SealedEvent;
  let result: Result;
  const base = () => `/api/v1/ceremonies/${imported.slug}`;
  const asAdmin = <T>(method: string, path: string) => system.http<T>(method, `${base()}${path}`, { token: system.adminToken });
  const io = () => {
    const lines: string[] = [];
    return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) } };
  };

  beforeAll(async () => {
    system = await startSystem({ label: 'records' });
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: ceremony2017() });
    expect(res.status).toBe(201);
    imported = res.body;
    jury = new GalaJury(system, imported);
    admin = new pg.Client({ connectionString: system.db.url });
    await admin.connect();
    const pressToken = await system.http<{ token: string }>('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'press' } });
    press = await eventually(() => connectLive(system.gatewayUrl, { ceremony: imported.slug, token: pressToken.body.token }));
  });

  afterAll(async () => {
    press?.close();
    await admin?.end();
    await system?.dispose();
  });

  it('each domain service connects as its own role, which owns only its schema', async () => {
    const sessions = await eventually(async () => {
      const rows = (await admin.query<{ app: string; usename: string }>(`SELECT DISTINCT application_name AS app, usename FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'laurel-%'`, [system.db.name])).rows;
      expect(rows.map((r) => r.app).sort()).toEqual(['laurel-announcements', 'laurel-jury', 'laurel-nominations', 'laurel-vote']);
      return rows;
    });
    for (const { app, usename } of sessions) expect(usename).toBe(`${system.db.name}_${app.replace('laurel-', '')}`);
    const owners = (await admin.query<{ nspname: string; owner: string }>(`SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname IN ('nominations', 'jury', 'announcements', 'vote')`)).rows;
    for (const { nspname, owner } of owners) expect(owner).toBe(`${system.db.name}_${nspname}`);

    const juryRole = new pg.Client({ connectionString: system.db.serviceUrls.jury });
    await juryRole.connect();
    try {
      const refused = async (sql: string) => ((await juryRole.query(sql).then(() => null, (e: { code?: string; message: string }) => e)) ?? { code: 'accepted', message: '' });
      expect((await refused('SELECT 1 FROM announcements.results')).code).toBe('42501'); // another service's schema
      expect((await refused('SELECT 1 FROM nominations.access_tokens')).code).toBe('42501');
      expect((await refused('SELECT 1 FROM vote.tickets')).code).toBe('42501');
      expect((await refused('CREATE SCHEMA elsewhere')).code).toBe('42501'); // no CREATE on the database
      expect((await juryRole.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0].rolsuper).toBe(false);
    } finally {
      await juryRole.end();
    }
  });

  it('the audit log is append-only in the database, for the jury role that owns it too', async () => {
    const juryRole = new pg.Client({ connectionString: system.db.serviceUrls.jury });
    await juryRole.connect();
    try {
      // The import reaches the jury as an event: its first entries (panel.created) are there soon after.
      const first = await eventually(async () => {
        const [row] = (await juryRole.query<AuditRow>('SELECT * FROM jury.audit_log ORDER BY ceremony_id, seq LIMIT 1')).rows;
        expect(row).toBeDefined();
        return row;
      });
      for (const sql of [
        `UPDATE jury.audit_log SET actor = 'someone-else' WHERE ceremony_id = '${first.ceremony_id}' AND seq = ${first.seq}`,
        `UPDATE jury.audit_log SET actor = actor WHERE false`,
        `DELETE FROM jury.audit_log WHERE ceremony_id = '${first.ceremony_id}'`,
        'TRUNCATE jury.audit_log',
      ]) {
        const error = await juryRole.query(sql).then(() => null, (e: { code?: string; message: string }) => e);
        expect({ sql, code: error?.code, appendOnly: error?.message.includes('the jury audit log is append-only') }).toEqual({ sql, code: '42501', appendOnly: true });
      }
      const head = await juryRole.query('DELETE FROM jury.audit_heads').then(() => null, (e: { message: string }) => e);
      expect(head?.message).toContain('only moves forward');
      // An entry that does not link to its predecessor is refused at insert.
      const fork = await juryRole
        .query(`INSERT INTO jury.audit_log (ceremony_id, seq, actor, action, subject, data, at, prev_hash, hash) VALUES ($1, 1000, 'x', 'x', 'x', '{}', 'x', $2, $2)`, [first.ceremony_id, 'f'.repeat(64)])
        .then(() => null, (e: { message: string }) => e);
      expect(fork?.message).toContain('does not link');
    } finally {
      await juryRole.end();
    }
  });

  it('a lock returns the receipt of the canonical ballot; the seal publishes the ballot root and the audit head after its own entry', async () => {
    sealed = await jury.deliberate('gotapriset');
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    for (const b of sealed.ballots) {
      expect(b.receipt).toBe(computeReceipt({ categoryId: gota.id, jurorId: b.jurorId, scores: b.scores, salt: b.receiptSalt! }));
    }
    const root = ballotRoot(sealed.ballots.map((b) => ({ jurorId: b.jurorId, receipt: b.receipt! })));
    expect(sealed.seal).toMatchObject({ ballotRoot: root.root, ballotCount: sealed.ballots.length });

    sealedFrame = await press.waitFor<SealedEvent>('sealed', (s) => s.categoryId === gota.id);
    expect(sealedFrame).toMatchObject({ commitment: sealed.commitment, ballotRoot: root.root, ballotCount: root.count });
    // The head published is the one right after the seal's own `verdict.sealed` entry, in the same transaction.
    const entry = (await admin.query<AuditRow>(`SELECT * FROM jury.audit_log WHERE ceremony_id = $1 AND action = 'verdict.sealed' AND subject = $2`, [imported.id, `category:${gota.id}`])).rows[0];
    expect(sealedFrame.auditHead).toEqual({ hash: entry.hash, count: entry.seq });
    expect(sealed.seal.auditHead).toEqual(sealedFrame.auditHead);
    expect(entry.data).toMatchObject({ commitment: sealed.commitment, ballotRoot: root.root, ballotCount: root.count });
  });

  it('before the reveal, no proof and no export: a refusal that says nothing about any ballot', async () => {
    const juror = sealed.ballots[1];
    const proof = await system.http('GET', `${base()}/categories/gotapriset/ballot/proof`, { token: juror.token });
    expect(proof.status).toBe(409);
    expect(proof.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'proofs are served only after the category is revealed' });
    const exported = await asAdmin('GET', '/categories/gotapriset/ballots');
    expect(exported.status).toBe(409);
    for (const text of [proof.text, exported.text]) expect(text).not.toMatch(/receipt|scores|root|path|[0-9a-f]{64}/);
  });

  it('after the reveal: the reveal and the results carry the audit head and the root, and every juror proves their receipt', async () => {
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    const producer = (await system.http<{ token: string }>('POST', `${base()}/tokens`, { token: system.adminToken, body: { role: 'producer' } })).body.token;
    const cue = (body: Record<string, unknown>) => system.http<{ scene: { kind: string } }>('POST', `${base()}/show/cues`, { token: producer, body: { idempotencyKey: randomUUID(), ...body } });
    for (const kind of ['welcome', 'category', 'nominees', 'envelope']) expect((await cue({ action: 'next' })).body.scene.kind).toBe(kind);
    await eventually(async () => expect((await cue({ action: 'reveal', categoryId: 'gotapriset' })).status).toBe(200));

    const revealed = await press.waitFor<RevealedEvent>('revealed', (r) => r.categoryId === gota.id);
    expect(revealed).toMatchObject({ auditHead: sealedFrame.auditHead, ballotRoot: sealedFrame.ballotRoot, ballotCount: sealedFrame.ballotCount });
    const results = await system.http<Result[]>('GET', `${base()}/results`);
    result = results.body.find((r) => r.categoryId === gota.id)!;
    expect(result).toMatchObject({ auditHead: sealedFrame.auditHead, ballotRoot: sealedFrame.ballotRoot, ballotCount: sealedFrame.ballotCount });

    for (const b of sealed.ballots) {
      const proof = await eventually(async () => {
        const res = await system.http<BallotProof>('GET', `${base()}/categories/gotapriset/ballot/proof`, { token: b.token });
        expect(res.status).toBe(200);
        return res.body;
      });
      expect(proof).toMatchObject({ receipt: b.receipt, sealedRoot: result.ballotRoot, sealedCount: result.ballotCount, root: result.ballotRoot, treeSize: result.ballotCount });
      // Checked against what was published, not against the proof's own root.
      expect(verifyReceiptProof(b.receipt!, proof, { root: result.ballotRoot!, count: result.ballotCount! })).toBe(true);
      expect(computeReceipt({ categoryId: gota.id, jurorId: b.jurorId, scores: proof.scores, salt: proof.receiptSalt })).toBe(b.receipt);
      expect(proof.path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(result.ballotCount!)));
    }
    // Another panel's juror gets no proof of this panel; the chair's view of a juror's proof is their own only.
    const outsider = await jury.jurorToken((await asAdmin<{ id: string; categoryId: string }[]>('GET', '/jurors')).body.find((j) => j.categoryId !== gota.id)!.id);
    expect((await system.http('GET', `${base()}/categories/gotapriset/ballot/proof`, { token: outsider })).status).toBe(403);
  });

  it('the tally recounts the revealed category to what was sealed and revealed', async () => {
    const exported = await asAdmin<BallotExport>('GET', '/categories/gotapriset/ballots');
    expect(exported.status).toBe(200);
    expect(exported.body.ballots.map((b) => b.receipt).sort()).toEqual(sealed.ballots.map((b) => b.receipt).sort());
    const run = io();
    expect(await runTally([imported.slug, '--url', system.gatewayUrl, '--token', system.adminToken], run.io)).toBe(0);
    expect(run.lines.join('\n')).toContain('all 1 revealed categories recount to what was sealed and revealed');
    expect(run.lines.join('\n')).not.toContain('MISMATCH');
  });

  it('a superuser rewrites the chain and its head after the seal: the chain alone verifies, the published anchor catches it', async () => {
    const anchor = result.auditHead!;
    const clean = await asAdmin<AuditVerification>('GET', `/audit/verify?anchor=${formatAnchor(anchor)}`);
    expect(clean.body).toMatchObject({ ok: true, anchor });
    const cli = io();
    expect(await runVerifyAudit([imported.slug, '--anchor', formatAnchor(anchor)], { DATABASE_URL: system.db.serviceUrls.jury }, cli.io)).toBe(0);

    // Rewrite: a locked ballot's scores in its audit entry, then every hash after it and the head, with triggers off.
    const rows = (await admin.query<AuditRow>('SELECT * FROM jury.audit_log WHERE ceremony_id = $1 ORDER BY seq', [imported.id])).rows;
    const target = rows.find((r) => r.action === 'ballot.locked' && r.seq < anchor.count)!;
    const chain: AuditEntry[] = [];
    for (const row of rows) {
      const fields = { ceremonyId: row.ceremony_id, actor: row.actor, action: row.action, subject: row.subject, data: row.data, at: row.at };
      if (row.seq === target.seq) fields.data = { ...(row.data as Record<string, unknown>), scores: {} };
      chain.push(row.seq < target.seq ? toEntry(row) : appendEntry(chain.at(-1) ?? null, fields as never));
    }
    await admin.query('BEGIN');
    await admin.query('SET LOCAL session_replication_role = replica'); // what only a superuser can do: triggers off
    for (const e of chain.filter((x) => x.seq >= target.seq)) {
      await admin.query('UPDATE jury.audit_log SET data = $3::jsonb, prev_hash = $4, hash = $5 WHERE ceremony_id = $1 AND seq = $2', [imported.id, e.seq, JSON.stringify(e.data), e.prevHash, e.hash]);
    }
    await admin.query('UPDATE jury.audit_heads SET hash = $2 WHERE ceremony_id = $1', [imported.id, chain.at(-1)!.hash]);
    await admin.query('COMMIT');

    const alone = await asAdmin<AuditVerification>('GET', '/audit/verify');
    expect(alone.body).toMatchObject({ ok: true, count: rows.length }); // the rewrite is consistent: the chain alone cannot tell
    const anchored = await asAdmin<AuditVerification>('GET', `/audit/verify?anchor=${formatAnchor(anchor)}`);
    expect(anchored.body).toMatchObject({ ok: false, reason: 'head mismatch', brokenAt: anchor.count, anchor });
    const caught = io();
    expect(await runVerifyAudit([imported.slug, '--anchor', formatAnchor(anchor)], { DATABASE_URL: system.db.serviceUrls.jury }, caught.io)).toBe(1);
    expect(caught.lines.join('\n')).toContain('(head mismatch)');
    expect(await runVerifyAudit([imported.slug], { DATABASE_URL: system.db.serviceUrls.jury }, io().io)).toBe(0);
    expect((await asAdmin<AuditVerification>('GET', '/audit/verify?anchor=nonsense')).status).toBe(400);
  });

  it('a ballot changed behind the jury (its receipt re-hashed to match) is caught by the tally', async () => {
    const gota = imported.categories.find((c) => c.slug === 'gotapriset')!;
    const victim = sealed.ballots.find((b) => b.jurorId !== sealed.ballots[0].jurorId)!;
    const row = (await admin.query<{ scores: BallotView['scores']; salt: string }>('SELECT scores, salt FROM jury.ballots WHERE juror_id = $1', [victim.jurorId])).rows[0];
    // Bottom marks everywhere: the means move; the receipt is recomputed so the export is self-consistent.
    const scores = Object.fromEntries(Object.entries(row.scores).map(([nominee, byCriterion]) => [nominee, Object.fromEntries(Object.keys(byCriterion).map((k) => [k, 1]))]));
    const receipt = computeReceipt({ categoryId: gota.id, jurorId: victim.jurorId, scores, salt: row.salt });
    await admin.query('UPDATE jury.ballots SET scores = $2::jsonb, receipt = $3 WHERE juror_id = $1', [victim.jurorId, JSON.stringify(scores), receipt]);

    const run = io();
    expect(await runTally([imported.slug, '--url', system.gatewayUrl, '--token', system.adminToken], run.io)).toBe(1);
    const report = run.lines.join('\n');
    expect(report).toMatch(/MISMATCH ballot root \(recomputed vs published\)/);
    expect(report).toMatch(/MISMATCH ballot root \(recomputed vs sealed\)/);
    expect(report).toMatch(/MISMATCH ranking \(recomputed vs sealed\)/);
    expect(report).toContain('do NOT match');
    // The juror sees it too: the receipt they kept is still in the published root (the siblings did not change),
    // but the jury now holds another ballot for them, whose receipt is not, and whose tree has another root.
    const proof = (await system.http<BallotProof>('GET', `${base()}/categories/gotapriset/ballot/proof`, { token: victim.token })).body;
    expect(verifyReceiptProof(victim.receipt!, proof, { root: result.ballotRoot!, count: result.ballotCount! })).toBe(true);
    expect(proof.receipt).not.toBe(victim.receipt);
    expect(verifyReceiptProof(proof.receipt, proof, { root: result.ballotRoot!, count: result.ballotCount! })).toBe(false);
    expect(proof.root).not.toBe(proof.sealedRoot);
  });
});

interface AuditRow {
  ceremony_id: string;
  seq: number;
  actor: string;
  action: string;
  subject: string;
  data: unknown;
  at: string;
  prev_hash: string;
  hash: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return { ceremonyId: row.ceremony_id, seq: row.seq, actor: row.actor, action: row.action, subject: row.subject, data: row.data as never, at: row.at, prevHash: row.prev_hash, hash: row.hash };
}
