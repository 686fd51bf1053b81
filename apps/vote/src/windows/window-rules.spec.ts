import { acceptance, endOf, sealableAt, stateOf, VOTE_GRACE_MS } from './window-rules.js';

const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 20, 0, s));
const window = (over: Partial<{ closedAt: Date | null; sealedAt: Date | null }> = {}) => ({ openedAt: at(0), closesAt: at(60), closedAt: null, sealedAt: null, ...over });

describe('the vote window (server time)', () => {
  it('is pending before it exists, open from openedAt until the earlier of the countdown and the close, then closed, then sealed', () => {
    expect(stateOf(null, at(10))).toBe('pending');
    expect(stateOf(window(), at(0))).toBe('open');
    expect(stateOf(window(), at(59))).toBe('open');
    expect(stateOf(window(), at(60))).toBe('closed');
    expect(stateOf(window({ closedAt: at(30) }), at(30))).toBe('closed');
    expect(stateOf(window({ closedAt: at(30) }), at(29))).toBe('open');
    // A close after the countdown ended does not reopen it.
    expect(endOf(window({ closedAt: at(90) }))).toEqual(at(60));
    expect(stateOf(window({ closedAt: at(30), sealedAt: at(40) }), at(35))).toBe('sealed');
  });

  it('counts a vote cast inside the window that the log took within the grace, and nothing else', () => {
    expect(acceptance(window(), at(10), at(10))).toEqual({ accepted: true, reason: null });
    // Cast just before the close, logged after it but within the grace: counts (its caller got a receipt).
    expect(acceptance(window({ closedAt: at(30) }), new Date(at(30).getTime() - 1), new Date(at(30).getTime() + VOTE_GRACE_MS - 1))).toEqual({ accepted: true, reason: null });
    expect(acceptance(window(), at(10), new Date(at(10).getTime() + VOTE_GRACE_MS + 1))).toEqual({ accepted: false, reason: 'logged too late' });
    expect(acceptance(window({ closedAt: at(30) }), at(30), at(30))).toEqual({ accepted: false, reason: 'outside the window' });
    expect(acceptance(window(), new Date(at(0).getTime() - 1), at(0))).toEqual({ accepted: false, reason: 'outside the window' });
    expect(acceptance(window({ sealedAt: at(70) }), at(10), at(10))).toEqual({ accepted: false, reason: 'after the seal' });
  });

  it('may be sealed once the grace after its end has passed (every acknowledged vote is in the log by then)', () => {
    expect(sealableAt(window({ closedAt: at(30) }))).toEqual(new Date(at(30).getTime() + VOTE_GRACE_MS));
    expect(sealableAt(window())).toEqual(new Date(at(60).getTime() + VOTE_GRACE_MS));
  });
});
