import { readFileSync } from 'node:fs';
import { validateManifest } from '@companion-module/base/manifest';
import { advanceClock, startClock } from '../../../libs/contracts/src/show-clock.js';
import { actionDefinitions, feedbackDefinitions, PAGE_LAYOUT, presetDefinitions, variableDefinitions } from './definitions.js';
import { parseTarget } from './laurel-client.js';
import { initialState, onScene, onSnapshot } from './show-state.js';
import { gota, scene, svea } from './testing/scenes.js';
import { formatSeconds, localClockTime, nextSceneLabel, sceneLabel, variables } from './view.js';


describe('what the buttons show', () => {
  it('labels the scene on stage and what next brings (the reveal at an envelope)', () => {
    const clock = startClock(undefined, [
      { id: 'welcome', kind: 'welcome', label: 'Welcome' },
      { id: gota.id, kind: 'category', categoryId: gota.id, label: 'GötaPriset' },
      { id: svea.id, kind: 'category', categoryId: svea.id, label: 'Sveapriset' },
      { id: 'closing', kind: 'closing', label: 'Closing' },
    ], new Date(0).toISOString());
    expect(sceneLabel(null)).toBe('—');
    expect(sceneLabel(scene(0, 'blackout'))).toBe('Before the show');
    expect(nextSceneLabel(scene(0, 'blackout'))).toBe('Welcome');
    expect(nextSceneLabel(scene(1, 'welcome', undefined, { clock }))).toBe('Intro: GötaPriset');
    expect(sceneLabel(scene(3, 'nominees', gota))).toBe('Nominees: GötaPriset');
    expect(nextSceneLabel(scene(4, 'envelope', gota))).toBe('REVEAL GötaPriset');
    expect(nextSceneLabel(scene(6, 'motivation', gota, { clock }))).toBe('Intro: Sveapriset');
    expect(nextSceneLabel(scene(11, 'motivation', svea, { clock }))).toBe('Closing');
    const dark = scene(7, 'blackout');
    dark.data.covered = 'winner';
    expect(sceneLabel(dark)).toBe('Blackout (Winner)');
    expect(nextSceneLabel(dark)).toBe('Resume: Winner');
  });

  it('formats the clock: mm:ss, h:mm:ss, signed over/under', () => {
    expect(formatSeconds(75)).toBe('1:15');
    expect(formatSeconds(-30)).toBe('-0:30');
    expect(formatSeconds(3725)).toBe('1:02:05');
    expect(formatSeconds(90, true)).toBe('+1:30');
    expect(formatSeconds(0, true)).toBe('+0:00');
  });

  it('variables: scene, next, category, jury progress, who cued, and the show clock read in server time', () => {
    const t0 = Date.parse('2026-12-06T19:00:00.000Z');
    const iso = (s: number) => new Date(t0 + s * 1000).toISOString();
    const plan = [
      { id: 'welcome', kind: 'welcome' as const, label: 'Welcome' },
      { id: gota.id, kind: 'category' as const, categoryId: gota.id, label: 'GötaPriset' },
    ];
    let clock = startClock({ welcome: 300, categories: { [gota.id]: { segment: 600 } } }, plan, iso(0));
    clock = advanceClock(clock, { segmentId: 'welcome', plannedSeconds: 300 }, iso(0));
    clock = advanceClock(clock, { segmentId: gota.id, plannedSeconds: null }, iso(360));
    const onStage = scene(3, 'nominees', gota, { clock, at: iso(360), cuedBy: { label: 'Stream Deck', role: 'producer' } });
    // Our clock is 2 s behind the gateway's.
    let s = onSnapshot(initialState(), { ceremonyId: 'c1', scene: onStage, results: [], serverTime: t0 + 400_000, juryProgress: [{ ceremonyId: 'c1', categoryId: gota.id, locked: 6, total: 8, sealed: false }] }, t0 + 398_000);
    const v = variables(s, t0 + 398_000);
    expect(v).toMatchObject({
      current_scene: 'Nominees: GötaPriset',
      next_scene: 'Envelope: GötaPriset',
      category_on_stage: 'GötaPriset',
      jury_progress: '6/8 locked',
      last_cued_by: 'Stream Deck',
      seq: 3,
      connection: 'OK',
      // 40 s into GötaPriset's 600 s; the welcome ran 60 s over.
      show_clock: '9:20',
      over_under: '+1:00',
      estimated_end: localClockTime(new Date(t0 + 400_000 + 560_000).toISOString(), 2_000),
    });
    s = onScene(s, scene(4, 'envelope', gota), t0 + 399_000);
    expect(variables(s, t0 + 399_000)).toMatchObject({ next_scene: 'REVEAL GötaPriset', show_clock: '', over_under: '' });
  });

  it('reads the connection settings: a control-room URL gives the ceremony; missing parts are named', () => {
    expect(parseTarget({ url: 'https://laurel.example/control/kvalitetsmassan-2017', token: 't' })).toEqual({ base: 'https://laurel.example', ceremony: 'kvalitetsmassan-2017', token: 't', rehearsal: false });
    expect(parseTarget({ url: 'http://10.0.0.5:3000', ceremony: 'gala', token: 't', rehearsal: true })).toEqual({ base: 'http://10.0.0.5:3000', ceremony: 'gala', token: 't', rehearsal: true });
    expect(parseTarget({ url: 'laurel', token: 't' })).toEqual({ problem: expect.stringMatching(/not a URL/) as string });
    expect(parseTarget({ url: 'http://laurel', token: 't' })).toEqual({ problem: expect.stringMatching(/Ceremony is missing/) as string });
    expect(parseTarget({ url: 'http://laurel', ceremony: 'gala', token: ' ' })).toEqual({ problem: 'Producer token is missing' });
  });
});

describe('the module definitions', () => {
  it('the manifest is valid for Companion', () => {
    const manifest = JSON.parse(readFileSync(new URL('../companion/manifest.json', import.meta.url), 'utf8')) as Parameters<typeof validateManifest>[0];
    expect(() => validateManifest(manifest, false)).not.toThrow();
  });

  it('the preset page fills 15 keys and uses only defined actions, feedbacks and variables', () => {
    const actions = actionDefinitions(() => null);
    const feedbacks = feedbackDefinitions(() => null);
    const defined = Object.keys(variableDefinitions());
    const { structure, presets } = presetDefinitions('laurel');
    expect(PAGE_LAYOUT.flat()).toHaveLength(15);
    expect(structure[0].definitions).toEqual(PAGE_LAYOUT.flat());
    expect(structure.map((section) => section.id)).toEqual(['page', 'vote']);
    for (const id of structure.flatMap((section) => section.definitions as string[])) {
      const preset = presets[id] as unknown as { style: { text: string }; steps: { down: { actionId: string }[] }[]; feedbacks: { feedbackId: string }[] };
      expect(preset).toBeDefined();
      for (const step of preset.steps) for (const action of step.down) expect(Object.keys(actions)).toContain(action.actionId);
      for (const feedback of preset.feedbacks) expect(Object.keys(feedbacks)).toContain(feedback.feedbackId);
      for (const [, variable] of preset.style.text.matchAll(/\$\(laurel:([a-z_]+)\)/g)) expect(defined).toContain(variable);
    }
    expect(Object.keys(actions).sort()).toEqual(['arm_reveal', 'back', 'blackout', 'confirm_reveal', 'disarm', 'goto', 'next', 'resume', 'vote_close', 'vote_open']);
    expect(Object.keys(feedbacks).sort()).toEqual(['armed_matches_stage', 'connection_stale', 'on_air', 'reveal_armed']);
  });

  it('feedbacks read the client state; without a connection every button says stale', () => {
    const none = feedbackDefinitions(() => null);
    const stale = none.connection_stale;
    expect(stale && stale.type === 'boolean' && stale.callback({} as never, { type: 'feedback' })).toBe(true);
  });
});

describe('the page as drawn', () => {
  it('fills the variables and applies the feedbacks in order', async () => {
    const { keyFaces, cssColor } = await import('./key-faces.js');
    const { presets } = presetDefinitions('laurel');
    const values = { current_scene: 'Envelope: GötaPriset', next_scene: 'REVEAL GötaPriset', armed_category: 'GötaPriset', connection: 'OK' };
    const calm = keyFaces(presets, values, { on_air: true, reveal_armed: false, armed_matches_stage: false, connection_stale: false });
    expect(calm[0][0]).toMatchObject({ id: 'scene_now', text: 'NOW\nEnvelope: GötaPriset' });
    expect(cssColor(calm[0][0].bgcolor)).toBe('#00963c');
    expect(calm[2][3]).toMatchObject({ id: 'confirm', text: 'REVEAL\nGötaPriset', bgcolor: 0 });
    const armed = keyFaces(presets, values, { on_air: true, reveal_armed: true, armed_matches_stage: true, connection_stale: true });
    expect(cssColor(armed[2][2].bgcolor)).toBe('#c80000');
    expect(cssColor(armed[2][3].bgcolor)).toBe('#c80000');
    // Stale wins over on air on the scene key (it comes later).
    expect(cssColor(armed[0][0].bgcolor)).toBe('#dc8c00');
  });
});
