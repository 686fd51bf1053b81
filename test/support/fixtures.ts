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
