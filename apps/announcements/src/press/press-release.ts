import type { CategoryView, CeremonyHeader, CeremonyView, NomineeView } from '#contracts';

/** Copy-ready text for the press: a Swedish press release per reveal (the results CSV: results/results-csv.ts). */

const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
const DEFAULT_TIMEZONE = 'Europe/Stockholm';
const CURRENCY_WORDS: Record<string, [one: string, many: string]> = {
  SEK: ['krona', 'kronor'],
  NOK: ['norsk krona', 'norska kronor'],
  DKK: ['dansk krona', 'danska kronor'],
  EUR: ['euro', 'euro'],
};

export type PressWinner = Pick<NomineeView, 'organisation' | 'title'>;

export function pressRelease(
  ceremony: CeremonyView | CeremonyHeader,
  category: Pick<CategoryView, 'name' | 'prize' | 'presenter'>,
  winner: PressWinner,
  motivation: string,
  /** null: the reveal time is not known yet (the press envelope of socket protocol v2): no announcement line. */
  revealedAt: Date | string | null,
): string {
  const header = 'ceremony' in ceremony ? ceremony.ceremony : ceremony;
  const timezone = header.timezone ?? DEFAULT_TIMEZONE;
  const revealed = revealedAt === null ? null : local(new Date(revealedAt), timezone);
  const winnerName = winner.organisation ?? winner.title ?? '';
  const forEntry = winner.organisation && winner.title ? ` för ”${winner.title}”` : '';
  const day = header.date ? swedishDate(header.date) : (revealed?.date ?? '');

  const lead = [
    `${winnerName} vinner ${category.name}${forEntry}.`,
    `Utmärkelsen delades ut vid ${header.name}${header.venue ? ` på ${header.venue}` : ''}${day ? ` den ${day}` : ''}.`,
    category.presenter ? `Prisutdelare var ${category.presenter}.` : '',
  ]
    .filter(Boolean)
    .join(' ');

  const prize = prizeLines(category.prize);
  return [
    `Vinnaren av ${category.name}: ${winnerName}`,
    lead,
    prize.length ? ['Priset:', ...prize.map((line) => `– ${line}`)].join('\n') : '',
    // The jury's words verbatim: they are what the sealed commitment covers.
    `Juryns motivering: ”${motivation}”`,
    revealed ? `Tillkännagivet ${revealed.date} kl. ${revealed.time}.` : '',
  ]
    .filter(Boolean)
    .join('\n\n')
    .concat('\n');
}

/** "150 000 kronor" (sv-SE grouping, a no-break space between the groups), then the prize items. */
export function prizeLines(prize: CategoryView['prize']): string[] {
  if (!prize) return [];
  const lines: string[] = [];
  if (prize.amount !== null) {
    const amount = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 2 }).format(prize.amount);
    const words = prize.currency ? CURRENCY_WORDS[prize.currency.toUpperCase()] : undefined;
    const unit = words ? words[prize.amount === 1 ? 0 : 1] : (prize.currency ?? '');
    lines.push(unit ? `${amount} ${unit}` : amount);
  }
  return [...lines, ...prize.items];
}

/** "2017-11-14" → "14 november 2017" (read as a calendar date: no time zone shift). */
export function swedishDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) return isoDate;
  const [, year, month, day] = match;
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
}

function local(instant: Date, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  // Swedish writes clock times with a full stop: kl. 19.42
  return { date: swedishDate(`${parts.year}-${parts.month}-${parts.day}`), time: `${parts.hour}.${parts.minute}` };
}
