import pg from 'pg';
import type { EntryPage, ImportCeremonyResult } from '#contracts';
import { ceremony2017 } from './support/fixtures.js';
import { startSystem, type TestSystem } from './support/system.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: { path: string; message: string }[];
}

/**
 * Bad ceremony files at the gateway, over a real nats-server and Postgres: every refusal is a 400
 * naming the JSON path of each problem (413 when too large), and nothing is ever half-imported.
 */
describe('nominations: ceremony file import, bad input', () => {
  let system: TestSystem;

  const importFile = (body: unknown) => system.http<ErrorBody & ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body });
  const importRaw = (raw: string) => system.http<ErrorBody>('POST', '/api/v1/ceremonies', { token: system.adminToken, raw });
  const count = async (table: string, where = 'TRUE', values: unknown[] = []): Promise<number> => {
    const rows = await sql<{ n: string }>(system, `SELECT count(*) AS n FROM nominations.${table} WHERE ${where}`, values);
    return Number(rows[0].n);
  };
  const small = (slug: string) => ({
    ceremony: { slug, name: 'Liten gala' },
    categories: [
      { slug: 'pris-a', name: 'Pris A', nominees: [{ slug: 'kommun-a', organisation: 'Kommun A', kind: 'kommun' }] },
      { slug: 'pris-b', name: 'Pris B', nominees: [{ slug: 'kommun-b', organisation: 'Kommun B', kind: 'kommun' }, { slug: 'boom', title: 'Fails a constraint' }] },
    ],
  });

  beforeAll(async () => {
    // Jury and announcements too: an import answers 201 once they hold the ceremony (read-your-writes), 202 without them.
    system = await startSystem({ label: 'nom_import' });
  });

  afterAll(async () => {
    await system?.dispose();
  });

  it('imports the 2017 file as it is', async () => {
    const imported = await importFile(ceremony2017());
    expect(imported.status).toBe(201);
    expect(imported.body.categories).toHaveLength(5);
    expect(await count('nominees', 'ceremony_id = $1', [imported.body.id])).toBe(22);
  });

  it('names every missing field by its JSON path', async () => {
    const res = await importFile({ ceremony: { slug: 'saknas' }, categories: [{ slug: 'pris' }, { name: 'Utan slug' }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { path: '/ceremony/name', message: 'is required' },
        { path: '/categories/0/name', message: 'is required' },
        { path: '/categories/1/slug', message: 'is required' },
      ]),
    );
    expect(res.body.details).toHaveLength(3);
    const empty = await importFile({});
    expect(empty.status).toBe(400);
    expect(empty.body.details).toEqual([
      { path: '/ceremony', message: 'is required' },
      { path: '/categories', message: 'is required' },
    ]);
  });

  it('refuses duplicate slugs of categories and nominees', async () => {
    const file = small('dubbletter');
    file.categories[1].slug = 'pris-a';
    file.categories[0].nominees.push({ slug: 'kommun-a', organisation: 'Kommun A igen', kind: 'kommun' });
    const res = await importFile(file);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { path: '/categories/0/nominees/1/slug', message: 'duplicates /categories/0/nominees/0/slug "kommun-a"' },
      { path: '/categories/1/slug', message: 'duplicates /categories/0/slug "pris-a"' },
    ]);
  });

  it('refuses wrong types, unknown fields and bad formats with their paths', async () => {
    const file = small('fel-typer') as Record<string, unknown> & ReturnType<typeof small>;
    Object.assign(file.ceremony, { edition: 'femton', date: '14 nov 2017' });
    Object.assign(file.categories[0], { nomineesCount: 'sex', criteria: [{ key: 'Nyckel', label: 'Kriterium', weight: -1 }], colour: 'guld' });
    file.categories[1].nominees[0] = { slug: 'Kommun B', organisation: 42 as unknown as string, kind: 'kommun' };
    const res = await importFile(file);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { path: '/ceremony/edition', message: 'must be integer' },
        { path: '/ceremony/date', message: 'has an invalid format (expected ^\\d{4}-\\d{2}-\\d{2}$)' },
        { path: '/categories/0/colour', message: 'is not a known field' },
        { path: '/categories/0/nomineesCount', message: 'must be integer' },
        { path: '/categories/0/criteria/0/key', message: 'has an invalid format (expected ^[a-z][a-z0-9_-]{0,39}$)' },
        { path: '/categories/0/criteria/0/weight', message: 'must be > 0' },
        { path: '/categories/1/nominees/0/slug', message: 'has an invalid format (expected ^[a-z0-9]+(-[a-z0-9]+)*$)' },
        { path: '/categories/1/nominees/0/organisation', message: 'must be string,null' },
      ]),
    );
    const notObject = await importFile([small('lista')]);
    expect(notObject.status).toBe(400);
    expect(notObject.body.details).toEqual([{ path: '/', message: 'must be object' }]);
  });

  it('refuses a NUL character with its path instead of failing in the database', async () => {
    const file = small('nul-tecken');
    file.categories[1].nominees[0].organisation = 'Kommun\u0000B';
    const res = await importFile(file);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ path: '/categories/1/nominees/0/organisation', message: 'contains a NUL character (U+0000)' }]);
  });

  it('answers 400 for a body that is not JSON, and 413 for 5 MB of junk', async () => {
    const notJson = await importRaw('{"ceremony": {"slug": "trasig"');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(notJson.body.message).toMatch(/JSON at position 30/);

    const junk = await importRaw(`{"junk":"${'x'.repeat(5 * 1024 * 1024)}"}`);
    expect(junk.status).toBe(413);
    expect(junk.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });

    const csvJunk = await fetch(`${system.gatewayUrl}/api/v1/ceremonies/kvalitetsmassan-2017/categories/gotapriset/entries/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken}`, 'content-type': 'text/csv' },
      body: 'organisation\n' + 'x,'.repeat(3 * 1024 * 1024),
    });
    expect(csvJunk.status).toBe(413);
    expect(await count('ceremonies', "slug = 'trasig'")).toBe(0);
  });

  it('imports entries from the file (468, as GötaPriset had) and checks their eligibility and repeats with paths', async () => {
    const entries = Array.from({ length: 468 }, (_, i) => ({ externalId: `GP-${i + 1}`, organisation: `Kommun ${i + 1}`, kind: 'kommun', title: `Bidrag ${i + 1}`, contactEmail: `k${i + 1}@example.se` }));
    const file = { ceremony: { slug: 'med-bidrag', name: 'Gala med bidrag' }, categories: [{ slug: 'gotapriset', name: 'GötaPriset', eligibleKinds: ['kommun', 'region'], entries }] };
    const bad = structuredClone(file);
    bad.categories[0].entries[3].kind = 'myndighet';
    bad.categories[0].entries[10] = { ...bad.categories[0].entries[2], externalId: 'GP-annan' };
    bad.categories[0].entries[20].externalId = 'GP-1';
    bad.categories[0].entries[30].contactEmail = 'inte-en-adress';
    const refused = await importFile(bad);
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ path: '/categories/0/entries/30/contactEmail', message: 'has an invalid format (expected ^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$)' }]);
    bad.categories[0].entries[30].contactEmail = 'k31@example.se';
    const rules = await importFile(bad);
    expect(rules.status).toBe(400);
    expect(rules.body.details).toEqual([
      { path: '/categories/0/entries/3/kind', message: 'kind "myndighet" is not eligible for GötaPriset: only kommun, region' },
      { path: '/categories/0/entries/10', message: 'repeats /categories/0/entries/2 (same organisation and title)' },
      { path: '/categories/0/entries/20/externalId', message: 'repeats /categories/0/entries/0 (same external id "GP-1")' },
    ]);
    expect(await count('ceremonies', "slug = 'med-bidrag'")).toBe(0);
    const nominee = await importFile({ ...file, categories: [{ ...file.categories[0], entries: [], nominees: [{ slug: 'kemi', organisation: 'Kemikalieinspektionen', kind: 'myndighet' }] }] });
    expect(nominee.body.details).toEqual([{ path: '/categories/0/nominees/0/kind', message: 'kind "myndighet" is not eligible for GötaPriset: only kommun, region' }]);

    const imported = await importFile(file);
    expect(imported.status).toBe(201);
    expect(imported.body.categories[0].entries).toBe(468);
    const listed = await system.http<EntryPage>('GET', '/api/v1/ceremonies/med-bidrag/categories/gotapriset/entries', { token: system.adminToken });
    expect(listed.body.total).toBe(468);
    expect(listed.body.entries.every((e) => e.source === 'file')).toBe(true);
    // Contact details are kept once, in the entries table, not in the stored copy of the file.
    const stored = await sql<{ source_file: { categories: Record<string, unknown>[] } }>(system, "SELECT source_file FROM nominations.ceremonies WHERE slug = 'med-bidrag'", []);
    expect(stored[0].source_file.categories[0].entries).toBeUndefined();
  });

  it('leaves no rows when the database refuses part of a file', async () => {
    // A constraint the schema does not know about: the last insert of the import (nominees) fails,
    // after the ceremony and its categories were written in the same transaction.
    await sql(system, `ALTER TABLE nominations.nominees ADD CONSTRAINT test_refuses_boom CHECK (slug <> 'boom')`, []);
    try {
      const before = { ceremonies: await count('ceremonies'), categories: await count('categories'), nominees: await count('nominees'), outbox: await count('outbox') };
      const res = await importFile(small('halvfabrikat'));
      expect(res.status).toBe(500);
      expect(res.body.message).toMatch(/^internal error/);
      expect(await count('ceremonies', "slug = 'halvfabrikat'")).toBe(0);
      expect({ ceremonies: await count('ceremonies'), categories: await count('categories'), nominees: await count('nominees'), outbox: await count('outbox') }).toEqual(before);
    } finally {
      await sql(system, 'ALTER TABLE nominations.nominees DROP CONSTRAINT test_refuses_boom', []);
    }
    // The same file imports cleanly once the database accepts it.
    expect((await importFile(small('halvfabrikat'))).status).toBe(201);
  });

  it('imports one ceremony when the same file is sent twice at once (the other gets 409)', async () => {
    const results = await Promise.all([importFile(small('samtidig')), importFile(small('samtidig')), importFile(small('samtidig'))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await count('ceremonies', "slug = 'samtidig'")).toBe(1);
    const id = results.find((r) => r.status === 201)!.body.id;
    expect(await count('categories', 'ceremony_id = $1', [id])).toBe(2);
    expect(await count('nominees', 'ceremony_id = $1', [id])).toBe(3);
    expect(await count('outbox', "subject = 'gala.events.nominations.ceremony.imported' AND ceremony_id = $1", [id])).toBe(1);
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
