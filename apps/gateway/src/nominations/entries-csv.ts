import { parse } from 'csv-parse/sync';
import { LaurelError } from '#contracts';

/**
 * The CSV's text: UTF-8 (with or without BOM) when it decodes as such, else Windows-1252, which is what
 * Excel on a Swedish Windows saves as "CSV (semikolonavgränsad)" (å, ä, ö as single bytes).
 */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export interface CsvRow {
  row: number;
  values: string[];
}

/** The delimiter of the header line: `;` (Swedish Excel), tab, or `,`, whichever appears most outside quotes. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return count > 0 ? best : ',';
}

/**
 * Parses an entries CSV: the header row names the columns; every later row keeps its number in the
 * file as a spreadsheet shows it (header = row 1), so a report's row numbers point at the right line.
 */
export function parseEntriesCsv(text: string): { columns: string[]; rows: CsvRow[] } {
  if (!text.trim()) throw LaurelError.badRequest('the CSV is empty: send a header row and one row per entry', [{ path: 'row 1', message: 'is missing' }]);
  let records: string[][];
  try {
    records = parse(text, { delimiter: detectDelimiter(text), bom: true, relax_column_count: true, skip_empty_lines: false, trim: false });
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    throw LaurelError.badRequest(`the CSV cannot be read: ${e.message ?? 'parse error'}`, [{ path: `line ${e.lines ?? '?'}`, message: e.message ?? 'parse error' }]);
  }
  const [columns, ...data] = records;
  return { columns: columns, rows: data.map((values, i) => ({ row: i + 2, values })) };
}

/** Splits rows into batches that each fit one NATS request (1 MB payload by default) with room to spare. */
export function batches(rows: CsvRow[], maxRows = 1000, maxBytes = 400_000): CsvRow[][] {
  const out: CsvRow[][] = [];
  let current: CsvRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row));
    if (current.length && (current.length >= maxRows || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length || !out.length) out.push(current);
  return out;
}
