import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The demo ceremony file (Kvalitetsmässan 2017), as organisers would send it. */
export function ceremony2017(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'apps/nominations/fixtures/kvalitetsmassan-2017.json'), 'utf8')) as Record<string, unknown>;
}

export interface OutcomeResult {
  category: string;
  winner: string;
  motivation: string;
}

/** The real results, only to drive rehearsals and check what was shown. */
export function outcome2017(): OutcomeResult[] {
  return (JSON.parse(readFileSync(join(root, 'apps/nominations/fixtures/kvalitetsmassan-2017.outcome.json'), 'utf8')) as { results: OutcomeResult[] }).results;
}

/** A small gala with one audience award (Publikpriset) and a second audience category to vote across. */
export function audienceGala(slug: string): Record<string, unknown> {
  return {
    ceremony: { slug, name: 'Publikgalan', locale: 'sv-SE' },
    categories: [
      {
        slug: 'publikpriset',
        name: 'Publikpriset 2026',
        vote: { mode: 'audience' },
        nominees: [
          { slug: 'alingsas', organisation: 'Alingsås kommun' },
          { slug: 'boras', organisation: 'Borås Stad' },
          { slug: 'kungalv', organisation: 'Kungälvs kommun' },
        ],
      },
      {
        slug: 'unga-rosten',
        name: 'Unga rösten',
        vote: { mode: 'audience' },
        nominees: [
          { slug: 'lerum', organisation: 'Lerums kommun' },
          { slug: 'molndal', organisation: 'Mölndals stad' },
        ],
      },
    ],
  };
}
