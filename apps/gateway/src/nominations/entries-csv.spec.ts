import { batches, decodeCsv, detectDelimiter, parseEntriesCsv } from './entries-csv.js';

describe('entries CSV at the gateway', () => {
  it('detects the delimiter from the header line, outside quotes', () => {
    expect(detectDelimiter('organisation;kind;title\nA,B;kommun;x')).toBe(';');
    expect(detectDelimiter('"a;b;c",kind,title\n')).toBe(',');
    expect(detectDelimiter('organisation\tkind\n')).toBe('\t');
    expect(detectDelimiter('organisation\n')).toBe(',');
  });

  it('numbers rows as a spreadsheet does (header = 1), quoted newlines included', () => {
    const parsed = parseEntriesCsv('\uFEFForganisation,title\r\n"Åre kommun","Rad ett\nrad två"\r\n\r\nLerum,Vård\r\n');
    expect(parsed.columns).toEqual(['organisation', 'title']);
    expect(parsed.rows).toEqual([
      { row: 2, values: ['Åre kommun', 'Rad ett\nrad två'] },
      { row: 3, values: [''] },
      { row: 4, values: ['Lerum', 'Vård'] },
    ]);
  });

  it('reads UTF-8 and, failing that, Windows-1252 (Excel on Swedish Windows)', () => {
    expect(decodeCsv(Buffer.from('organisation\nÅre kommun\n', 'utf8'))).toBe('organisation\nÅre kommun\n');
    expect(decodeCsv(Buffer.from([0xc5, 0x72, 0x65, 0x3b, 0xf6]))).toBe('Åre;ö');
  });

  it('refuses an unreadable CSV with where it broke', () => {
    expect(() => parseEntriesCsv('organisation,title\n"Åre kommun,Oavslutat\n')).toThrow(/the CSV cannot be read/);
    expect(() => parseEntriesCsv('  \n')).toThrow(/the CSV is empty/);
  });

  it('splits rows into batches by count and by size', () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({ row: i + 2, values: ['x'.repeat(100)] }));
    expect(batches(rows).map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches(rows, 1000, 50_000).every((b) => b.length < 500)).toBe(true);
    expect(batches([])).toEqual([[]]);
  });
});
