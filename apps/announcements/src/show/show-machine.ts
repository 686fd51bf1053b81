import { REFUSAL_STATUS, type CategoryView, type CeremonyView, type CueAction, type RefusalKind, type SceneKind } from '#contracts';
import { findStep, isCategoryStepKind, type RunOfShow, type RunOfShowStep } from './run-of-show.js';

/**
 * The show as a pure state machine: the producer's cues move it through the run of show.
 * No I/O and no clock: the caller passes `now` and stores the state it gets back.
 */

// Type-only use of #contracts keeps this core free of class-validator and reflect-metadata;
// the Record makes the compiler check this list against the contract's union.
const SCENE_KINDS: Record<SceneKind, true> = {
  blackout: true,
  welcome: true,
  category: true,
  nominees: true,
  envelope: true,
  winner: true,
  motivation: true,
  interlude: true,
  closing: true,
};

export interface RevealedResult {
  categoryId: string;
  revealedAt: string;
  /** The seq of the cue that revealed it. */
  seq: number;
}

export interface ShowState {
  /** Step in the run of show; null = before the show (the screens show a blackout covering nothing). */
  stepIndex: number | null;
  /** An interlude is shown over the current step; `next` continues after that step. */
  interlude: boolean;
  /** Screens blacked out over the scene underneath. */
  blackout: boolean;
  /** Grows by exactly 1 with every accepted cue. */
  seq: number;
  /** Revealed categories by id. A reveal is never undone. */
  revealed: Readonly<Record<string, RevealedResult>>;
}

/** What is on stage. `covered` is the scene a blackout hides (absent before the show). */
export interface Scene {
  kind: SceneKind;
  categoryId?: string;
  covered?: SceneKind;
}

export interface Cue {
  action: CueAction;
  /** Category id or slug: required for `reveal` and for `goto` a category scene. */
  categoryId?: string;
  /** For `goto`. */
  scene?: SceneKind;
}

export interface CueContext {
  ceremony: CeremonyView;
  runOfShow: RunOfShow;
  /** Ids of the categories whose verdict is sealed (envelope handed over by the jury). */
  sealed: ReadonlySet<string>;
  now: Date;
}

export interface CueAccepted {
  ok: true;
  state: ShowState;
  scene: Scene;
  /** Present when this cue revealed a category: the caller opens that envelope and publishes it. */
  reveal?: { categoryId: string };
}

/** A refused cue: the kind of refusal as its HTTP-ish status (REFUSAL_STATUS), and the reason the producer sees. */
export interface CueRefused {
  ok: false;
  status: (typeof REFUSAL_STATUS)['invalid' | 'conflict'];
  reason: string;
}

export type CueOutcome = CueAccepted | CueRefused;

export function initialShowState(): ShowState {
  return { stepIndex: null, interlude: false, blackout: false, seq: 0, revealed: {} };
}

export function currentScene(state: ShowState, runOfShow: RunOfShow): Scene {
  const underneath = sceneUnderneath(state, runOfShow);
  if (!state.blackout) return underneath;
  return state.stepIndex === null && !state.interlude ? { kind: 'blackout' } : { kind: 'blackout', covered: underneath.kind };
}

export function applyCue(state: ShowState, cue: Cue, ctx: CueContext): CueOutcome {
  // goto blackout is the blackout cue, so while blacked out it is "already blacked out", not "resume first".
  if (cue.action === 'goto' && cue.scene === 'blackout') return blackout(state, ctx);
  switch (cue.action) {
    case 'blackout':
      return blackout(state, ctx);
    case 'resume':
      return state.blackout ? accept(state, ctx, { blackout: false }) : refuse('conflict', 'Nothing to resume: the screens are not blacked out');
    case 'next':
      return refuseInBlackout(state, cue) ?? next(state, ctx);
    case 'prev':
      return refuseInBlackout(state, cue) ?? prev(state, ctx);
    case 'goto':
      return refuseInBlackout(state, cue) ?? goto(state, cue, ctx);
    case 'reveal':
      return refuseInBlackout(state, cue) ?? reveal(state, cue, ctx);
    default:
      return refuse('invalid', `Unknown cue "${String(cue.action)}"`);
  }
}

function refuseInBlackout(state: ShowState, cue: Cue): CueRefused | undefined {
  return state.blackout ? refuse('conflict', `The screens are blacked out: resume first (${cue.action} was not applied)`) : undefined;
}

function next(state: ShowState, ctx: CueContext): CueOutcome {
  if (state.stepIndex === null) return accept(state, ctx, { stepIndex: 0, interlude: false });
  const from = stepAt(ctx.runOfShow, state.stepIndex);
  if (from.kind === 'closing') return refuse('conflict', 'The closing is the last scene: there is no next scene');
  const to = stepAt(ctx.runOfShow, from.index + 1);
  if (hidesResult(to, state)) {
    const name = categoryName(ctx, to.categoryId);
    return refuse('conflict', `Reveal the envelope first: only the reveal cue shows the winner of ${name}`);
  }
  return accept(state, ctx, { stepIndex: to.index, interlude: false });
}

function prev(state: ShowState, ctx: CueContext): CueOutcome {
  if (state.stepIndex === null) return refuse('conflict', 'The show has not started: there is no previous scene (next starts with the welcome)');
  // From an interlude, back is the step it was shown over.
  if (state.interlude) return accept(state, ctx, { interlude: false });
  const from = stepAt(ctx.runOfShow, state.stepIndex);
  if (from.index === 0) return refuse('conflict', 'The welcome is the first scene: there is no previous scene');
  // Stepping back past an unrevealed category (reached with goto) lands on its envelope, never its result.
  let to = stepAt(ctx.runOfShow, from.index - 1);
  while (hidesResult(to, state)) to = stepAt(ctx.runOfShow, to.index - 1);
  return accept(state, ctx, { stepIndex: to.index, interlude: false });
}

function goto(state: ShowState, cue: Cue, ctx: CueContext): CueOutcome {
  const scene = cue.scene;
  if (scene === undefined) return refuse('invalid', 'goto needs a scene');
  if (!Object.hasOwn(SCENE_KINDS, scene)) return refuse('invalid', `Unknown scene "${String(scene)}"`);
  if (scene === 'blackout') return blackout(state, ctx);
  if (scene === 'interlude') return accept(state, ctx, { interlude: true });
  if (!isCategoryStepKind(scene)) {
    const step = findStep(ctx.runOfShow, scene);
    if (!step) return refuse('invalid', `The run of show has no ${scene} scene`);
    return accept(state, ctx, { stepIndex: step.index, interlude: false });
  }
  if (cue.categoryId === undefined) return refuse('invalid', `goto ${scene} needs a categoryId`);
  const category = resolveCategory(ctx, cue.categoryId);
  if (!category) return refuse('invalid', `Unknown category "${cue.categoryId}"`);
  const step = findStep(ctx.runOfShow, scene, category.id);
  if (!step) return refuse('invalid', `${category.name} is not in the run of show`);
  if (hidesResult(step, state)) {
    return refuse('conflict', `No spoilers: ${category.name} is not revealed yet, so its ${scene} scene cannot be shown (reveal it at its envelope)`);
  }
  return accept(state, ctx, { stepIndex: step.index, interlude: false });
}

function reveal(state: ShowState, cue: Cue, ctx: CueContext): CueOutcome {
  if (cue.categoryId === undefined) return refuse('invalid', 'reveal needs the categoryId of the envelope on stage');
  const category = resolveCategory(ctx, cue.categoryId);
  if (!category) return refuse('invalid', `Unknown category "${cue.categoryId}"`);
  if (state.revealed[category.id]) return refuse('conflict', `${category.name} is already revealed`);
  const winnerStep = findStep(ctx.runOfShow, 'winner', category.id);
  if (!winnerStep) return refuse('invalid', `${category.name} is not in the run of show`);

  const onStage = currentScene(state, ctx.runOfShow);
  if (onStage.kind !== 'envelope' || onStage.categoryId !== category.id) {
    if (onStage.kind === 'envelope') {
      return refuse('conflict', `${category.name} is not on stage: the envelope on stage is ${categoryName(ctx, onStage.categoryId)}`);
    }
    if (onStage.categoryId === category.id) {
      return refuse('conflict', `${category.name} is not at its envelope yet: the scene on stage is ${describeScene(onStage, ctx)}`);
    }
    return refuse('conflict', `${category.name} is not on stage: the scene on stage is ${describeScene(onStage, ctx)}`);
  }
  if (!ctx.sealed.has(category.id)) {
    return refuse('conflict', `${category.name} cannot be revealed: its verdict is not sealed yet (the jury chair seals it)`);
  }

  const seq = state.seq + 1;
  const revealed = { ...state.revealed, [category.id]: { categoryId: category.id, revealedAt: ctx.now.toISOString(), seq } };
  return { ...accept(state, ctx, { stepIndex: winnerStep.index, interlude: false, revealed }), reveal: { categoryId: category.id } };
}

function blackout(state: ShowState, ctx: CueContext): CueOutcome {
  if (state.blackout) return refuse('conflict', 'The screens are already blacked out');
  return accept(state, ctx, { blackout: true });
}

/** Every accepted cue is one scene change with the next seq. */
function accept(state: ShowState, ctx: CueContext, change: Partial<Omit<ShowState, 'seq'>>): CueAccepted {
  const next: ShowState = { ...state, ...change, seq: state.seq + 1 };
  return { ok: true, state: next, scene: currentScene(next, ctx.runOfShow) };
}

function refuse(kind: Extract<RefusalKind, 'invalid' | 'conflict'>, reason: string): CueRefused {
  return { ok: false, status: REFUSAL_STATUS[kind], reason };
}

function sceneUnderneath(state: ShowState, runOfShow: RunOfShow): Scene {
  if (state.interlude) return { kind: 'interlude' };
  if (state.stepIndex === null) return { kind: 'blackout' };
  const step = stepAt(runOfShow, state.stepIndex);
  return step.categoryId === undefined ? { kind: step.kind } : { kind: step.kind, categoryId: step.categoryId };
}

function stepAt(runOfShow: RunOfShow, index: number): RunOfShowStep {
  const step = runOfShow[index];
  if (!step) throw new Error(`The show state points at step ${index}, outside the run of show (${runOfShow.length} steps)`);
  return step;
}

/** A winner or motivation scene whose category is not revealed: showing it would spoil the result. */
function hidesResult(step: RunOfShowStep, state: ShowState): boolean {
  return (step.kind === 'winner' || step.kind === 'motivation') && !(step.categoryId !== undefined && state.revealed[step.categoryId]);
}

function resolveCategory(ctx: CueContext, ref: string): CategoryView | undefined {
  return ctx.ceremony.categories.find((c) => c.id === ref) ?? ctx.ceremony.categories.find((c) => c.slug === ref);
}

function categoryName(ctx: Pick<CueContext, 'ceremony'>, categoryId: string | undefined): string {
  return ctx.ceremony.categories.find((c) => c.id === categoryId)?.name ?? `category ${categoryId ?? '?'}`;
}

/** The scene in words, for reasons a producer reads. */
export function describeScene(scene: Scene, ctx: Pick<CueContext, 'ceremony'>): string {
  const name = categoryName(ctx, scene.categoryId);
  switch (scene.kind) {
    case 'blackout':
      return scene.covered ? 'a blackout' : 'the blackout before the show';
    case 'welcome':
      return 'the welcome';
    case 'interlude':
      return 'an interlude';
    case 'closing':
      return 'the closing';
    case 'category':
      return `the introduction of ${name}`;
    case 'nominees':
      return `the nominees of ${name}`;
    case 'envelope':
      return `the envelope of ${name}`;
    case 'winner':
      return `the winner of ${name}`;
    case 'motivation':
      return `the motivation for ${name}`;
  }
}
