import { randomUUID } from 'node:crypto';
import { checkResumePoint, classifySeq, decodeEvent, resumeFrom, streamChanged, type FollowPosition } from './stream-follower.js';

const created = '2026-12-06T07:00:00.000000000Z';
const stream = (lastSeq: number, firstSeq = 1, at = created) => ({ created: at, firstSeq, lastSeq });

describe('StreamFollower: where it follows from (resumeFrom)', () => {
  it('cold: from the first message the stream holds, or right after the seq a cold start says it covers', () => {
    expect(resumeFrom(null, stream(40))).toEqual({ position: { created, lastSeq: 0 }, startSeq: 1, reason: 'cold' });
    // Messages 1–9 aged out: no gap is counted for them.
    expect(resumeFrom(null, stream(40, 10))).toEqual({ position: { created, lastSeq: 9 }, startSeq: 10, reason: 'cold' });
    expect(resumeFrom(null, stream(40), 25)).toEqual({ position: { created, lastSeq: 25 }, startSeq: 26, reason: 'cold' });
  });

  it('the same stream: right after the last seq applied (nothing replayed, nothing skipped)', () => {
    const held: FollowPosition = { created, lastSeq: 17 };
    const next = resumeFrom(held, stream(30));
    expect(next).toEqual({ position: { created, lastSeq: 17 }, startSeq: 18, reason: 'resume' });
    // The position is the one held: what the consumer applies moves it on.
    expect(next.position).toBe(held);
    expect(resumeFrom(held, stream(17)).startSeq).toBe(18);
  });

  it('the same stream, the last message applied known: from that message itself, to check it is still the same one', () => {
    expect(resumeFrom({ created, lastSeq: 17, lastStamp: '1700' }, stream(30))).toMatchObject({ startSeq: 17, reason: 'resume' });
  });

  it('a stream created anew (store reset): from its start, the position forgotten', () => {
    expect(resumeFrom({ created, lastSeq: 300 }, stream(4, 1, '2026-12-06T08:00:00Z'))).toEqual({ position: { created: '2026-12-06T08:00:00Z', lastSeq: 0 }, startSeq: 1, reason: 'stream-reset' });
  });

  it('the same stream with a lost tail: right after its new last seq, where the services republish', () => {
    expect(resumeFrom({ created, lastSeq: 50 }, stream(42))).toEqual({ position: { created, lastSeq: 42 }, startSeq: 43, reason: 'lost-tail' });
  });
});

describe('StreamFollower: each message against the last seq applied (classifySeq)', () => {
  it('applies the next seq, skips one already applied, applies one further on and counts what it missed', () => {
    expect(classifySeq(0, 1)).toEqual({ verdict: 'apply', missed: 0 });
    expect(classifySeq(9, 10)).toEqual({ verdict: 'apply', missed: 0 });
    expect(classifySeq(10, 10)).toEqual({ verdict: 'duplicate', missed: 0 });
    expect(classifySeq(10, 3)).toEqual({ verdict: 'duplicate', missed: 0 });
    expect(classifySeq(10, 14)).toEqual({ verdict: 'apply', missed: 3 });
  });

  it('a replay across a restart applies every seq once, and a gap once', () => {
    const applied: number[] = [];
    let missed = 0;
    let last = 0;
    // A consumer that delivered 1–5, was replaced at 3 (redelivers 3–5), then the stream skipped 8–9.
    for (const seq of [1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 10, 11]) {
      const v = classifySeq(last, seq);
      if (v.verdict === 'duplicate') continue;
      missed += v.missed;
      last = seq;
      applied.push(seq);
    }
    expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7, 10, 11]);
    expect(missed).toBe(2);
  });
});

describe('StreamFollower: the first message of a resumed consumer (checkResumePoint)', () => {
  const held: FollowPosition = { created, lastSeq: 17, lastStamp: '1700' };
  it('the same message at the last seq applied: the same stream', () => {
    expect(checkResumePoint(held, { seq: 17, stamp: '1700' })).toBe('same');
  });
  it('another message at that seq: the tail was lost and refilled past it (follow again from the start)', () => {
    expect(checkResumePoint(held, { seq: 17, stamp: '1900' })).toBe('diverged');
  });
  it('a later seq (that message deleted or aged out), or nothing known of it: nothing to compare', () => {
    expect(checkResumePoint(held, { seq: 19, stamp: '1900' })).toBe('unknown');
    expect(checkResumePoint({ created, lastSeq: 17 }, { seq: 17, stamp: '1900' })).toBe('unknown');
  });
});

describe('StreamFollower: the stream changed under its consumer (streamChanged)', () => {
  it('reports a reset and a lost tail, nothing while the stream only grew', () => {
    expect(streamChanged({ created, lastSeq: 9 }, stream(12))).toBeNull();
    expect(streamChanged({ created, lastSeq: 9 }, stream(9))).toBeNull();
    expect(streamChanged({ created, lastSeq: 9 }, stream(8))).toBe('lost-tail');
    expect(streamChanged({ created, lastSeq: 9 }, stream(20, 1, '2026-12-06T09:00:00Z'))).toBe('stream-reset');
  });
});

describe('StreamFollower: decoding through the typed subject map (decodeEvent)', () => {
  const envelope = (data: object) => ({ id: randomUUID(), type: 'jury.progress', version: 1, ceremonyId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'c', data });

  it('returns the envelope with its data validated against the subject contract', async () => {
    const data = { ceremonyId: randomUUID(), categoryId: randomUUID(), locked: 2, total: 5, sealed: false };
    const decoded = await decodeEvent('gala.events.jury.progress', envelope(data));
    expect(decoded.data).toEqual(data);
  });

  it('refuses a payload that does not match its contract, an unknown field, and a subject with no contract', async () => {
    await expect(decodeEvent('gala.events.jury.progress', envelope({ ceremonyId: 'x', categoryId: randomUUID(), locked: 2, total: 5, sealed: false }))).rejects.toThrow(/ceremonyId/);
    await expect(decodeEvent('gala.events.jury.progress', envelope({ ceremonyId: randomUUID(), categoryId: randomUUID(), locked: 2, total: 5, sealed: false, winner: 'x' }))).rejects.toThrow(/winner/);
    await expect(decodeEvent('gala.events.jury.progress', { data: {} })).rejects.toThrow();
    await expect(decodeEvent('gala.events.nope', envelope({}))).rejects.toThrow(/no contract/);
  });
});
