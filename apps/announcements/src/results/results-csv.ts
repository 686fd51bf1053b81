import type { RevealedEvent } from '#contracts';

export type ResultRow = Pick<RevealedEvent, 'category' | 'winner' | 'motivation' | 'revealedAt' | 'commitment'>;

export const RESULTS_CSV_HEADER = ['category', 'winner_organisation', 'title', 'motivation', 'revealed_at', 'commitment'] as const;

/** RFC 4180 CSV (CRLF), with a UTF-8 BOM so Excel reads å ä ö, safe against formula injection. */
export function resultsCsv(results: readonly ResultRow[]): string {
  const rows = results.map((r) => [r.category.name, r.winner.organisation, r.winner.title, r.motivation, r.revealedAt, r.commitment]);
  return '\uFEFF' + [RESULTS_CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}

/** One CSV field: text a spreadsheet would run as a formula gets a leading ', then RFC 4180 quoting. */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
