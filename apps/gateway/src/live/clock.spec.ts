import { bestOffset, correctionOf, GatewayClock } from './clock.js';

describe('clock offset to announcements', () => {
  it('keeps the sample with the shortest round trip, its midpoint against the server time', () => {
    const samples = [
      { sentAt: 1000, receivedAt: 1040, serverNow: 4030 }, // slow: offset 3010 ± 20
      { sentAt: 2000, receivedAt: 2002, serverNow: 5001 }, // fast: offset 3000 ± 1
      { sentAt: 3000, receivedAt: 3010, serverNow: 6009 },
    ];
    expect(bestOffset(samples)).toEqual({ offsetMs: 3000, rttMs: 2 });
  });

  it('corrects nothing while zero is within the sample\'s uncertainty, so agreeing clocks give one showAt', () => {
    expect(correctionOf({ offsetMs: 0.5, rttMs: 1 })).toBe(0);
    expect(correctionOf({ offsetMs: -1, rttMs: 3 })).toBe(0);
    expect(correctionOf({ offsetMs: -3000.5, rttMs: 2 })).toBe(-3000.5);
    expect(correctionOf({ offsetMs: 2, rttMs: 1 })).toBe(2);
  });

  it('ignores impossible samples and has no answer without any', () => {
    expect(bestOffset([])).toBeNull();
    expect(bestOffset([{ sentAt: 10, receivedAt: 5, serverNow: 7 }, { sentAt: 0, receivedAt: 1, serverNow: Number.NaN }])).toBeNull();
  });

  it('a gateway clock can be shifted (tests only) and reads the host clock otherwise', () => {
    const before = Date.now();
    expect(new GatewayClock({ clockSkewMs: 3000 }).now()).toBeGreaterThanOrEqual(before + 3000);
    const plain = new GatewayClock({}).now();
    expect(plain).toBeGreaterThanOrEqual(before);
    expect(plain).toBeLessThan(before + 3000);
  });
});
