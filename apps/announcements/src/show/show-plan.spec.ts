import type { CeremonyView } from '#contracts';
import { ceremony2017 } from '../testing/kvalitetsmassan-2017.js';
import { buildRunOfShow } from './run-of-show.js';
import { initialShowState, type ShowState } from './show-machine.js';
import { plannedSegments, scenePlace } from './show-plan.js';

describe('the run of show as the show clock plans it', () => {
  const base: CeremonyView = ceremony2017();
  const [first] = base.categories;
  const ceremony: CeremonyView = { ...base, timing: { welcome: 300, interlude: 60, categories: { [first.id]: { segment: 420, scenes: { nominees: 150 } } } } };
  const runOfShow = buildRunOfShow(ceremony);
  const at = (stepIndex: number | null, extra: Partial<ShowState> = {}): ShowState => ({ ...initialShowState(), stepIndex, ...extra });

  it('segments: the welcome, each category in stage order, the closing', () => {
    expect(plannedSegments(ceremony).map((s) => s.id)).toEqual(['welcome', ...ceremony.categories.map((c) => c.id), 'closing']);
  });

  it("places a scene in its segment with its own plan; a blackout keeps the segment without a plan; an interlude is the interludes' segment", () => {
    expect(scenePlace(ceremony, at(null), runOfShow)).toEqual({ segmentId: null, plannedSeconds: null });
    expect(scenePlace(ceremony, at(0), runOfShow)).toEqual({ segmentId: 'welcome', plannedSeconds: 300 });
    expect(scenePlace(ceremony, at(2), runOfShow)).toEqual({ segmentId: first.id, plannedSeconds: 150 });
    expect(scenePlace(ceremony, at(1), runOfShow)).toEqual({ segmentId: first.id, plannedSeconds: null });
    expect(scenePlace(ceremony, at(2, { blackout: true }), runOfShow)).toEqual({ segmentId: first.id, plannedSeconds: null });
    expect(scenePlace(ceremony, at(2, { interlude: true }), runOfShow)).toEqual({ segmentId: 'interlude', plannedSeconds: 60 });
    expect(scenePlace(ceremony, at(runOfShow.length - 1), runOfShow)).toEqual({ segmentId: 'closing', plannedSeconds: null });
    expect(scenePlace(base, at(0), runOfShow)).toEqual({ segmentId: 'welcome', plannedSeconds: null });
  });
});
