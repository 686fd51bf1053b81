import { combineRgb, type CompanionActionDefinitions, type CompanionFeedbackDefinitions, type CompanionPresetDefinitions, type CompanionPresetSection, type CompanionVariableDefinitions } from '@companion-module/base';
import type { LaurelClient } from './laurel-client.js';
import { feedbackState, type Variables } from './view.js';
import type { SceneKind } from './wire.js';

type NoOptions = Record<string, never>;

export type ActionsSchema = {
  next: { options: NoOptions };
  back: { options: NoOptions };
  blackout: { options: NoOptions };
  resume: { options: NoOptions };
  goto: { options: { scene: string; category: string } };
  arm_reveal: { options: NoOptions };
  confirm_reveal: { options: NoOptions };
  disarm: { options: NoOptions };
  vote_open: { options: { category: string; duration: number } };
  vote_close: { options: { category: string } };
};

export type FeedbacksSchema = {
  on_air: { type: 'boolean'; options: NoOptions };
  reveal_armed: { type: 'boolean'; options: NoOptions };
  armed_matches_stage: { type: 'boolean'; options: NoOptions };
  connection_stale: { type: 'boolean'; options: NoOptions };
};

export type VariablesSchema = Variables;

export const WHITE = combineRgb(255, 255, 255);
export const BLACK = combineRgb(0, 0, 0);
export const RED = combineRgb(200, 0, 0);
export const GREEN = combineRgb(0, 150, 60);
export const AMBER = combineRgb(220, 140, 0);
export const GREY = combineRgb(40, 40, 40);

const GOTO_SCENES: SceneKind[] = ['welcome', 'category', 'nominees', 'envelope', 'winner', 'motivation', 'interlude', 'closing'];

/** The actions: each presses one cue (with expectedSeq and an idempotency key) through the client. */
export function actionDefinitions(client: () => LaurelClient | null): CompanionActionDefinitions<ActionsSchema> {
  const cue = (action: 'next' | 'prev' | 'blackout' | 'resume') => async () => void (await client()?.cue(action));
  const none = [] as [];
  return {
    next: { name: 'Next scene', options: none, callback: cue('next') },
    back: { name: 'Back (previous scene)', options: none, callback: cue('prev') },
    blackout: { name: 'Blackout', options: none, callback: cue('blackout') },
    resume: { name: 'Resume (end the blackout)', options: none, callback: cue('resume') },
    goto: {
      name: 'Go to scene',
      options: [
        { type: 'dropdown', id: 'scene', label: 'Scene', default: 'interlude', choices: GOTO_SCENES.map((id) => ({ id, label: id })) },
        { type: 'textinput', id: 'category', label: 'Category (slug; for the category scenes)', default: '' },
      ],
      callback: async (action) => {
        const category = String(action.options.category ?? '').trim();
        await client()?.cue('goto', { scene: action.options.scene as SceneKind, ...(category ? { categoryId: category } : {}) });
      },
    },
    arm_reveal: { name: 'Arm the reveal of the category on stage', options: none, callback: () => void client()?.arm() },
    confirm_reveal: { name: 'Confirm the armed reveal', options: none, callback: async () => void (await client()?.confirmReveal()) },
    disarm: { name: 'Disarm the reveal', options: none, callback: () => client()?.disarm() },
    // The audience vote's cues (issue 16): the category's vote opens for `duration` seconds, or closes now. No scene changes.
    vote_open: {
      name: 'Open the audience vote',
      options: [
        { type: 'textinput', id: 'category', label: 'Category (slug), an audience or combined category', default: 'publikpriset' },
        { type: 'number', id: 'duration', label: 'Open for (seconds, 5–3600)', default: 120, min: 5, max: 3600 },
      ],
      callback: async (action) => void (await client()?.voteCue('vote-open', String(action.options.category ?? '').trim(), Number(action.options.duration ?? 120))),
    },
    vote_close: {
      name: 'Close the audience vote',
      options: [{ type: 'textinput', id: 'category', label: 'Category (slug)', default: 'publikpriset' }],
      callback: async (action) => void (await client()?.voteCue('vote-close', String(action.options.category ?? '').trim())),
    },
  };
}

export function feedbackDefinitions(client: () => LaurelClient | null): CompanionFeedbackDefinitions<FeedbacksSchema> {
  const state = () => client()?.state;
  const none = [] as [];
  return {
    on_air: { type: 'boolean', name: 'On air (a scene is on the screens)', defaultStyle: { bgcolor: GREEN, color: WHITE }, options: none, callback: () => !!state() && feedbackState.onAir(state()!) },
    reveal_armed: { type: 'boolean', name: 'Reveal armed', defaultStyle: { bgcolor: RED, color: WHITE }, options: none, callback: () => !!state() && feedbackState.revealArmed(state()!) },
    armed_matches_stage: {
      type: 'boolean',
      name: 'Armed category is the envelope on stage',
      defaultStyle: { bgcolor: RED, color: WHITE },
      options: none,
      callback: () => !!state() && feedbackState.armedMatchesStage(state()!),
    },
    connection_stale: {
      type: 'boolean',
      name: 'Connection stale (buttons may be behind)',
      defaultStyle: { bgcolor: AMBER, color: BLACK },
      options: none,
      callback: () => !state() || feedbackState.connectionStale(state()!, Date.now()),
    },
  };
}

export function variableDefinitions(): CompanionVariableDefinitions<VariablesSchema> {
  return {
    current_scene: { name: 'Scene on stage' },
    next_scene: { name: 'What next brings' },
    category_on_stage: { name: 'Award category on stage' },
    jury_progress: { name: 'Jury progress (category on stage, else sealed/total)' },
    show_clock: { name: 'Segment countdown (or elapsed without a plan)' },
    over_under: { name: 'Show over/under its plan (+ over)' },
    estimated_end: { name: 'Estimated end (HH:MM, + when partly unplanned)' },
    last_cued_by: { name: 'Who cued last (token label)' },
    seq: { name: 'Scene seq' },
    armed_category: { name: 'Armed category' },
    connection: { name: 'Connection (OK, STALE, OFFLINE)' },
    last_outcome: { name: 'Last press outcome' },
  };
}

/**
 * A ready 15-key Stream Deck page (3 rows × 5): top row the show state, middle row the run of show,
 * bottom row the reveal (arm, confirm), blackout and resume.
 */
export const PAGE_LAYOUT: string[][] = [
  ['scene_now', 'scene_next', 'clock', 'over_under', 'connection'],
  ['back', 'next', 'category', 'jury', 'cued_by'],
  ['blackout', 'resume', 'arm', 'confirm', 'disarm'],
];

export function presetDefinitions(instanceLabel = 'laurel'): { structure: CompanionPresetSection<never>[]; presets: CompanionPresetDefinitions<never> } {
  const v = (id: keyof Variables) => `$(${instanceLabel}:${id})`;
  const display = (name: string, text: string) => ({ type: 'simple' as const, name, style: { text, size: '14' as const, color: WHITE, bgcolor: GREY }, steps: [], feedbacks: [] as never[] });
  const button = (name: string, text: string, actionId: string, feedbacks: { feedbackId: string; style: object }[] = [], bgcolor = BLACK) => ({
    type: 'simple' as const,
    name,
    style: { text, size: '18' as const, color: WHITE, bgcolor },
    steps: [{ down: [{ actionId, options: {} }], up: [] }],
    feedbacks: feedbacks.map((f) => ({ ...f, options: {} })),
  });
  const stale = { feedbackId: 'connection_stale', style: { bgcolor: AMBER, color: BLACK } };
  const presets: Record<string, unknown> = {
    scene_now: { ...display('Scene on stage', `NOW\\n${v('current_scene')}`), feedbacks: [{ feedbackId: 'on_air', style: { bgcolor: GREEN }, options: {} }, { ...stale, options: {} }] },
    scene_next: display('Next scene', `NEXT\\n${v('next_scene')}`),
    clock: display('Segment clock', `CLOCK\\n${v('show_clock')}`),
    over_under: display('Over/under', `+/-\\n${v('over_under')}\\nEND ${v('estimated_end')}`),
    connection: { ...display('Connection', `LAUREL\\n${v('connection')}`), feedbacks: [{ ...stale, options: {} }] },
    back: button('Back', 'BACK', 'back', [stale]),
    next: button('Next', 'NEXT ▶', 'next', [stale], combineRgb(0, 60, 140)),
    category: display('Category on stage', v('category_on_stage')),
    jury: display('Jury progress', `JURY\\n${v('jury_progress')}`),
    cued_by: display('Who cued last', `LAST\\n${v('last_cued_by')}`),
    blackout: button('Blackout', 'BLACK\\nOUT', 'blackout', [{ feedbackId: 'on_air', style: { bgcolor: GREY } }], RED),
    resume: button('Resume', 'RESUME', 'resume'),
    arm: button('Arm reveal', 'ARM\\nREVEAL', 'arm_reveal', [{ feedbackId: 'reveal_armed', style: { bgcolor: RED } }]),
    confirm: button('Confirm reveal', `REVEAL\\n${v('armed_category')}`, 'confirm_reveal', [{ feedbackId: 'armed_matches_stage', style: { bgcolor: RED } }]),
    disarm: button('Disarm', 'DISARM', 'disarm'),
    // The audience vote: set the category (and the minutes) on the key; the last press outcome says until when it is open.
    vote_open: { ...button('Open the audience vote', 'VOTE\nOPEN', 'vote_open', [stale], GREEN), steps: [{ down: [{ actionId: 'vote_open', options: { category: 'publikpriset', duration: 120 } }], up: [] }] },
    vote_close: { ...button('Close the audience vote', 'VOTE\nCLOSE', 'vote_close', [stale], RED), steps: [{ down: [{ actionId: 'vote_close', options: { category: 'publikpriset' } }], up: [] }] },
    vote_outcome: display('Last press outcome', `LAST\n${v('last_outcome')}`),
  };
  const structure: CompanionPresetSection<never>[] = [
    { id: 'page', name: 'Laurel show page (15 keys)', definitions: PAGE_LAYOUT.flat() },
    { id: 'vote', name: 'Audience vote (category on each key)', definitions: ['vote_open', 'vote_close', 'vote_outcome'] },
  ];
  return { structure, presets: presets as CompanionPresetDefinitions<never> };
}
