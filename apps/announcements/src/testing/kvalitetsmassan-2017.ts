import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CategoryView, CeremonyFile, CeremonyView, NomineeView, RevealedEvent } from '#contracts';

/**
 * Test fixtures: the Kvalitetsmässan 2017 ceremony file and outcome (copies of /work/shared/data)
 * turned into the CeremonyView the services share, with generated, stable ids.
 */
const here = dirname(fileURLToPath(import.meta.url));

export interface Outcome {
  category: string;
  winner: string;
  motivation: string;
}

/** A stable uuid-shaped id from a counter, so snapshots and ids in reasons are predictable. */
export function fixtureId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function ceremonyFromFile(file: CeremonyFile): CeremonyView {
  let next = 1;
  const id = () => fixtureId(next++);
  const ceremonyId = id();
  const categories: CategoryView[] = file.categories.map((c, order) => ({
    id: id(),
    slug: c.slug,
    name: c.name,
    order,
    description: c.description ?? null,
    theme: c.theme ?? null,
    eligibility: c.eligibility ?? null,
    eligibleKinds: c.eligibleKinds ?? [],
    prize: c.prize ? { amount: c.prize.amount ?? null, currency: c.prize.currency ?? null, items: c.prize.items ?? [] } : null,
    presenter: c.presenter ?? null,
    criteria: (c.criteria ?? []).map((k) => ({ key: k.key, label: k.label, weight: k.weight ?? 1 })),
    nominees: (c.nominees ?? []).map(
      (n): NomineeView => ({
        id: id(),
        slug: n.slug,
        organisation: n.organisation ?? null,
        kind: n.kind ?? null,
        title: n.title ?? null,
        pronunciation: n.pronunciation ?? null,
      }),
    ),
    nomineesCount: c.nomineesCount ?? null,
    quorum: c.quorum ?? null,
    notes: { nominees: c.nomineesNote ?? null, jury: c.juryNote ?? null },
  }));
  const h = file.ceremony;
  return {
    ceremony: {
      id: ceremonyId,
      slug: h.slug,
      name: h.name,
      edition: h.edition ?? null,
      venue: h.venue ?? null,
      date: h.date ?? null,
      timezone: h.timezone ?? null,
      locale: h.locale ?? 'sv-SE',
      host: h.host ?? null,
      fair: h.fair ?? null,
    },
    categories,
    about: file.about ?? null,
  };
}

export function ceremony2017(): CeremonyView {
  return ceremonyFromFile(JSON.parse(readFileSync(join(here, 'kvalitetsmassan-2017.json'), 'utf8')) as CeremonyFile);
}

export function outcome2017(): Outcome[] {
  return (JSON.parse(readFileSync(join(here, 'kvalitetsmassan-2017.outcome.json'), 'utf8')) as { results: Outcome[] }).results;
}

/** A small ceremony: two categories with two nominees each. */
export function smallCeremony(): CeremonyView {
  return ceremonyFromFile({
    ceremony: { slug: 'liten-gala', name: 'Liten gala', venue: 'Aulan', date: '2026-05-20', locale: 'sv-SE' },
    categories: [
      {
        slug: 'alfa',
        name: 'Alfapriset',
        prize: { amount: 10000, currency: 'SEK', items: [] },
        nominees: [
          { slug: 'a1', organisation: 'Ale kommun' },
          { slug: 'a2', organisation: 'Alingsås kommun' },
        ],
      },
      {
        slug: 'beta',
        name: 'Betapriset',
        presenter: 'Bo Berg',
        nominees: [
          { slug: 'b1', organisation: null, title: 'Bättre bibliotek' },
          { slug: 'b2', organisation: 'Borås stad', title: 'Byggdialog' },
        ],
      },
    ],
  });
}

/** The revealed result of one 2017 outcome, as the announcements service would store it (salt and commitment made up). */
export function revealedResult2017(ceremony: CeremonyView, outcome: Outcome, seq: number, revealedAt: string): Omit<RevealedEvent, 'showAt'> {
  const category = ceremony.categories.find((c) => c.slug === outcome.category);
  const winner = category?.nominees.find((n) => n.slug === outcome.winner);
  if (!category || !winner) throw new Error(`Outcome ${outcome.category}/${outcome.winner} is not in the ceremony`);
  return {
    ceremonyId: ceremony.ceremony.id,
    seq,
    categoryId: category.id,
    category: { id: category.id, slug: category.slug, name: category.name },
    winnerId: winner.id,
    winner: { id: winner.id, slug: winner.slug, organisation: winner.organisation, title: winner.title, name: winner.organisation ?? winner.title ?? '' },
    motivation: outcome.motivation,
    salt: `5a${seq.toString(16).padStart(2, '0')}`.repeat(16),
    commitment: `c0${seq.toString(16).padStart(2, '0')}`.repeat(16),
    revealedAt,
    rehearsal: false,
  };
}
