import { flipInstant, MIN_FLIP_LEAD_MS } from './event-feed.service.js';

describe('flipInstant: when the screens show a winner', () => {
  const revealedAt = '2026-11-28T20:15:00.000Z';
  const committed = Date.parse(revealedAt);

  it('is the commit time plus the lead, the same on every gateway whenever each got the event', () => {
    const onA = flipInstant(revealedAt, committed + 3, 250);
    const onB = flipInstant(revealedAt, committed + 41, 250);
    expect(onA).toBe('2026-11-28T20:15:00.250Z');
    expect(onB).toBe(onA);
  });

  it('gives a gateway that got the reveal too late a short lead of its own, never an instant already past', () => {
    const now = committed + 5000; // caught up after an outage
    expect(Date.parse(flipInstant(revealedAt, now, 250))).toBe(now + MIN_FLIP_LEAD_MS);
    expect(Date.parse(flipInstant(revealedAt, committed + 240, 250))).toBe(committed + 240 + MIN_FLIP_LEAD_MS);
  });

  it('never waits longer than the configured lead when that is shorter than the minimum', () => {
    expect(Date.parse(flipInstant(revealedAt, committed + 1000, 20))).toBe(committed + 1020);
  });

  it('falls back to the gateway clock for a reveal without a readable commit time', () => {
    expect(Date.parse(flipInstant('not a date', 1_000_000, 250))).toBe(1_000_250);
  });

  it('is the same real instant on a gateway whose clock is off, in that gateway\'s own clock', () => {
    // Gateway B runs 3 s ahead: announcements − B = −3000. Its showAt reads 3 s later, the same real instant.
    const onA = Date.parse(flipInstant(revealedAt, committed + 3, 250, 0));
    const onB = Date.parse(flipInstant(revealedAt, committed + 3 + 3000, 250, -3000));
    expect(onB - 3000).toBe(onA);
  });
});
