import { bestOffset, GatewayClock } from './clock.js';

describe('clock offset to announcements', () => {
  it('keeps the sample with the shortest round trip, its midpoint against the server time', () => {
    const samples = [
      { sentAt: 1000, receivedAt: 1040, serverNow: 4030 }, // slow: offset 3010 ± 20
      { sentAt: 2000, receivedAt: 2002, serverNow: 5001 }, // fast: offset 3000 ± 1
      { sentAt: 3000, receivedAt: 3010, serverNow: 6009 },
    ];
    expect(bestOffset(samples)).toEqual({ offsetMs: 3000, rttMs: 2 });
  });

  it('takes an offset within the measurement error (half the round trip) as none, and rounds to whole ms', () => {
    expect(bestOffset([{ sentAt: 1000, receivedAt: 1004, serverNow: 1003.5 }])).toEqual({ offsetMs: 0, rttMs: 4 }); // 1.5 ± 2
    expect(bestOffset([{ sentAt: 1000, receivedAt: 1004, serverNow: 998.6 }])).toEqual({ offsetMs: -3, rttMs: 4 }); // −3.4 ± 2
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
