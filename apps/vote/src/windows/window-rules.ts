import type { VoteWindowState } from '#contracts';

/**
 * How long a vote may take from the vote service's window check (castAt) to its place in the vote log
 * (JetStream's own timestamp). A vote the log took later is not counted, and its caller got 503, never a receipt;
 * so the seal, which waits this long after the close and then for the log to be counted, misses no acknowledged vote.
 * It assumes the vote service's and NATS's clocks agree within a small part of it (NTP).
 */
export const VOTE_GRACE_MS = 2000;

export interface WindowTimes {
  openedAt: Date;
  closesAt: Date;
  closedAt: Date | null;
  sealedAt: Date | null;
}

/** When the window ends: the producer's close, or the countdown's end, whichever came first. */
export function endOf(w: WindowTimes): Date {
  return w.closedAt && w.closedAt < w.closesAt ? w.closedAt : w.closesAt;
}

export function stateOf(w: WindowTimes | null, now: Date): VoteWindowState {
  if (!w) return 'pending';
  if (w.sealedAt) return 'sealed';
  return now >= w.openedAt && now < endOf(w) ? 'open' : 'closed';
}

export type VoteAcceptance = { accepted: true; reason: null } | { accepted: false; reason: 'outside the window' | 'logged too late' | 'after the seal' };

/** The rule the consumer counts by, and `./laurel audit votes` recounts by. */
export function acceptance(w: WindowTimes, castAt: Date, loggedAt: Date): VoteAcceptance {
  if (w.sealedAt) return { accepted: false, reason: 'after the seal' };
  if (castAt < w.openedAt || castAt >= endOf(w)) return { accepted: false, reason: 'outside the window' };
  if (loggedAt.getTime() - castAt.getTime() > VOTE_GRACE_MS) return { accepted: false, reason: 'logged too late' };
  return { accepted: true, reason: null };
}

/** The seal may run once every vote that could still be accepted is in the log: the end plus the grace. */
export function sealableAt(w: WindowTimes): Date {
  return new Date(endOf(w).getTime() + VOTE_GRACE_MS);
}
