import type { ShowTiming } from './show-clock.js';
/** The ceremony as the services share it (ids assigned by nominations). Public: no jury verdict data. */
export interface CeremonyHeader {
  id: string;
  slug: string;
  name: string;
  edition: number | null;
  venue: string | null;
  date: string | null;
  timezone: string | null;
  locale: string;
  host: string | null;
  fair: string | null;
}

export interface Criterion {
  key: string;
  label: string;
  weight: number;
  /** Rubric anchors from the ceremony file: what a score level means, by level ("1"…"10"); any subset. */
  anchors?: Record<string, string>;
}

export interface Prize {
  amount: number | null;
  currency: string | null;
  items: string[];
}

export interface NomineeView {
  id: string;
  slug: string;
  organisation: string | null;
  kind: string | null;
  title: string | null;
  pronunciation: string | null;
}

export interface JuryMemberView {
  name: string;
  affiliation: string | null;
  title: string | null;
  chair: boolean;
}

export interface CategoryView {
  id: string;
  slug: string;
  name: string;
  /** Position in the run of show, 0-based. */
  order: number;
  description: string | null;
  theme: string | null;
  eligibility: string | null;
  eligibleKinds: string[];
  prize: Prize | null;
  presenter: string | null;
  criteria: Criterion[];
  nominees: NomineeView[];
  nomineesCount: number | null;
  /** Locked ballots needed for a verdict; null = every non-recused juror. */
  quorum: number | null;
  notes: { nominees: string | null; jury: string | null };
  /** Absent: the jury decides. Fixed by the ceremony file before the show. */
  vote?: CategoryVote;
}

/**
 * An audience vote (Publikpriset), or jury and audience combined Eurovision-style: each side ranks the
 * nominees, the ranks become points (n−1 … 0 for n nominees), scaled by the declared weights (the rule, with its
 * tie-breaks: ./combined-verdict.ts).
 */
export interface CategoryVote {
  mode: 'audience' | 'combined';
  weights?: { jury: number; audience: number };
}

/** The vote of a ceremony file's category as the services keep it: undefined when the jury decides. */
export function categoryVoteOf(vote: { mode: string; weights?: { jury: number; audience: number } } | undefined): CategoryVote | undefined {
  if (!vote || (vote.mode !== 'audience' && vote.mode !== 'combined')) return undefined;
  return vote.mode === 'combined' && vote.weights ? { mode: 'combined', weights: { jury: vote.weights.jury, audience: vote.weights.audience } } : { mode: vote.mode };
}

export interface CeremonyView {
  ceremony: CeremonyHeader;
  categories: CategoryView[];
  about: string | null;
  /** Planned durations from the ceremony file (show clock); only in announcements' read model, not in the public view. */
  timing?: ShowTiming;
}

/** A nominee's display name: the organisation, else the entry's title. */
export function nomineeName(nominee: Pick<NomineeView, 'organisation' | 'title'>): string {
  return nominee.organisation ?? nominee.title ?? '';
}
