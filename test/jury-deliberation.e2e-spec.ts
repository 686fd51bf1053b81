import pg from 'pg';
import {
  computeCommitment,
  type AuditVerification,
  type BallotView,
  type ImportCeremonyResult,
  type IssuedToken,
  type JurorView,
  type JuryProgressEvent,
  type PanelStatus,
  type SealedEvent,
  type SealResult,
  type VerdictResult,
} from '#contracts';
import { eventually } from './support/eventually.js';
import { ceremony2017, outcome2017 } from './support/fixtures.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

interface FileCategory {
  slug: string;
  criteria?: { key: string }[];
  jury?: { name: string }[];
}

const DEMO_JURORS_PER_PANEL = 3;

/**
 * The whole 2017 deliberation over real NATS and Postgres: the real KvalitetsKommun jury (one of them
 * appointed chair), clearly labelled demo jurors where the source names no jury; every juror scores
 * over REST so the real winner wins, locks; each chair enters the real motivation and seals. The
 * commitments verify against the sealed contents announcements received; the audit chain verifies,
 * and a tampered row is named.
 */
describe('jury deliberation of Kvalitetsmässan 2017', () => {
  let system: TestSystem;
  let db: pg.Client;
  let producerLive: LiveClient;
  const file = ceremony2017();
  const fileCategories = file.categories as FileCategory[];
  const outcome = outcome2017();
  let imported: ImportCeremonyResult;
  const base = '/api/v1/ceremonies/kvalitetsmassan-2017';
  const seals = new Map<string, SealResult>();

  beforeAll(async () => {
    system = await startSystem({ label: 'jury_deliberation' });
    db = new pg.Client({ connectionString: system.db.url });
    await db.connect();
  });

  afterAll(async () => {
    producerLive?.close();
    await db?.end();
    await system?.dispose();
  });

  const admin = <T>(method: string, path: string, body?: unknown) => system.http<T>(method, `${base}${path}`, { token: system.adminToken, body });

  /** A juror token, once the gateway knows it (grants reach the gateway through a KV bucket). */
  async function jurorToken(jurorId: string): Promise<string> {
    const issued = await admin<IssuedToken>('POST', '/tokens', { role: 'juror', jurorId });
    expect(issued.status).toBe(201);
    await eventually(async () => expect((await system.http('GET', `${base}/me`, { token: issued.body.token })).status).toBe(200));
    return issued.body.token;
  }

  it('builds the panels from the ceremony file', async () => {
    const res = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: file });
    expect(res.status).toBe(201);
    imported = res.body;

    const jurors = await eventually(async () => {
      const list = await admin<JurorView[]>('GET', '/jurors');
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(8);
      return list.body;
    });
    const kk = imported.categories.find((c) => c.slug === 'sveriges-kvalitetskommun')!;
    expect(jurors.every((j) => j.categoryId === kk.id && !j.demo && !j.chair)).toBe(true);
    expect(jurors.map((j) => j.name)).toEqual(fileCategories.find((c) => c.slug === 'sveriges-kvalitetskommun')!.jury!.map((j) => j.name));

    const producer = await admin<IssuedToken>('POST', '/tokens', { role: 'producer' });
    await eventually(async () => expect((await system.http('GET', base, { token: producer.body.token })).status).toBe(200));
    producerLive = await connectLive(system.gatewayUrl, { ceremony: 'kvalitetsmassan-2017', token: producer.body.token });
  });

  it('deliberates every category so the real winner wins, and seals the real motivation', async () => {
    const everyJuror = (await admin<JurorView[]>('GET', '/jurors')).body;
    for (const result of outcome) {
      const category = imported.categories.find((c) => c.slug === result.category)!;
      const criteria = fileCategories.find((c) => c.slug === result.category)!.criteria?.map((c) => c.key) ?? ['overall'];
      const winner = category.nominees.find((n) => n.slug === result.winner)!;
      expect(winner).toBeDefined();

      // The panel: the real jury where the source names one (the first juror appointed chair), else demo jurors.
      let panel = everyJuror.filter((j) => j.categoryId === category.id);
      if (panel.length > 0) {
        const chair = await admin<JurorView>('PUT', `/categories/${category.slug}/chair`, { jurorId: panel[0].id });
        expect(chair.status).toBe(200);
        expect(chair.body.chair).toBe(true);
        panel = panel.map((j, i) => ({ ...j, chair: i === 0 }));
      } else {
        for (let i = 1; i <= DEMO_JURORS_PER_PANEL; i++) {
          const added = await admin<{ id: string }>('POST', `/categories/${category.slug}/jurors`, {
            name: `Demojurymedlem ${i}`,
            affiliation: 'Demojury (ingen jury namngiven i källan)',
            chair: i === 1,
            demo: true,
          });
          expect(added.status).toBe(201);
          const view = await admin<JurorView[]>('GET', '/jurors').then((r) => r.body.find((j) => j.id === added.body.id)!);
          expect(view.demo).toBe(true);
          panel.push(view);
        }
      }

      // Each juror scores over REST: the real winner highest on every criterion, the others spread below.
      for (const [j, juror] of panel.entries()) {
        const token = await jurorToken(juror.id);
        const scores = Object.fromEntries(
          category.nominees.map((n, k) => [n.id, Object.fromEntries(criteria.map((c, ci) => [c, n.id === winner.id ? 9 - (j % 2) : 2 + ((j + k + ci) % 6)]))]),
        );
        const draft = await system.http<BallotView>('PUT', `${base}/categories/${category.slug}/ballot`, { token, body: { scores } });
        expect(draft.status).toBe(200);
        expect(draft.body.lockedAt).toBeNull();
        const locked = await system.http<BallotView>('POST', `${base}/categories/${category.slug}/ballot/lock`, { token });
        expect(locked.status).toBe(200);
        expect(locked.body.lockedAt).not.toBeNull();
        (juror as JurorView & { token?: string }).token = token;
      }

      const chairToken = (panel.find((j) => j.chair) as JurorView & { token: string }).token;
      const status = await system.http<PanelStatus>('GET', `${base}/categories/${category.slug}/panel`, { token: chairToken });
      expect(status.body).toMatchObject({ jurors: panel.length, locked: panel.length, quorumMet: true, frozen: true, sealed: null });

      const verdict = await system.http<VerdictResult>('POST', `${base}/categories/${category.slug}/verdict`, { token: chairToken, body: { motivation: result.motivation } });
      expect(verdict.status).toBe(200);
      expect(verdict.body.winnerId).toBe(winner.id);
      expect(verdict.body.ranking[0]).toMatchObject({ nomineeId: winner.id, jurorCount: panel.length });

      const sealed = await system.http<SealResult>('POST', `${base}/categories/${category.slug}/verdict/seal`, { token: chairToken });
      expect(sealed.status).toBe(200);
      expect(sealed.body.commitment).toMatch(/^[0-9a-f]{64}$/);
      seals.set(category.id, sealed.body);
    }
    expect(seals.size).toBe(5);
  });

  it('hands announcements sealed contents that hash to each public commitment', async () => {
    for (const result of outcome) {
      const category = imported.categories.find((c) => c.slug === result.category)!;
      const winner = category.nominees.find((n) => n.slug === result.winner)!;
      const envelope = await eventually(async () => {
        const rows = await db.query<{ category_id: string; winner_id: string; motivation: string; salt: string; commitment: string }>(
          'SELECT category_id, winner_id, motivation, salt, commitment FROM announcements.sealed_envelopes WHERE category_id = $1',
          [category.id],
        );
        expect(rows.rows).toHaveLength(1);
        return rows.rows[0];
      });
      expect(envelope.winner_id).toBe(winner.id);
      expect(envelope.motivation).toBe(result.motivation.normalize('NFC').trim());
      const recomputed = computeCommitment({ categoryId: envelope.category_id, winnerId: envelope.winner_id, motivation: envelope.motivation, salt: envelope.salt });
      expect(recomputed).toBe(seals.get(category.id)!.commitment);
      expect(envelope.commitment).toBe(recomputed);
    }
  });

  it('shows the producer progress and commitments, never a score, winner or motivation', async () => {
    const kk = imported.categories.find((c) => c.slug === 'sveriges-kvalitetskommun')!;
    await producerLive.waitFor<JuryProgressEvent>('jury-progress', (p) => p.categoryId === kk.id && p.locked === 8 && p.total === 8 && p.sealed);
    await producerLive.waitFor<SealedEvent>('sealed', (s) => s.categoryId === kk.id && s.commitment === seals.get(kk.id)!.commitment);
    for (const progress of producerLive.of<JuryProgressEvent>('jury-progress')) {
      expect(Object.keys(progress).sort()).toEqual(['categoryId', 'ceremonyId', 'locked', 'sealed', 'total']);
    }
    const everything = JSON.stringify(producerLive.frames);
    for (const result of outcome) expect(everything).not.toContain(result.motivation.slice(0, 40));
    expect(everything).not.toMatch(/"(winnerId|salt|scores|ranking)"/);
  });

  it('verifies the audit chain, and names a tampered row', async () => {
    const clean = await admin<AuditVerification>('GET', '/audit/verify');
    expect(clean.status).toBe(200);
    expect(clean.body.ok).toBe(true);
    // 5 panels created, 2 actions per juror (save, lock) for 8 + 4×3 jurors, 1 chair, 12 demo jurors added, verdict + seal ×5.
    expect(clean.body.count).toBeGreaterThanOrEqual(5 + 2 * 20 + 1 + 12 + 10);

    const target = await db.query<{ seq: number; data: { scores: Record<string, Record<string, number>> } }>(
      `SELECT seq, data FROM jury.audit_log WHERE ceremony_id = $1 AND action = 'ballot.locked' ORDER BY seq LIMIT 1 OFFSET 3`,
      [imported.id],
    );
    const { seq, data } = target.rows[0];
    // Someone quietly raises a locked score in the database.
    const [nomineeId, byCriterion] = Object.entries(data.scores)[0];
    const [criterion] = Object.keys(byCriterion);
    data.scores[nomineeId][criterion] = 10;
    // The log is append-only in the database: only a superuser who switches its triggers off gets this far.
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query('UPDATE jury.audit_log SET data = $3 WHERE ceremony_id = $1 AND seq = $2', [imported.id, seq, JSON.stringify(data)]);
    await db.query('COMMIT');
    const tampered = await admin<AuditVerification>('GET', '/audit/verify');
    expect(tampered.status).toBe(200);
    expect(tampered.body).toMatchObject({ ok: false, brokenAt: seq, reason: 'hash mismatch' });
  });
});
