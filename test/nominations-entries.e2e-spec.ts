import pg from 'pg';
import type { CeremonyView, EntryPage, EntryView, ImportCeremonyResult, ImportEntriesResult, ShortlistView } from '#contracts';
import { eventually } from './support/eventually.js';
import { startSystem, type TestSystem } from './support/system.js';

/**
 * Entries, eligibility and the shortlist, over a real nats-server and Postgres: a 500-row CSV with bad
 * rows gets an exact per-row report and imports once; an ineligible entry is refused with the reason;
 * the shortlist keeps to the category's bounds, and publishing it reaches the jury's and announcements'
 * read models through the outbox and JetStream, after which it is frozen.
 */
const CEREMONY = {
  ceremony: { slug: 'entries-gala', name: 'Entries gala (test)', locale: 'sv-SE' },
  categories: [
    { slug: 'gotapriset', name: 'GötaPriset 2017', nomineesCount: 6, nomineeBounds: { min: 3, max: 6 } },
    { slug: 'sveriges-kvalitetskommun', name: 'Sveriges KvalitetsKommun 2017', eligibleKinds: ['kommun'], nomineesCount: 6 },
    {
      slug: 'sveriges-modernaste-myndighet',
      name: 'Sveriges Modernaste Myndighet 2017',
      eligibleKinds: ['myndighet'],
      nominees: [
        { slug: 'kemikalieinspektionen', organisation: 'Kemikalieinspektionen', kind: 'myndighet' },
        { slug: 'socialstyrelsen', organisation: 'Socialstyrelsen', kind: 'myndighet' },
      ],
    },
  ],
};

const HEADER = ['external_id', 'organisation', 'kind', 'title', 'contact_name', 'contact_email', 'contact_phone', 'description', 'submitted_at'];

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** 500 generated entries (rows 2..501) with known bad rows; returns the file and the report it must get. */
function generatedCsv(): { csv: string; problems: ImportEntriesResult['problems']; duplicates: { row: number; of: number; reason: string }[] } {
  const rows: string[][] = [];
  for (let i = 0; i < 500; i++) {
    const n = String(i + 1).padStart(4, '0');
    rows.push([
      `GP-${n}`,
      `Organisation ${n}, Göteborg`,
      i % 3 === 0 ? 'kommun' : i % 3 === 1 ? 'region' : 'foretag',
      `Utvecklingsprojekt "${n}"`,
      `Kontakt ${n}`,
      `kontakt${n}@example.se`,
      '+46 31 123 45 67',
      i === 7 ? 'Flera rader:\nrad två, med komma' : `Beskrivning av bidrag ${n}`,
      '2017-09-01',
    ]);
  }
  rows[10][1] = '';
  rows[10][3] = '';
  rows[50][5] = 'not-an-email';
  rows[100][3] = 'x'.repeat(501);
  rows[200].push('extra', 'cells');
  // Row 302 repeats row 2's organisation and title under another id; row 402 reuses row 3's id.
  rows[300][1] = rows[0][1]!;
  rows[300][3] = rows[0][3]!;
  rows[400][0] = rows[1][0]!;
  const csv = [HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  return {
    csv,
    problems: [
      { row: 12, field: 'organisation', reason: 'needs an organisation or a title' },
      { row: 52, field: 'contact_email', reason: 'must be an email' },
      { row: 102, field: 'title', reason: 'must be shorter than or equal to 500 characters' },
      { row: 202, field: '(row)', reason: 'has 11 or more cells, the header names 9 columns' },
    ],
    duplicates: [
      { row: 302, of: 2, reason: 'same organisation and title' },
      { row: 402, of: 3, reason: 'same external id "GP-0002"' },
    ],
  };
}

describe('nominations: entries, eligibility and shortlist', () => {
  let system: TestSystem;
  let ceremony: ImportCeremonyResult;
  const base = '/api/v1/ceremonies/entries-gala/categories';

  const postCsv = async (path: string, csv: string | Buffer, contentType = 'text/csv; charset=utf-8') => {
    const response = await fetch(`${system.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken}`, 'content-type': contentType },
      body: typeof csv === 'string' ? csv : new Uint8Array(csv),
    });
    return { status: response.status, body: (await response.json()) as ImportEntriesResult & { message?: string; details?: unknown } };
  };

  beforeAll(async () => {
    system = await startSystem({ label: 'nom_entries', services: ['nominations', 'jury', 'announcements', 'gateway'] });
    const imported = await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: CEREMONY });
    expect(imported.status).toBe(201);
    ceremony = imported.body;
  });

  afterAll(async () => {
    await system?.dispose();
  });

  it('imports 500 CSV rows with an exact per-row report, and nothing twice when the file is sent again', async () => {
    const { csv, problems, duplicates } = generatedCsv();
    const first = await postCsv(`${base}/gotapriset/entries/import`, csv);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: 500, imported: 494, rejected: 4, duplicates: 2, ignoredColumns: ['submitted_at'] });
    expect(first.body.problems).toEqual(problems);

    const entries = await system.http<EntryPage>('GET', `${base}/gotapriset/entries`, { token: system.adminToken });
    expect(entries.status).toBe(200);
    expect(entries.body.total).toBe(494);
    expect(entries.body.entries).toHaveLength(494);
    const byRow = new Map(entries.body.entries.map((e) => [e.sourceRow, e]));
    const page = await system.http<EntryPage>('GET', `${base}/gotapriset/entries?offset=490&limit=10`, { token: system.adminToken });
    expect(page.body).toMatchObject({ total: 494, offset: 490 });
    expect(page.body.entries.map((e) => e.sourceRow)).toEqual([498, 499, 500, 501]);
    expect((await system.http('GET', `${base}/gotapriset/entries?limit=5000`, { token: system.adminToken })).status).toBe(400);
    expect((await system.http('GET', `${base}/gotapriset/entries?offset=-1`, { token: system.adminToken })).status).toBe(400);
    expect(byRow.get(9)?.description).toBe('Flera rader:\nrad två, med komma');
    expect(byRow.get(2)).toMatchObject({ externalId: 'GP-0001', organisation: 'Organisation 0001, Göteborg', title: 'Utvecklingsprojekt "0001"', kind: 'kommun', source: 'csv' });
    expect(first.body.duplicateRows).toEqual(duplicates.map((d) => ({ row: d.row, entryId: byRow.get(d.of)!.id, reason: `repeats row ${d.of}: ${d.reason}` })));

    const again = await postCsv(`${base}/gotapriset/entries/import`, csv);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ received: 500, imported: 0, rejected: 4, duplicates: 496 });
    expect(again.body.problems).toEqual(problems);
    expect(again.body.duplicateRows.find((d) => d.row === 2)).toEqual({ row: 2, entryId: byRow.get(2)!.id, reason: 'already entered: same external id "GP-0001"' });

    const count = await sql<{ n: string }>(system, `SELECT count(*) AS n FROM nominations.entries WHERE category_id = $1`, [first.body.categoryId]);
    expect(Number(count[0].n)).toBe(494);
  });

  it('stores a file once when it is sent twice at the same time', async () => {
    // The generated file with every kind made eligible for the myndighet category.
    const csv = generatedCsv().csv.replace(/,(kommun|region|foretag),/g, ',myndighet,');
    const [c, d] = await Promise.all([postCsv(`${base}/sveriges-modernaste-myndighet/entries/import`, csv), postCsv(`${base}/sveriges-modernaste-myndighet/entries/import`, csv)]);
    expect([c.body.imported, d.body.imported].sort()).toEqual([0, 494]);
    expect([c.body.duplicates, d.body.duplicates].sort()).toEqual([2, 496]);
    const count = await sql<{ n: string }>(system, `SELECT count(*) AS n FROM nominations.entries WHERE category_id = $1`, [c.body.categoryId]);
    expect(Number(count[0].n)).toBe(494);
  });

  it('reads semicolon-separated Swedish headers and refuses a file without an organisation or title column', async () => {
    const swedish = 'Organisation;Typ;Titel;E-post\nLerums kommun;kommun;Digital vård i hemmet;info@lerum.se\n';
    const ok = await postCsv(`${base}/sveriges-kvalitetskommun/entries/import`, swedish);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ received: 1, imported: 1, rejected: 0, duplicates: 0 });

    // Excel on a Swedish Windows saves CSV as Windows-1252: å, ä, ö arrive as single bytes.
    const latin1 = await postCsv(`${base}/sveriges-kvalitetskommun/entries/import`, Buffer.from('Organisation;Typ;Titel\r\nÖstersunds kommun;kommun;Bättre äldreomsorg\r\n', 'latin1'), 'text/csv');
    expect(latin1.body).toMatchObject({ received: 1, imported: 1 });
    const listed = await system.http<EntryPage>('GET', `${base}/sveriges-kvalitetskommun/entries`, { token: system.adminToken });
    expect(listed.body.entries.map((e) => [e.organisation, e.title])).toContainEqual(['Östersunds kommun', 'Bättre äldreomsorg']);

    const bad = await postCsv(`${base}/sveriges-kvalitetskommun/entries/import`, 'name,email\nA,a@b.se\n');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: 'columns', message: 'the header needs an organisation or a title column' }]);

    const json = await system.http('POST', `${base}/sveriges-kvalitetskommun/entries/import`, { token: system.adminToken, body: { rows: [] } });
    expect(json.status).toBe(400);
  });

  it('refuses an ineligible entry with the reason, in a single submission and in a CSV row', async () => {
    const refused = await system.http<{ message: string; details: unknown }>('POST', `${base}/sveriges-kvalitetskommun/entries`, {
      token: system.adminToken,
      body: { organisation: 'Kemikalieinspektionen', kind: 'myndighet', title: 'Kemikalier i vardagen' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('kind "myndighet" is not eligible for Sveriges KvalitetsKommun 2017: only kommun');
    expect(refused.body.details).toEqual([{ path: 'entry.kind', message: 'kind "myndighet" is not eligible for Sveriges KvalitetsKommun 2017: only kommun' }]);

    const accepted = await system.http<EntryView>('POST', `${base}/sveriges-kvalitetskommun/entries`, {
      token: system.adminToken,
      body: { organisation: 'Helsingborgs stad', kind: 'Kommun', contactEmail: 'kvalitet@helsingborg.se' },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ organisation: 'Helsingborgs stad', kind: 'kommun', source: 'api' });

    const again = await system.http<{ details: { entryId: string } }>('POST', `${base}/sveriges-kvalitetskommun/entries`, {
      token: system.adminToken,
      body: { organisation: 'HELSINGBORGS  stad.', kind: 'kommun' },
    });
    expect(again.status).toBe(409);
    expect(again.body.details.entryId).toBe(accepted.body.id);

    const unknownField = await system.http<{ details: unknown }>('POST', `${base}/sveriges-kvalitetskommun/entries`, { token: system.adminToken, body: { organisation: 'Lerums kommun', kind: 'kommun', colour: 'guld', contactEmail: 'nej' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.details).toEqual(
      expect.arrayContaining([
        { path: 'entry.colour', message: 'property colour should not exist' },
        { path: 'entry.contactEmail', message: 'contactEmail must be an email' },
      ]),
    );
    const noCategory = await system.http<{ message: string }>('POST', `${base}/finns-inte/entries`, { token: system.adminToken, body: { organisation: 'Lerums kommun' } });
    expect(noCategory.status).toBe(404);
    expect(noCategory.body.message).toBe('no category "finns-inte" in ceremony "entries-gala"');

    const row = await postCsv(`${base}/sveriges-kvalitetskommun/entries/import`, 'organisation,kind\nVästerås stad,kommun\nSocialstyrelsen,myndighet\nTyresö kommun,\n');
    expect(row.body).toMatchObject({ received: 3, imported: 1, rejected: 2 });
    expect(row.body.problems).toEqual([
      { row: 3, field: 'kind', reason: 'kind "myndighet" is not eligible for Sveriges KvalitetsKommun 2017: only kommun' },
      { row: 4, field: 'kind', reason: 'a kind is required for Sveriges KvalitetsKommun 2017: only kommun' },
    ]);

    const producer = await system.http('POST', '/api/v1/ceremonies/entries-gala/tokens', { token: system.adminToken, body: { role: 'producer' } });
    // The grant reaches the gateway through KV (401 until then); a producer may not read entries.
    await eventually(async () => {
      const forbidden = await system.http('GET', `${base}/sveriges-kvalitetskommun/entries`, { token: (producer.body as { token: string }).token });
      expect(forbidden.status).toBe(403);
    });
  });

  it('keeps the shortlist within bounds, publishes it to jury and announcements, and freezes it', async () => {
    const entries = (await system.http<EntryPage>('GET', `${base}/gotapriset/entries`, { token: system.adminToken })).body.entries;
    const other = (await system.http<EntryPage>('GET', `${base}/sveriges-kvalitetskommun/entries`, { token: system.adminToken })).body.entries;
    const ids = entries.slice(0, 7).map((e) => e.id);

    const tooMany = await system.http<{ details: unknown }>('PUT', `${base}/gotapriset/shortlist`, { token: system.adminToken, body: { entryIds: ids } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual([{ path: 'entryIds', message: 'lists 7 nominees, more than the 6 allowed for GötaPriset 2017' }]);
    const tooFew = await system.http<{ details: unknown }>('PUT', `${base}/gotapriset/shortlist`, { token: system.adminToken, body: { entryIds: ids.slice(0, 2) } });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.details).toEqual([{ path: 'entryIds', message: 'lists 2 nominees, fewer than the 3 required for GötaPriset 2017' }]);
    const foreign = await system.http<{ details: unknown }>('PUT', `${base}/gotapriset/shortlist`, { token: system.adminToken, body: { entryIds: [other[0].id, ...ids.slice(0, 3)] } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.details).toEqual([{ path: 'entryIds/0', message: `no entry ${other[0].id} in GötaPriset 2017` }]);

    const draft = await system.http<ShortlistView>('PUT', `${base}/gotapriset/shortlist`, { token: system.adminToken, body: { entryIds: ids.slice(0, 5) } });
    expect(draft.status).toBe(200);
    expect(draft.body.publishedAt).toBeNull();
    expect(draft.body.bounds).toEqual({ min: 3, max: 6 });
    // A draft is not public: the ceremony's public view shows no nominees for the category yet.
    const beforePublish = await system.http<CeremonyView>('GET', '/api/v1/ceremonies/entries-gala');
    expect(beforePublish.body.categories.find((c) => c.slug === 'gotapriset')!.nominees).toEqual([]);
    // Re-ordering a draft keeps each nominee's id.
    const reordered = await system.http<ShortlistView>('PUT', `${base}/gotapriset/shortlist`, { token: system.adminToken, body: { entryIds: ids.slice(0, 5).reverse() } });
    expect(reordered.body.nominees.map((n) => n.id)).toEqual(draft.body.nominees.map((n) => n.id).reverse());
    expect(reordered.body.nominees[4]).toMatchObject({ entryId: ids[0], organisation: 'Organisation 0001, Göteborg', slug: 'organisation-0001-goteborg' });

    // Two publishes at once: one wins, the other finds the shortlist frozen; one event goes out.
    const [p1, p2] = await Promise.all([
      system.http<ShortlistView>('POST', `${base}/gotapriset/shortlist/publish`, { token: system.adminToken }),
      system.http<ShortlistView>('POST', `${base}/gotapriset/shortlist/publish`, { token: system.adminToken }),
    ]);
    expect([p1.status, p2.status].sort()).toEqual([200, 409]);
    const published = p1.status === 200 ? p1 : p2;
    expect(published.body.publishedAt).not.toBeNull();
    const categoryId = published.body.categoryId;
    const nomineeIds = published.body.nominees.map((n) => n.id);

    // The event went out through the outbox and JetStream: announcements replaced the category's nominees.
    await eventually(async () => {
      const rows = await sql<{ view: CeremonyView }>(system, 'SELECT view FROM announcements.ceremonies WHERE id = $1', [ceremony.id]);
      expect(rows[0].view.categories.find((c) => c.id === categoryId)!.nominees.map((n) => n.id)).toEqual(nomineeIds);
    });
    // …and so did the jury's read model, so the panel scores exactly the published nominees.
    await eventually(async () => {
      const rows = await sql<{ nominees: { id: string }[] }>(system, 'SELECT nominees FROM jury.categories WHERE id = $1', [categoryId]);
      expect(rows[0].nominees.map((n) => n.id)).toEqual(nomineeIds);
    });
    const publicView = await system.http<CeremonyView>('GET', '/api/v1/ceremonies/entries-gala');
    expect(publicView.body.categories.find((c) => c.id === categoryId)!.nominees.map((n) => n.id)).toEqual(nomineeIds);

    const frozen = await system.http<{ message: string }>('PUT', `${base}/gotapriset/shortlist`, { token: system.adminToken, body: { entryIds: ids.slice(0, 4) } });
    expect(frozen.status).toBe(409);
    expect(frozen.body.message).toMatch(/^the shortlist of GötaPriset 2017 was published at .*; it is frozen$/);
    expect((await system.http('POST', `${base}/gotapriset/shortlist/publish`, { token: system.adminToken })).status).toBe(409);
    const events = await sql<{ n: string }>(system, "SELECT count(*) AS n FROM nominations.outbox WHERE subject = 'gala.events.nominations.shortlist.published'", []);
    expect(Number(events[0].n)).toBe(1);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await system.http<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    const path = '/api/v1/ceremonies/{c}/categories/{cat}';
    expect(Object.keys(doc.body.paths[`${path}/entries/import`])).toEqual(['post']);
    expect(Object.keys(doc.body.paths[`${path}/shortlist`]).sort()).toEqual(['get', 'put']);
    expect(Object.keys(doc.body.paths[`${path}/shortlist/publish`])).toEqual(['post']);
  });

  it('treats nominees named in the ceremony file as a published shortlist', async () => {
    const shortlist = await system.http<ShortlistView>('GET', `${base}/sveriges-modernaste-myndighet/shortlist`, { token: system.adminToken });
    expect(shortlist.status).toBe(200);
    expect(shortlist.body.publishedAt).not.toBeNull();
    expect(shortlist.body.nominees.map((n) => [n.slug, n.entryId])).toEqual([
      ['kemikalieinspektionen', null],
      ['socialstyrelsen', null],
    ]);
    const entry = await system.http<EntryView>('POST', `${base}/sveriges-modernaste-myndighet/entries`, { token: system.adminToken, body: { organisation: 'Elsäkerhetsverket', kind: 'myndighet' } });
    expect(entry.status).toBe(201);
    const set = await system.http('PUT', `${base}/sveriges-modernaste-myndighet/shortlist`, { token: system.adminToken, body: { entryIds: [entry.body.id] } });
    expect(set.status).toBe(409);
  });
});

async function sql<T>(system: TestSystem, text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: system.db.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
