import type { NomineeView, Prize } from '@laurel/contracts';
import { locale } from './i18n.js';

/** "150 000 kr" in Swedish. */
export function formatPrize(prize: Prize | null | undefined): string | null {
  if (!prize || prize.amount === null || prize.amount === undefined) return null;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: prize.currency ?? 'SEK',
      maximumFractionDigits: 0,
      minimumFractionDigits: 0,
    }).format(prize.amount);
  } catch {
    return `${prize.amount} ${prize.currency ?? ''}`.trim();
  }
}

/** "14 november 2017" from an ISO date (no time zone shift for plain dates). */
export function formatDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: m ? 'UTC' : undefined }).format(d);
}

export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A nominee's display name: the organisation, else the entry's title. */
export function nomineeName(n: Pick<NomineeView, 'organisation' | 'title'> | null | undefined): string {
  if (!n) return '';
  return n.organisation ?? n.title ?? '';
}

/** The line under the name: the entry's title when the organisation is the name. */
export function nomineeSub(n: Pick<NomineeView, 'organisation' | 'title'> | null | undefined): string | null {
  if (!n) return null;
  return n.organisation && n.title ? n.title : null;
}

/** First sentence(s) of a description, up to about `max` characters, for big screens. */
export function shortText(text: string | null | undefined, max = 220): string | null {
  if (!text) return null;
  const sentences = text.match(/[^.!?]+[.!?]+["”»]?\s*/g) ?? [text];
  let out = '';
  for (const s of sentences) {
    if (out && (out + s).length > max) break;
    out += s;
  }
  if (!out) out = text;
  if (out.length > max + 40) out = out.slice(0, max).replace(/\s+\S*$/, '') + '…';
  return out.trim();
}

/** Seconds as "m:ss" (or "h:mm:ss"); `signed` puts + or − in front (over/under). */
export function formatSeconds(seconds: number, signed = false): string {
  const neg = seconds < 0;
  const total = Math.floor(Math.abs(seconds));
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const body = hh ? `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}` : `${mm}:${String(ss).padStart(2, '0')}`;
  return `${signed ? (neg ? '−' : '+') : neg ? '−' : ''}${body}`;
}

/** "21:47" (hours and minutes) from an ISO time. */
export function formatClockTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
}
