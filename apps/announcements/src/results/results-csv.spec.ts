import { parse } from 'csv-parse/sync';
import { ceremony2017, outcome2017, revealedResult2017 } from '../testing/kvalitetsmassan-2017.js';
import { csvCell, RESULTS_CSV_HEADER, resultsCsv, type ResultRow } from './results-csv.js';

const ceremony = ceremony2017();
const outcomes = outcome2017();
const outcome = (slug: string) => outcomes.find((o) => o.category === slug)!;

describe('resultsCsv', () => {
  const results: ResultRow[] = outcomes.map((o, i) => revealedResult2017(ceremony, o, 5 * (i + 1), `2017-11-14T18:${String(10 + i * 8)}:00.000Z`));

  it('starts with a UTF-8 BOM and the header, CRLF line ends', () => {
    const csv = resultsCsv([]);
    expect(csv).toBe('\uFEFFcategory,winner_organisation,title,motivation,revealed_at,commitment\r\n');
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('round-trips the real 2017 results, quotes, commas and all', () => {
    const csv = resultsCsv(results);
    const rows = parse(csv, { bom: true, relax_quotes: false });
    expect(rows[0]).toEqual([...RESULTS_CSV_HEADER]);
    expect(rows.slice(1)).toEqual(
      results.map((r) => [r.category.name, r.winner.organisation ?? '', r.winner.title ?? '', r.motivation, r.revealedAt, r.commitment]),
    );
    expect(rows[2]).toEqual([
      'SveaPriset 2017',
      'Socialförvaltningen i Trelleborgs kommun',
      'När robotar sköter handläggningen ägnar sig kommunen åt medborgarna',
      outcome('sveapriset').motivation,
      '2017-11-14T18:18:00.000Z',
      results[1].commitment,
    ]);
    // motivations hold commas, so they are quoted; a plain name is not
    expect(csv).toContain(`\r\nGötaPriset 2017,Åre kommun,Integrationsarbete när hjärtat får vara med,"${outcome('gotapriset').motivation}",`);
    expect(csv.split('\r\n')).toHaveLength(results.length + 2);
  });

  it('guards against formula injection', () => {
    const row: ResultRow = {
      ...results[0],
      category: { ...results[0].category, name: '=HYPERLINK("http://evil","klicka")' },
      winner: { ...results[0].winner, organisation: '+46 31 00 00 00', title: '@SUM(A1)' },
      motivation: '-2+3',
    };
    const [, parsed] = parse(resultsCsv([row]), { bom: true });
    expect(parsed.slice(0, 4)).toEqual([`'=HYPERLINK("http://evil","klicka")`, "'+46 31 00 00 00", "'@SUM(A1)", "'-2+3"]);
  });

  it('quotes fields per RFC 4180', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hej"')).toBe('"say ""hej"""');
    expect(csvCell('två\nrader')).toBe('"två\nrader"');
    expect(csvCell('”curly” quotes need nothing')).toBe('”curly” quotes need nothing');
    expect(csvCell(null)).toBe('');
    expect(csvCell('\tTAB')).toBe("'\tTAB");
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });

  it('leaves empty organisation and title cells empty', () => {
    const row: ResultRow = { ...results[0], winner: { ...results[0].winner, organisation: null, title: 'Mednotes' } };
    const [, parsed] = parse(resultsCsv([row]), { bom: true });
    expect(parsed.slice(0, 3)).toEqual(['GötaPriset 2017', '', 'Mednotes']);
  });
});
