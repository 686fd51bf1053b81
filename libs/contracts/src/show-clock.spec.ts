import { advanceClock, readClock, scenePlan, segmentPlan, startClock, type PlannedSegment, type ShowClock, type ShowTiming } from './show-clock.js';

const T0 = Date.parse('2026-12-06T19:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const plan: PlannedSegment[] = [
  { id: 'welcome', kind: 'welcome', label: 'Välkommen' },
  { id: 'cat-a', kind: 'category', categoryId: 'cat-a', label: 'GötaPriset' },
  { id: 'cat-b', kind: 'category', categoryId: 'cat-b', label: 'Sveapriset' },
  { id: 'closing', kind: 'closing', label: 'Avslutning' },
];
const timing: ShowTiming = {
  welcome: 300,
  closing: 120,
  interlude: 60,
  categories: { 'cat-a': { segment: 600, scenes: { nominees: 120 } }, 'cat-b': { scenes: { category: 60, nominees: 180, envelope: 30, winner: 60, motivation: 90 } } },
};

describe('the show clock', () => {
  it('plans segments from their own duration, else the sum of their scenes, else none', () => {
    expect(segmentPlan(timing, plan[1])).toBe(600);
    expect(segmentPlan(timing, plan[2])).toBe(420);
    expect(segmentPlan({ categories: {} }, plan[2])).toBeNull();
    expect(segmentPlan(undefined, plan[0])).toBeNull();
    expect(scenePlan(timing, 'nominees', 'cat-a')).toBe(120);
    expect(scenePlan(timing, 'envelope', 'cat-a')).toBeNull();
    expect(scenePlan(timing, 'interlude')).toBe(60);
    expect(scenePlan(timing, 'blackout')).toBeNull();
    expect(startClock(timing, plan, at(0)).plannedSeconds).toBe(300 + 600 + 420 + 120);
    expect(startClock(undefined, plan, at(0)).plannedSeconds).toBeNull();
  });

  it('follows a scripted timeline: planned against actual, over/under and the estimated end', () => {
    let clock: ShowClock = startClock(timing, plan, at(0));
    expect(readClock(clock, T0 + 5000)).toMatchObject({ overUnderSeconds: 0, estimatedEnd: at(5 + 1440), plannedEnd: null, segmentRemainingSeconds: null });

    // 19:00:10 the welcome (planned 300 s), runs 330 s: 30 s over.
    clock = advanceClock(clock, { segmentId: 'welcome', plannedSeconds: 300 }, at(10));
    expect(clock.startedAt).toBe(at(10));
    expect(readClock(clock, T0 + 110_000)).toMatchObject({ segmentElapsedSeconds: 100, segmentRemainingSeconds: 200, sceneRemainingSeconds: 200, overUnderSeconds: 0, estimatedEnd: at(110 + 200 + 1140), plannedEnd: at(10 + 1440) });
    expect(readClock(clock, T0 + 330_000)).toMatchObject({ segmentRemainingSeconds: -20, overUnderSeconds: 20, estimatedEnd: at(330 + 1140) });

    // cat-a (600 s) from 340: three scenes, 540 s in all: 60 s under; the welcome's 30 s over stays.
    clock = advanceClock(clock, { segmentId: 'cat-a', plannedSeconds: null }, at(340));
    expect(readClock(clock, T0 + 340_000)).toMatchObject({ overUnderSeconds: 30, segmentRemainingSeconds: 600, sceneRemainingSeconds: null });
    clock = advanceClock(clock, { segmentId: 'cat-a', plannedSeconds: 120 }, at(400));
    expect(readClock(clock, T0 + 550_000)).toMatchObject({ sceneElapsedSeconds: 150, sceneRemainingSeconds: -30, segmentElapsedSeconds: 210, overUnderSeconds: 30 });

    // An interlude over cat-a (planned 60 s per visit), 90 s long: 30 s over.
    clock = advanceClock(clock, { segmentId: 'interlude', plannedSeconds: 60 }, at(600), 60);
    clock = advanceClock(clock, { segmentId: 'cat-a', plannedSeconds: null }, at(690));
    expect(clock.segments.find((s) => s.id === 'interlude')).toMatchObject({ actualSeconds: 90, plannedSeconds: 60, visited: true, since: null });
    expect(clock.segments.find((s) => s.id === 'cat-a')).toMatchObject({ actualSeconds: 260, since: at(690) });
    clock = advanceClock(clock, { segmentId: 'cat-b', plannedSeconds: 60 }, at(970));
    // welcome +30, cat-a 540 − 600 = −60, interlude +30.
    expect(readClock(clock, T0 + 970_000)).toMatchObject({ overUnderSeconds: 0, segmentRemainingSeconds: 420, estimatedEnd: at(970 + 420 + 120), estimateComplete: true });

    // A blackout over cat-b stays in cat-b.
    clock = advanceClock(clock, { segmentId: 'cat-b', plannedSeconds: null }, at(1000));
    clock = advanceClock(clock, { segmentId: 'closing', plannedSeconds: 120 }, at(1500));
    const end = readClock(clock, T0 + 1_560_000);
    // cat-b 530 − 420 = +110.
    expect(end).toMatchObject({ overUnderSeconds: 110, segmentRemainingSeconds: 60, estimatedEnd: at(1620), plannedEnd: at(1450) });
  });

  it('estimates without a plan for every segment: the estimate says it is incomplete; without any plan there is none', () => {
    const partial = advanceClock(startClock({ welcome: 300, categories: {} }, plan, at(0)), { segmentId: 'welcome', plannedSeconds: 300 }, at(0));
    expect(readClock(partial, T0 + 100_000)).toMatchObject({ estimatedEnd: at(300), estimateComplete: false, overUnderSeconds: 0 });
    const none = advanceClock(startClock(undefined, plan, at(0)), { segmentId: 'welcome', plannedSeconds: null }, at(0));
    expect(readClock(none, T0 + 100_000)).toMatchObject({ estimatedEnd: null, plannedEnd: null, overUnderSeconds: 0, segmentElapsedSeconds: 100, segmentRemainingSeconds: null });
  });

  it('going back to a segment adds to its time instead of starting it over', () => {
    let clock = startClock(timing, plan, at(0));
    clock = advanceClock(clock, { segmentId: 'welcome', plannedSeconds: 300 }, at(0));
    clock = advanceClock(clock, { segmentId: 'cat-a', plannedSeconds: null }, at(200));
    clock = advanceClock(clock, { segmentId: 'welcome', plannedSeconds: 300 }, at(260));
    expect(readClock(clock, T0 + 300_000)).toMatchObject({ segmentElapsedSeconds: 240, overUnderSeconds: -540 });
  });
});
