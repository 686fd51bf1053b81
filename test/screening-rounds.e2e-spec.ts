import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type {
  AssignmentView,
  DeliberationComment,
  DeliberationFrame,
  DeliberationThread,
  DeliberationView,
  AuditVerification,
  FrozenShortlist,
  ImportCeremonyResult,
  JurorView,
  ReviewView,
  ScreeningRanking,
  ScreeningView,
  ShortlistView,
} from '#contracts';
import { eventually } from './support/eventually.js';
import { generatedAnswers, intakeDeclaration, submitEntries } from './support/intake.js';
import { connectLive, type LiveClient } from './support/live-client.js';
import { startSystem, type TestSystem } from './support/system.js';

/**
 * Issue 15, screening rounds, through the API on a real nats-server and Postgres: 60 entries (60 public intake
 * submissions through the gateway, each accepted by the admin) → a screening round with k = 3 reviewers per entry around an affiliation and a declared conflict →
 * every review locked → the ranking by per-juror z-scores beside the raw means → the chair's adjustment with
 * a reason → the freeze (nominations publishes the shortlist, recording the round) → the final round's ballots
 * → seal → reveal; the deliberation threads, with a spy juror conflicted with one nominee who never gets its
 * thread (REST or socket) while press, screens and the public get no deliberation at all. The refusals: an unassigned or conflicted entry (403 with the reason), an impossible k,
 * a freeze before every review is locked, a ranking asked by a juror who is not the chair.
 */
const CRITERIA = [
  { key: 'kvalitet', label: 'Kvalitet', weight: 2 },
  { key: 'fornyelse', label: 'Förnyelse', weight: 1 },
];
const JURY = [
  { name: 'Ordförande Ek', affiliation: 'Västra Götalandsregionen', chair: true },
  { name: 'Juror Alm', affiliation: 'Organisation 0004' }, // flagged: entry 0004's organisation
  { name: 'Juror Björk', affiliation: null },
  { name: 'Juror Lind', affiliation: null },
  { name: 'Juror Asp', affiliation: null },
  { name: 'Juror Rönn (spy)', affiliation: null },
];
/** The test form with a long description (room for 7.8 kB) and no website line, so an entry's description is exactly the answer. */
const INTAKE = (() => {
  const form = intakeDeclaration();
  return { ...form, fields: form.fields.filter((f) => f.key !== 'website').map((f) => (f.key === 'description' ? { ...f, maxLength: 3900 } : f)) };
})();
const CEREMONY = {
  ceremony: { slug: 'screening-gala', name: 'Screening gala (test)', locale: 'sv-SE', timezone: 'Europe/Stockholm' },
  categories: [{ slug: 'gotapriset', name: 'GötaPriset', nomineesCount: 6, nomineeBounds: { min: 3, max: 6 }, criteria: CRITERIA, jury: JURY, intake: INTAKE }],
};
const ENTRIES = 60;
/** The i-th submission: "Organisation 000i" (entry 4's organisation is Juror Alm's affiliation) and a 7.8 kB description. */
function answersOf(i: number): Record<string, string> {
  const { website: _website, ...answers } = generatedAnswers(i);
  return { ...answers, description: `${'å'.repeat(3890)} ${i}` };
}
const K = 3;

/** Each juror's bias: the harsh and the generous see different entries, so raw means mislead. */
const BIAS = [0, -3, 2, 1, -1, 0];
function scoresFor(jurorIndex: number, entryIndex: number): Record<string, number> {
  const quality = 2 + ((entryIndex * 37) % 7); // 2..8
  const clamp = (n: number) => Math.max(1, Math.min(10, n));
  return { kvalitet: clamp(quality + BIAS[jurorIndex]), fornyelse: clamp(quality + BIAS[jurorIndex] + ((entryIndex + jurorIndex) % 3) - 1) };
}

describe('screening rounds: entries → assignment → normalized ranking → shortlist → final round → deliberation → reveal', () => {
  let system: TestSystem;
  let imported: ImportCeremonyResult;
  let admin: pg.Client;
  let jurors: JurorView[];
  const tokens = new Map<string, string>();
  let entryIds: string[];
  let round: ScreeningView;
  let assignment: AssignmentView;
  let frozen: FrozenShortlist;
  let nominees: string[];
  const nomineeOfEntry = new Map<string, string>();
  const liveClients: LiveClient[] = [];
  const base = '/api/v1/ceremonies/screening-gala';
  const cat = `${base}/categories/gotapriset`;
  const as = <T>(token: string, method: string, path: string, body?: unknown) => system.http<T>(method, path, { token, body });
  const asAdmin = <T>(method: string, path: string, body?: unknown) => as<T>(system.adminToken, method, path, body);
  const chair = () => tokens.get(jurors.find((j) => j.chair)!.id)!;
  const jurorNamed = (prefix: string) => jurors.find((j) => j.name.startsWith(prefix))!;
  const entryIndex = new Map<string, number>();

  beforeAll(async () => {
    system = await startSystem({ label: 'screening', trustProxy: 'loopback' });
    const res = await asAdmin<ImportCeremonyResult>('POST', '/api/v1/ceremonies', CEREMONY);
    expect(res.status).toBe(201);
    imported = res.body;
    admin = new pg.Client({ connectionString: system.db.url });
    await admin.connect();

    // 60 entrants submit through the public form (each from its own address: the gateway trusts the test's loopback
    // proxy), and the admin accepts every submission. Long descriptions (7.8 kB each): the round's 60 entries are
    // more than one NATS message, so the gateway opens it in batches.
    const submitted = await submitEntries(system, {
      ceremony: 'screening-gala',
      category: 'gotapriset',
      count: ENTRIES,
      start: 0,
      answers: answersOf,
      headers: (i) => ({ 'x-forwarded-for': `10.15.0.${i + 1}` }),
    });
    expect(submitted.receipts).toHaveLength(ENTRIES);
    const page = await asAdmin<{ total: number; entries: { id: string; source: string; organisation: string }[] }>('GET', `${cat}/entries`);
    expect(page.body.total).toBe(ENTRIES);
    expect(page.body.entries.every((e) => e.source === 'intake')).toBe(true);
    entryIds = page.body.entries.map((e) => e.id);
    // Nominations holds them in the order the admin accepted them: entry i is submission i.
    expect(entryIds).toEqual(submitted.entryIds);
    entryIds.forEach((id, i) => entryIndex.set(id, i));
    expect(page.body.entries[4].organisation).toBe('Organisation 0004');

    jurors = (await asAdmin<JurorView[]>('GET', `${base}/jurors`)).body;
    expect(jurors).toHaveLength(JURY.length);
    for (const j of jurors) tokens.set(j.id, (await asAdmin<{ token: string }>('POST', `${base}/tokens`, { role: 'juror', jurorId: j.id })).body.token);
    // A fresh token reaches the services through a KV watch.
    for (const token of tokens.values()) await eventually(async () => expect((await as(token, 'GET', `${base}/me`)).status).toBe(200));
  });

  afterAll(async () => {
    for (const client of liveClients) client.close();
    await admin?.end();
    await system?.dispose();
  });

  it('only the organiser opens the round, on the category entries, and affiliation conflicts are flagged', async () => {
    expect((await as(chair(), 'POST', `${cat}/screening`, {})).status).toBe(403);
    const opened = await asAdmin<ScreeningView>('POST', `${cat}/screening`, {});
    expect(opened.status).toBe(201);
    round = opened.body;
    expect(round).toMatchObject({ kind: 'screening', status: 'open', k: null, shortlistSize: 6, entries: ENTRIES, progress: { locked: 0, total: 0 } });
    const again = await asAdmin<{ message: string }>('POST', `${cat}/screening`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already has a screening round');
    const flagged = await admin.query<{ juror_id: string; entry_id: string; source: string }>('SELECT juror_id, entry_id, source FROM jury.entry_conflicts WHERE round_id = $1', [round.roundId]);
    expect(flagged.rows).toEqual([{ juror_id: jurorNamed('Juror Alm').id, entry_id: entryIds[4], source: 'affiliation' }]);
    // Opened in two batches (the second appended), every entry once, in the order nominations holds them.
    const stored = await admin.query<{ entry_id: string; description: string }>('SELECT entry_id, description FROM jury.round_entries WHERE round_id = $1 ORDER BY position', [round.roundId]);
    expect(stored.rows.map((r) => r.entry_id)).toEqual(entryIds);
    expect(stored.rows[59].description).toBe(`${'å'.repeat(3890)} 59`);
    const batches = await admin.query<{ action: string }>("SELECT action FROM jury.audit_log WHERE ceremony_id = $1 AND action LIKE 'screening.%' ORDER BY seq", [imported.id]);
    expect(batches.rows.map((r) => r.action)).toEqual(['screening.opened', 'screening.entries.added']);
  });

  it('a juror declares a conflict for themselves only; the chair assigns k = 3 with loads of 30 around both conflicts', async () => {
    const spy = jurorNamed('Juror Rönn');
    const other = jurorNamed('Juror Lind');
    expect((await as(tokens.get(spy.id)!, 'POST', `${cat}/screening/conflicts`, { jurorId: other.id, entryId: entryIds[10], reason: 'not mine to declare' })).status).toBe(403);
    expect((await as(tokens.get(spy.id)!, 'POST', `${cat}/screening/conflicts`, { jurorId: spy.id, entryId: entryIds[10], reason: 'former employer' })).status).toBe(201);

    const tooMany = await as<{ statusCode: number; message: string; details: unknown }>(chair(), 'POST', `${cat}/screening/assignment`, { k: 7 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toBe("k must be a whole number from 1 to the panel's 6 juror(s); got 7");
    expect((await as(tokens.get(spy.id)!, 'POST', `${cat}/screening/assignment`, { k: K })).status).toBe(403);

    const assigned = await as<AssignmentView>(chair(), 'POST', `${cat}/screening/assignment`, { k: K });
    expect(assigned.status).toBe(200);
    assignment = assigned.body;
    expect(assignment).toMatchObject({ k: K, minLoad: 30, maxLoad: 30 });
    expect(assignment.loads.map((l) => l.assigned)).toEqual(JURY.map(() => 30));
    const reviews = await admin.query<{ entry_id: string; juror_id: string }>('SELECT entry_id, juror_id FROM jury.reviews WHERE round_id = $1', [round.roundId]);
    expect(reviews.rows).toHaveLength(ENTRIES * K);
    const byEntry = new Map<string, string[]>();
    for (const r of reviews.rows) byEntry.set(r.entry_id, [...(byEntry.get(r.entry_id) ?? []), r.juror_id]);
    for (const id of entryIds) expect(new Set(byEntry.get(id)).size).toBe(K);
    expect(byEntry.get(entryIds[4])).not.toContain(jurorNamed('Juror Alm').id);
    expect(byEntry.get(entryIds[10])).not.toContain(spy.id);
  });

  it('a juror sees only their queue and may score only it: an unassigned entry and a conflicted one are 403 with the reason', async () => {
    const spy = jurorNamed('Juror Rönn');
    const view = (await as<ScreeningView>(tokens.get(spy.id)!, 'GET', `${cat}/screening`)).body;
    expect(view.queue).toHaveLength(30);
    expect(view.jurors).toBeUndefined(); // loads per juror are the chair's view
    const mine = new Set(view.queue!.map((q) => q.id));
    const unassigned = entryIds.find((id) => !mine.has(id) && id !== entryIds[10])!;
    const notMine = await as<{ statusCode: number; message: string }>(tokens.get(spy.id)!, 'PUT', `${cat}/screening/reviews/${unassigned}`, { scores: { kvalitet: 5, fornyelse: 5 } });
    expect(notMine.status).toBe(403);
    expect(notMine.body.message).toBe('that entry is not assigned to you: a juror reviews only the entries of their queue');
    const conflicted = await as<{ statusCode: number; message: string }>(tokens.get(spy.id)!, 'PUT', `${cat}/screening/reviews/${entryIds[10]}`, { scores: { kvalitet: 5, fornyelse: 5 } });
    expect(conflicted.status).toBe(403);
    expect(conflicted.body.message).toBe('you may not review an entry you are conflicted with: former employer');
    const alm = jurorNamed('Juror Alm');
    const flagged = await as<{ message: string }>(tokens.get(alm.id)!, 'PUT', `${cat}/screening/reviews/${entryIds[4]}`, { scores: { kvalitet: 5 } });
    expect(flagged.status).toBe(403);
    expect(flagged.body.message).toContain('affiliation "Organisation 0004" is the entry\'s organisation');
    const bad = await as<{ details: unknown }>(tokens.get(spy.id)!, 'PUT', `${cat}/screening/reviews/${view.queue![0].id}`, { scores: { kvalitet: 11, smak: 3 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { path: 'scores.kvalitet', message: 'must be from 1 to 10' },
      { path: 'scores.smak', message: 'unknown criterion in this category' },
    ]);

    // A conflict found after the assignment: the juror's review moves to the least-loaded juror free of the entry.
    const lind = jurorNamed('Juror Lind');
    const lindQueue = (await as<ScreeningView>(tokens.get(lind.id)!, 'GET', `${cat}/screening`)).body.queue!;
    const late = lindQueue[0].id;
    const before = await admin.query<{ juror_id: string }>('SELECT juror_id FROM jury.reviews WHERE round_id = $1 AND entry_id = $2', [round.roundId, late]);
    expect((await as(tokens.get(lind.id)!, 'POST', `${cat}/screening/conflicts`, { jurorId: lind.id, entryId: late, reason: 'my sister leads the project' })).status).toBe(201);
    const after = (await admin.query<{ juror_id: string }>('SELECT juror_id FROM jury.reviews WHERE round_id = $1 AND entry_id = $2', [round.roundId, late])).rows.map((r) => r.juror_id);
    expect(after).toHaveLength(K);
    expect(after).not.toContain(lind.id);
    const taker = after.find((id) => !before.rows.some((r) => r.juror_id === id))!;
    const conflictedWithLate = (await admin.query<{ juror_id: string }>('SELECT juror_id FROM jury.entry_conflicts WHERE round_id = $1 AND entry_id = $2', [round.roundId, late])).rows.map((r) => r.juror_id);
    // Every other juror carries 30: the first in panel order who neither reviews the entry nor is conflicted with it.
    expect(taker).toBe(jurors.find((j) => !before.rows.some((r) => r.juror_id === j.id) && !conflictedWithLate.includes(j.id))!.id);
    expect((await as<ScreeningView>(tokens.get(lind.id)!, 'GET', `${cat}/screening`)).body.queue!.map((q) => q.id)).not.toContain(late);
    const refusedLate = await as<{ message: string }>(tokens.get(lind.id)!, 'PUT', `${cat}/screening/reviews/${late}`, { scores: { kvalitet: 5, fornyelse: 5 } });
    expect(refusedLate.status).toBe(403);
    expect(refusedLate.body.message).toBe('you may not review an entry you are conflicted with: my sister leads the project');
  });

  it('every juror scores and locks their reviews; an incomplete one cannot lock, a locked one cannot change, and the freeze waits for the last', async () => {
    const queues = new Map<string, ScreeningView['queue']>();
    for (const j of jurors) queues.set(j.id, (await as<ScreeningView>(tokens.get(j.id)!, 'GET', `${cat}/screening`)).body.queue);
    const first = jurors[2];
    const firstEntry = queues.get(first.id)![0].id;
    expect((await as(tokens.get(first.id)!, 'PUT', `${cat}/screening/reviews/${firstEntry}`, { scores: { kvalitet: 5 } })).status).toBe(200);
    const incomplete = await as<{ message: string }>(tokens.get(first.id)!, 'POST', `${cat}/screening/reviews/${firstEntry}/lock`);
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.message).toBe('the review is incomplete: scores.fornyelse');

    let last: { token: string; entryId: string } | null = null;
    const toLock: { token: string; entryId: string }[] = [];
    for (const [ji, j] of jurors.entries()) {
      const token = tokens.get(j.id)!;
      for (const item of queues.get(j.id)!) {
        const scores = scoresFor(ji, entryIndex.get(item.id)!);
        expect((await as(token, 'PUT', `${cat}/screening/reviews/${item.id}`, { scores })).status).toBe(200);
        if (ji === jurors.length - 1 && item === queues.get(j.id)!.at(-1)) last = { token, entryId: item.id };
        else toLock.push({ token, entryId: item.id });
      }
    }
    // The jurors lock side by side, each lock sent twice at once (a double tap): the jury writes locks arriving
    // together as one group commit, and each review still locks exactly once (one 200, one 409), in the chain once.
    for (let i = 0; i < toLock.length; i += 12) {
      const pairs = await Promise.all(
        toLock.slice(i, i + 12).map(({ token, entryId }) => Promise.all([0, 1].map(() => as<ReviewView & { message: string }>(token, 'POST', `${cat}/screening/reviews/${entryId}/lock`)))),
      );
      for (const pair of pairs) {
        const [won, lost] = [...pair].sort((a, b) => a.status - b.status);
        expect([won.status, lost.status]).toEqual([200, 409]);
        expect(won.body.lockedAt).not.toBeNull();
        expect(lost.body.message).toBe('your review of this entry is already locked');
      }
    }
    const relock = await as(tokens.get(first.id)!, 'PUT', `${cat}/screening/reviews/${firstEntry}`, { scores: { kvalitet: 9, fornyelse: 9 } });
    expect(relock.status).toBe(409);
    const early = await as<{ message: string }>(chair(), 'POST', `${cat}/screening/shortlist/freeze`);
    expect(early.status).toBe(409);
    expect(early.body.message).toBe(`${ENTRIES * K - 1} of ${ENTRIES * K} reviews are locked: every review must be locked before the freeze`);
    expect((await as(last!.token, 'POST', `${cat}/screening/reviews/${last!.entryId}/lock`)).status).toBe(200);
    const progress = (await as<ScreeningView>(chair(), 'GET', `${cat}/screening`)).body;
    expect(progress.progress).toEqual({ locked: ENTRIES * K, total: ENTRIES * K });
    // After the late conflict one juror carries 29 and one 31; every review is locked.
    expect(progress.jurors!.map((j) => j.assigned).sort()).toEqual([29, 30, 30, 30, 30, 31]);
    for (const j of progress.jurors!) expect(j.locked).toBe(j.assigned);
  });

  it('ranks by per-juror z-scores with the raw means beside them (the chair and admin only), drafting the top 6', async () => {
    const spy = jurorNamed('Juror Rönn');
    expect((await as(tokens.get(spy.id)!, 'GET', `${cat}/screening/ranking`)).status).toBe(403);
    const ranking = (await as<ScreeningRanking>(chair(), 'GET', `${cat}/screening/ranking`)).body;
    expect(ranking.progress).toEqual({ locked: ENTRIES * K, total: ENTRIES * K });

    // Recomputed here from the scores sent: weighted mean per review, z against its juror's own reviews.
    const reviews = (await admin.query<{ entry_id: string; juror_id: string }>('SELECT entry_id, juror_id FROM jury.reviews WHERE round_id = $1', [round.roundId])).rows;
    const jurorIndex = new Map(jurors.map((j, i) => [j.id, i]));
    const value = (r: { entry_id: string; juror_id: string }) => {
      const s = scoresFor(jurorIndex.get(r.juror_id)!, entryIndex.get(r.entry_id)!);
      return (2 * s.kvalitet + s.fornyelse) / 3;
    };
    const stats = new Map<string, { mean: number; sd: number }>();
    for (const j of jurors) {
      const values = reviews.filter((r) => r.juror_id === j.id).map(value);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      stats.set(j.id, { mean, sd: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) });
    }
    for (const row of ranking.entries) {
      const own = reviews.filter((r) => r.entry_id === row.id);
      const z = own.map((r) => (value(r) - stats.get(r.juror_id)!.mean) / stats.get(r.juror_id)!.sd);
      expect(row.reviews).toBe(K);
      expect(row.normalized).toBeCloseTo(z.reduce((a, b) => a + b, 0) / K, 9);
      expect(row.raw).toBeCloseTo(own.map(value).reduce((a, b) => a + b, 0) / K, 9);
    }
    // Descending by normalized score (equal within rounding: the raw mean breaks the tie).
    for (let i = 1; i < ranking.entries.length; i++) {
      const [a, b] = [ranking.entries[i - 1], ranking.entries[i]];
      expect(a.normalized! - b.normalized!).toBeGreaterThan(-1e-9);
      if (Math.abs(a.normalized! - b.normalized!) < 1e-9) expect(a.raw! - b.raw!).toBeGreaterThan(-1e-9);
    }
    // The normalization changes the order: some entries rank differently by raw mean.
    expect(ranking.entries.some((e) => e.rank !== e.rawRank)).toBe(true);
    expect(ranking.draft).toEqual(ranking.entries.slice(0, 6).map((e) => e.id));
  });

  it('the chair adjusts the draft with a recorded reason, and freezes it: nominations publishes it, recording the round', async () => {
    const before = (await as<ScreeningRanking>(chair(), 'GET', `${cat}/screening/ranking`)).body;
    // The spy's declared conflict (entry 10) goes onto the shortlist, so its nominee carries the conflict.
    const spyEntry = entryIds[10];
    const out = [...before.draft].reverse().find((id) => id !== spyEntry)!;
    const inn = before.draft.includes(spyEntry) ? before.entries.find((e) => !before.draft.includes(e.id))!.id : spyEntry;
    expect((await as(chair(), 'POST', `${cat}/screening/shortlist/adjustments`, { entryId: out, onShortlist: false, reason: '   ' })).status).toBe(400);
    expect((await as(chair(), 'POST', `${cat}/screening/shortlist/adjustments`, { entryId: out, onShortlist: false, reason: 'same project as an entry ranked above' })).status).toBe(200);
    const after = await as<ScreeningRanking>(chair(), 'POST', `${cat}/screening/shortlist/adjustments`, { entryId: inn, onShortlist: true, reason: 'the panel wants a region among the nominees' });
    expect(after.body.draft).toEqual([...before.draft.filter((id) => id !== out), inn]);
    expect(after.body.adjustments.map((a) => [a.action, a.reason, a.by])).toEqual([
      ['remove', 'same project as an entry ranked above', 'Ordförande Ek (chair)'],
      ['add', 'the panel wants a region among the nominees', 'Ordförande Ek (chair)'],
    ]);

    const res = await as<FrozenShortlist>(chair(), 'POST', `${cat}/screening/shortlist/freeze`);
    expect(res.status).toBe(200);
    frozen = res.body;
    expect(frozen).toMatchObject({ roundId: round.roundId, entryIds: after.body.draft });
    expect((await as(chair(), 'POST', `${cat}/screening/shortlist/freeze`)).status).toBe(409);
    expect((await as(chair(), 'POST', `${cat}/screening/shortlist/adjustments`, { entryId: out, onShortlist: true, reason: 'too late' })).status).toBe(409);

    const shortlist = await eventually(async () => {
      const view = (await asAdmin<ShortlistView>('GET', `${cat}/shortlist`)).body;
      expect(view.publishedAt).not.toBeNull();
      return view;
    });
    expect(shortlist.roundId).toBe(round.roundId);
    expect(shortlist.nominees.map((n) => n.entryId)).toEqual(frozen.entryIds);
    for (const n of shortlist.nominees) nomineeOfEntry.set(n.entryId!, n.id);
    expect((await as<ScreeningView>(chair(), 'GET', `${cat}/screening`)).body).toMatchObject({ status: 'frozen', finalRoundId: frozen.finalRoundId });
  });

  it('the nominees go on to the final round; deliberation opens to each juror at their lock, and never to a conflicted one (REST or socket)', async () => {
    nominees = await eventually(async () => {
      const view = (await system.http<{ categories: { nominees: { id: string }[] }[] }>('GET', base)).body;
      expect(view.categories[0].nominees).toHaveLength(6);
      return view.categories[0].nominees.map((n) => n.id);
    });
    const spy = jurorNamed('Juror Rönn');
    const bjork = jurorNamed('Juror Björk');
    // The conflict the spy declared on entry 10 in the screening round holds for the nominee it became.
    const carried = await eventually(async () => {
      const me = (await as<JurorView>(tokens.get(spy.id)!, 'GET', `${base}/me`)).body;
      const found = me.conflicts.find((c) => c.nomineeId === nomineeOfEntry.get(entryIds[10]));
      expect(found).toBeDefined();
      return found;
    });
    expect(carried).toEqual({ nomineeId: nomineeOfEntry.get(entryIds[10]), reason: 'declared in the screening round: former employer', source: 'declared' });
    const secret = nominees.find((n) => n !== nomineeOfEntry.get(entryIds[10]) && n !== nominees[0])!;
    await eventually(async () => expect((await as(tokens.get(spy.id)!, 'POST', `${cat}/conflicts`, { jurorId: spy.id, nomineeId: secret, reason: 'sits on its board' })).status).toBe(201));
    const pressToken = (await asAdmin<{ token: string }>('POST', `${base}/tokens`, { role: 'press' })).body.token;
    const screenToken = (await asAdmin<{ token: string }>('POST', `${base}/tokens`, { role: 'screen' })).body.token;
    const sockets = {
      spy: await eventually(() => connectLive(system.gatewayUrl, { ceremony: 'screening-gala', token: tokens.get(spy.id)! })),
      bjork: await eventually(() => connectLive(system.gatewayUrl, { ceremony: 'screening-gala', token: tokens.get(bjork.id)! })),
      press: await eventually(() => connectLive(system.gatewayUrl, { ceremony: 'screening-gala', token: pressToken })),
      screen: await eventually(() => connectLive(system.gatewayUrl, { ceremony: 'screening-gala', token: screenToken, v: 2 })),
      public: await connectLive(system.gatewayUrl, { ceremony: 'screening-gala' }),
    };
    liveClients.push(...Object.values(sockets));

    for (const [ji, j] of jurors.entries()) {
      const token = tokens.get(j.id)!;
      const me = (await as<JurorView>(token, 'GET', `${base}/me`)).body;
      const conflicted = new Set(me.conflicts.map((c) => c.nomineeId));
      const scores = Object.fromEntries(nominees.filter((n) => !conflicted.has(n)).map((n) => [n, { kvalitet: n === nominees[0] ? 10 : 5 + ((nominees.indexOf(n) + ji) % 4), fornyelse: 7 }]));
      await eventually(async () => expect((await as(token, 'PUT', `${cat}/ballot`, { scores })).status).toBe(200));
      if (j.id === bjork.id) {
        // No anchoring: before their own lock a juror reads no thread and writes none.
        const early = await as<{ message: string }>(token, 'GET', `${cat}/deliberation`);
        expect(early.status).toBe(409);
        expect(early.body.message).toBe('the deliberation opens to you once your own ballot is locked');
        expect((await as(token, 'POST', `${cat}/deliberation/${secret}/comments`, { text: 'too early' })).status).toBe(409);
      }
      expect((await as(token, 'POST', `${cat}/ballot/lock`)).status).toBe(200);
    }

    const SECRET_TEXT = 'Styrelsen vet mer än ansökan säger';
    const posted = await as<DeliberationComment>(tokens.get(bjork.id)!, 'POST', `${cat}/deliberation/${secret}/comments`, { text: SECRET_TEXT });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ nomineeId: secret, author: 'Juror Björk', text: SECRET_TEXT });
    await sockets.bjork.waitFor<DeliberationFrame>('deliberation', (f) => f.nomineeId === secret && f.comments === 1);
    const open = nominees.find((n) => n !== secret && n !== carried!.nomineeId)!;
    expect((await as(tokens.get(spy.id)!, 'POST', `${cat}/deliberation/${open}/comments`, { text: 'Stark ansökan' })).status).toBe(201);
    await sockets.bjork.waitFor<DeliberationFrame>('deliberation', (f) => f.nomineeId === open);
    await sockets.spy.waitFor<DeliberationFrame>('deliberation', (f) => f.nomineeId === open);
    const marked = await as<DeliberationThread>(chair(), 'PUT', `${cat}/deliberation/${secret}/discussed`, { discussed: true });
    expect(marked.body).toMatchObject({ nomineeId: secret, discussed: true });
    await sockets.bjork.waitFor<DeliberationFrame>('deliberation', (f) => f.nomineeId === secret && f.discussed);
    expect((await as(tokens.get(bjork.id)!, 'PUT', `${cat}/deliberation/${open}/discussed`, { discussed: true })).status).toBe(403);

    // The conflicted juror: nothing about that nominee's thread over REST…
    const refused = await as<{ message: string }>(tokens.get(spy.id)!, 'POST', `${cat}/deliberation/${secret}/comments`, { text: 'let me in' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('you are conflicted with this nominee and do not take part in its deliberation: sits on its board');
    const spyView = await as<DeliberationView>(tokens.get(spy.id)!, 'GET', `${cat}/deliberation`);
    expect(spyView.body.threads.map((t) => t.nomineeId)).toEqual(nominees.filter((n) => n !== secret && n !== carried!.nomineeId));
    expect(spyView.text).not.toContain(SECRET_TEXT);
    const bjorkView = (await as<DeliberationView>(tokens.get(bjork.id)!, 'GET', `${cat}/deliberation`)).body;
    expect(bjorkView.threads.find((t) => t.nomineeId === secret)).toMatchObject({ discussed: true, comments: [{ text: SECRET_TEXT, author: 'Juror Björk' }] });
    // …nor on the socket (the frames of the same notices the others got have arrived by now), and press,
    // screens and the public never get a deliberation frame or the text.
    expect(sockets.spy.of<DeliberationFrame>('deliberation').filter((f) => f.nomineeId === secret)).toEqual([]);
    for (const client of [sockets.spy, sockets.press, sockets.screen, sockets.public]) expect(JSON.stringify(client.frames)).not.toContain(SECRET_TEXT);
    for (const client of [sockets.press, sockets.screen, sockets.public]) expect(client.of('deliberation')).toEqual([]);
    expect(JSON.stringify(sockets.bjork.frames)).not.toContain(SECRET_TEXT); // notices carry no text, even to those who may read it
  });

  it('the chair seals and the producer reveals the final round', async () => {
    const verdict = await as<{ winnerId: string }>(chair(), 'POST', `${cat}/verdict`, { motivation: 'För ett arbete som lyfter hela regionen och visar vägen.' });
    expect(verdict.status).toBe(200);
    expect(verdict.body.winnerId).toBe(nominees[0]);
    await eventually(async () => expect((await as(chair(), 'POST', `${cat}/verdict/seal`)).status).toBe(200));

    const producer = (await asAdmin<{ token: string }>('POST', `${base}/tokens`, { role: 'producer' })).body.token;
    const cue = (body: Record<string, unknown>) => as<{ scene: { kind: string } }>(producer, 'POST', `${base}/show/cues`, { idempotencyKey: randomUUID(), ...body });
    await eventually(async () => expect((await cue({ action: 'next' })).status).toBe(200));
    for (const kind of ['category', 'nominees', 'envelope']) expect((await cue({ action: 'next' })).body.scene.kind).toBe(kind);
    await eventually(async () => expect((await cue({ action: 'reveal', categoryId: 'gotapriset' })).status).toBe(200));
    const results = await eventually(async () => {
      const r = (await system.http<{ categoryId: string; winnerId: string }[]>('GET', `${base}/results`)).body;
      expect(r).toHaveLength(1);
      return r;
    });
    expect(results[0].winnerId).toBe(nominees[0]);
  });

  it('every step is in the jury audit chain, which verifies', async () => {
    const actions = (await admin.query<{ action: string }>('SELECT action FROM jury.audit_log WHERE ceremony_id = $1 ORDER BY seq', [imported.id])).rows.map((r) => r.action);
    const count = (a: string) => actions.filter((x) => x === a).length;
    expect({
      opened: count('screening.opened'),
      conflicts: count('screening.conflict.declared'),
      assigned: count('screening.assigned'),
      locks: count('review.locked'),
      adjusted: count('shortlist.adjusted'),
      frozen: count('shortlist.frozen'),
      received: count('shortlist.received'),
      sealed: count('verdict.sealed'),
      comments: count('deliberation.comment'),
      discussed: count('deliberation.discussed'),
    }).toEqual({ opened: 1, conflicts: 2, assigned: 1, locks: ENTRIES * K, adjusted: 2, frozen: 1, received: 1, sealed: 1, comments: 2, discussed: 1 });
    expect(actions.indexOf('shortlist.frozen')).toBeLessThan(actions.indexOf('shortlist.received'));
    const frozenEntry = (await admin.query<{ actor: string; data: { entryIds: string[]; finalRoundId: string } }>("SELECT actor, data FROM jury.audit_log WHERE ceremony_id = $1 AND action = 'shortlist.frozen'", [imported.id])).rows[0];
    expect(frozenEntry).toEqual({ actor: `juror:${jurors.find((j) => j.chair)!.id}`, data: expect.objectContaining({ entryIds: frozen.entryIds, finalRoundId: frozen.finalRoundId }) });
    const verified = await asAdmin<AuditVerification>('GET', `${base}/audit/verify`);
    expect(verified.body).toMatchObject({ ok: true });
  });
});
