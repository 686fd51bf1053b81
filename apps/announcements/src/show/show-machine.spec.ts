import type { CeremonyView } from '#contracts';
import { buildRunOfShow } from './run-of-show.js';
import { applyCue, currentScene, describeScene, initialShowState, type Cue, type CueContext, type CueOutcome, type ShowState } from './show-machine.js';
import { ceremony2017, smallCeremony } from '../testing/kvalitetsmassan-2017.js';

const now = new Date('2026-05-20T19:30:00.000Z');

function contextFor(ceremony: CeremonyView, sealed = ceremony.categories.map((c) => c.id)): CueContext {
  return { ceremony, runOfShow: buildRunOfShow(ceremony), sealed: new Set(sealed), now };
}

function accepted(outcome: CueOutcome): Extract<CueOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`refused (${outcome.status}): ${outcome.reason}`);
  return outcome;
}

function refused(outcome: CueOutcome): Extract<CueOutcome, { ok: false }> {
  if (outcome.ok) throw new Error(`accepted: ${JSON.stringify(outcome.scene)}`);
  return outcome;
}

/** Plays cues that must all be accepted; returns the state after the last. */
function play(ctx: CueContext, cues: Cue[], from: ShowState = initialShowState()): ShowState {
  return cues.reduce((state, cue) => accepted(applyCue(state, cue, ctx)).state, from);
}

const next: Cue = { action: 'next' };
const prev: Cue = { action: 'prev' };
const times = (n: number, cue: Cue): Cue[] => Array.from({ length: n }, () => cue);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('show machine, two categories', () => {
  const ceremony = smallCeremony();
  const [alfa, beta] = ceremony.categories;
  const ctx = contextFor(ceremony);
  const atAlfaEnvelope = () => play(ctx, times(4, next));

  it('starts before the show: a blackout covering nothing, seq 0', () => {
    const state = initialShowState();
    expect(state).toEqual({ stepIndex: null, interlude: false, blackout: false, seq: 0, revealed: {} });
    expect(currentScene(state, ctx.runOfShow)).toEqual({ kind: 'blackout' });
  });

  it('walks the whole show with next and reveal, one seq per cue', () => {
    let state = initialShowState();
    const seen: string[] = [];
    const cue = (c: Cue) => {
      const outcome = accepted(applyCue(state, c, ctx));
      expect(outcome.state.seq).toBe(state.seq + 1);
      state = outcome.state;
      seen.push(`${outcome.state.seq}:${outcome.scene.kind}:${outcome.scene.categoryId === alfa.id ? 'alfa' : outcome.scene.categoryId === beta.id ? 'beta' : '-'}`);
      return outcome;
    };
    cue(next);
    cue(next);
    cue(next);
    cue(next);
    expect(cue({ action: 'reveal', categoryId: alfa.id }).reveal).toEqual({ categoryId: alfa.id });
    cue(next);
    cue(next);
    cue(next);
    cue(next);
    expect(cue({ action: 'reveal', categoryId: beta.id }).reveal).toEqual({ categoryId: beta.id });
    cue(next);
    expect(cue(next).reveal).toBeUndefined();
    expect(seen).toEqual([
      '1:welcome:-',
      '2:category:alfa',
      '3:nominees:alfa',
      '4:envelope:alfa',
      '5:winner:alfa',
      '6:motivation:alfa',
      '7:category:beta',
      '8:nominees:beta',
      '9:envelope:beta',
      '10:winner:beta',
      '11:motivation:beta',
      '12:closing:-',
    ]);
    expect(state.revealed).toEqual({
      [alfa.id]: { categoryId: alfa.id, revealedAt: '2026-05-20T19:30:00.000Z', seq: 5 },
      [beta.id]: { categoryId: beta.id, revealedAt: '2026-05-20T19:30:00.000Z', seq: 10 },
    });
    expect(refused(applyCue(state, next, ctx))).toEqual({ ok: false, status: 409, reason: 'The closing is the last scene: there is no next scene' });
  });

  it('does not let next open the envelope', () => {
    const outcome = refused(applyCue(atAlfaEnvelope(), next, ctx));
    expect(outcome.status).toBe(409);
    expect(outcome.reason).toBe('Reveal the envelope first: only the reveal cue shows the winner of Alfapriset');
  });

  it('never changes the state it is given', () => {
    const state = deepFreeze(atAlfaEnvelope());
    const copy = structuredClone(state);
    accepted(applyCue(state, { action: 'reveal', categoryId: alfa.id }, ctx));
    accepted(applyCue(state, { action: 'blackout' }, ctx));
    expect(state).toEqual(copy);
  });

  describe('reveal', () => {
    it('moves the envelope on stage to its winner', () => {
      const outcome = accepted(applyCue(atAlfaEnvelope(), { action: 'reveal', categoryId: alfa.id }, ctx));
      expect(outcome.scene).toEqual({ kind: 'winner', categoryId: alfa.id });
      expect(outcome.state.stepIndex).toBe(4);
      expect(outcome.state.revealed[alfa.id]).toEqual({ categoryId: alfa.id, revealedAt: now.toISOString(), seq: 5 });
    });

    it('accepts the category slug and answers with its id', () => {
      const outcome = accepted(applyCue(atAlfaEnvelope(), { action: 'reveal', categoryId: 'alfa' }, ctx));
      expect(outcome.reveal).toEqual({ categoryId: alfa.id });
      expect(Object.keys(outcome.state.revealed)).toEqual([alfa.id]);
    });

    it('needs a known category', () => {
      expect(refused(applyCue(atAlfaEnvelope(), { action: 'reveal' }, ctx))).toMatchObject({ status: 400, reason: 'reveal needs the categoryId of the envelope on stage' });
      expect(refused(applyCue(atAlfaEnvelope(), { action: 'reveal', categoryId: 'gamma' }, ctx))).toMatchObject({ status: 400, reason: 'Unknown category "gamma"' });
    });

    it('is refused when another envelope is on stage', () => {
      const atBetaEnvelope = play(ctx, [{ action: 'goto', scene: 'envelope', categoryId: beta.id }]);
      expect(refused(applyCue(atBetaEnvelope, { action: 'reveal', categoryId: alfa.id }, ctx))).toEqual({
        ok: false,
        status: 409,
        reason: 'Alfapriset is not on stage: the envelope on stage is Betapriset',
      });
    });

    it('is refused before its envelope, and before the show', () => {
      const atAlfaNominees = play(ctx, times(3, next));
      expect(refused(applyCue(atAlfaNominees, { action: 'reveal', categoryId: alfa.id }, ctx))).toMatchObject({
        status: 409,
        reason: 'Alfapriset is not at its envelope yet: the scene on stage is the nominees of Alfapriset',
      });
      expect(refused(applyCue(atAlfaNominees, { action: 'reveal', categoryId: beta.id }, ctx)).reason).toBe(
        'Betapriset is not on stage: the scene on stage is the nominees of Alfapriset',
      );
      expect(refused(applyCue(initialShowState(), { action: 'reveal', categoryId: alfa.id }, ctx)).reason).toBe(
        'Alfapriset is not on stage: the scene on stage is the blackout before the show',
      );
    });

    it('is refused while the verdict is not sealed', () => {
      const unsealed = contextFor(ceremony, [beta.id]);
      const outcome = refused(applyCue(play(unsealed, times(4, next)), { action: 'reveal', categoryId: alfa.id }, unsealed));
      expect(outcome).toEqual({
        ok: false,
        status: 409,
        reason: 'Alfapriset cannot be revealed: its verdict is not sealed yet (the jury chair seals it)',
      });
    });

    it('happens once', () => {
      const revealed = play(ctx, [...times(4, next), { action: 'reveal', categoryId: alfa.id }]);
      expect(refused(applyCue(revealed, { action: 'reveal', categoryId: alfa.id }, ctx))).toMatchObject({ status: 409, reason: 'Alfapriset is already revealed' });
      // Back at the (revealed) envelope it is still refused.
      const backAtEnvelope = play(ctx, [prev], revealed);
      expect(refused(applyCue(backAtEnvelope, { action: 'reveal', categoryId: alfa.id }, ctx)).reason).toBe('Alfapriset is already revealed');
    });

    it('gives a distinct reason for each refusal', () => {
      const reasons = [
        refused(applyCue(play(ctx, times(3, next)), { action: 'reveal', categoryId: alfa.id }, ctx)).reason,
        refused(applyCue(play(ctx, [{ action: 'goto', scene: 'envelope', categoryId: beta.id }]), { action: 'reveal', categoryId: alfa.id }, ctx)).reason,
        refused(applyCue(play(contextFor(ceremony, []), times(4, next)), { action: 'reveal', categoryId: alfa.id }, contextFor(ceremony, []))).reason,
        refused(applyCue(play(ctx, [...times(4, next), { action: 'reveal', categoryId: alfa.id }]), { action: 'reveal', categoryId: alfa.id }, ctx)).reason,
        refused(applyCue(play(ctx, [...times(4, next), { action: 'blackout' }]), { action: 'reveal', categoryId: alfa.id }, ctx)).reason,
      ];
      expect(new Set(reasons).size).toBe(reasons.length);
    });
  });

  describe('prev', () => {
    it('is refused at the welcome and before the show', () => {
      expect(refused(applyCue(play(ctx, [next]), prev, ctx))).toEqual({ ok: false, status: 409, reason: 'The welcome is the first scene: there is no previous scene' });
      expect(refused(applyCue(initialShowState(), prev, ctx)).status).toBe(409);
    });

    it('goes back one scene and never un-reveals', () => {
      const atWinner = play(ctx, [...times(4, next), { action: 'reveal', categoryId: alfa.id }]);
      const back = accepted(applyCue(atWinner, prev, ctx));
      expect(back.scene).toEqual({ kind: 'envelope', categoryId: alfa.id });
      expect(back.state.revealed[alfa.id]).toBeDefined();
      // next from a revealed envelope shows the winner again, without a new reveal
      const again = accepted(applyCue(back.state, next, ctx));
      expect(again.scene).toEqual({ kind: 'winner', categoryId: alfa.id });
      expect(again.reveal).toBeUndefined();
      expect(again.state.revealed).toEqual(atWinner.revealed);
      expect(again.state.seq).toBe(atWinner.seq + 2);
    });

    it('walks back over a revealed category’s result', () => {
      const atBetaIntro = play(ctx, [...times(4, next), { action: 'reveal', categoryId: alfa.id }, next, next]);
      expect(accepted(applyCue(atBetaIntro, prev, ctx)).scene).toEqual({ kind: 'motivation', categoryId: alfa.id });
    });

    it('skips an unrevealed category’s result and lands on its envelope', () => {
      const atBetaIntro = play(ctx, [{ action: 'goto', scene: 'category', categoryId: beta.id }]);
      const back = accepted(applyCue(atBetaIntro, prev, ctx));
      expect(back.scene).toEqual({ kind: 'envelope', categoryId: alfa.id });
      expect(back.state.seq).toBe(2);
    });
  });

  describe('goto', () => {
    it('jumps to any scene that spoils nothing', () => {
      expect(accepted(applyCue(initialShowState(), { action: 'goto', scene: 'nominees', categoryId: beta.id }, ctx)).scene).toEqual({ kind: 'nominees', categoryId: beta.id });
      expect(accepted(applyCue(initialShowState(), { action: 'goto', scene: 'closing' }, ctx)).scene).toEqual({ kind: 'closing' });
      const fromClosing = play(ctx, [{ action: 'goto', scene: 'closing' }]);
      expect(accepted(applyCue(fromClosing, { action: 'goto', scene: 'welcome' }, ctx)).state).toMatchObject({ stepIndex: 0, seq: 2 });
      expect(accepted(applyCue(fromClosing, { action: 'goto', scene: 'category', categoryId: 'alfa' }, ctx)).scene).toEqual({ kind: 'category', categoryId: alfa.id });
    });

    it('refuses the winner and motivation of an unrevealed category', () => {
      for (const scene of ['winner', 'motivation'] as const) {
        const outcome = refused(applyCue(atAlfaEnvelope(), { action: 'goto', scene, categoryId: alfa.id }, ctx));
        expect(outcome.status).toBe(409);
        expect(outcome.reason).toBe(`No spoilers: Alfapriset is not revealed yet, so its ${scene} scene cannot be shown (reveal it at its envelope)`);
      }
    });

    it('shows the result of a revealed category again', () => {
      const done = play(ctx, [...times(4, next), { action: 'reveal', categoryId: alfa.id }, { action: 'goto', scene: 'closing' }]);
      expect(accepted(applyCue(done, { action: 'goto', scene: 'motivation', categoryId: alfa.id }, ctx)).scene).toEqual({ kind: 'motivation', categoryId: alfa.id });
      expect(accepted(applyCue(done, { action: 'goto', scene: 'winner', categoryId: alfa.id }, ctx)).reveal).toBeUndefined();
    });

    it('says what is missing', () => {
      const state = play(ctx, [next]);
      expect(refused(applyCue(state, { action: 'goto' }, ctx))).toMatchObject({ status: 400, reason: 'goto needs a scene' });
      expect(refused(applyCue(state, { action: 'goto', scene: 'envelope' }, ctx))).toMatchObject({ status: 400, reason: 'goto envelope needs a categoryId' });
      expect(refused(applyCue(state, { action: 'goto', scene: 'envelope', categoryId: 'gamma' }, ctx))).toMatchObject({ status: 400, reason: 'Unknown category "gamma"' });
      expect(refused(applyCue(state, { action: 'goto', scene: 'finale' as never }, ctx))).toMatchObject({ status: 400, reason: 'Unknown scene "finale"' });
    });

    it('shows an interlude over the current step; next continues after it, prev returns to it', () => {
      const atAlfaIntro = play(ctx, [next, next]);
      const interlude = accepted(applyCue(atAlfaIntro, { action: 'goto', scene: 'interlude' }, ctx));
      expect(interlude.scene).toEqual({ kind: 'interlude' });
      expect(interlude.state).toMatchObject({ stepIndex: atAlfaIntro.stepIndex, interlude: true, seq: 3 });
      expect(accepted(applyCue(interlude.state, next, ctx)).scene).toEqual({ kind: 'nominees', categoryId: alfa.id });
      expect(accepted(applyCue(interlude.state, prev, ctx)).scene).toEqual({ kind: 'category', categoryId: alfa.id });
      expect(accepted(applyCue(interlude.state, { action: 'goto', scene: 'closing' }, ctx)).state.interlude).toBe(false);
    });

    it('an interlude before the show leads to the welcome', () => {
      const interlude = play(ctx, [{ action: 'goto', scene: 'interlude' }]);
      expect(accepted(applyCue(interlude, next, ctx)).scene).toEqual({ kind: 'welcome' });
      expect(refused(applyCue(interlude, prev, ctx)).status).toBe(409);
    });

    it('an interlude hides the envelope: no reveal until it is back on stage', () => {
      const interlude = play(ctx, [...times(4, next), { action: 'goto', scene: 'interlude' }]);
      expect(refused(applyCue(interlude, { action: 'reveal', categoryId: alfa.id }, ctx)).reason).toBe(
        'Alfapriset is not on stage: the scene on stage is an interlude',
      );
      expect(refused(applyCue(interlude, next, ctx)).reason).toMatch(/^Reveal the envelope first/);
      const back = play(ctx, [prev], interlude);
      expect(accepted(applyCue(back, { action: 'reveal', categoryId: alfa.id }, ctx)).scene).toEqual({ kind: 'winner', categoryId: alfa.id });
    });

    it('goto blackout is a blackout', () => {
      const outcome = accepted(applyCue(atAlfaEnvelope(), { action: 'goto', scene: 'blackout' }, ctx));
      expect(outcome.scene).toEqual({ kind: 'blackout', covered: 'envelope' });
      expect(outcome.state).toMatchObject({ blackout: true, stepIndex: 3 });
    });
  });

  describe('blackout', () => {
    it('covers the scene on stage and resume brings it back', () => {
      const state = atAlfaEnvelope();
      const dark = accepted(applyCue(state, { action: 'blackout' }, ctx));
      expect(dark.scene).toEqual({ kind: 'blackout', covered: 'envelope' });
      expect(dark.state).toEqual({ ...state, blackout: true, seq: state.seq + 1 });
      const back = accepted(applyCue(dark.state, { action: 'resume' }, ctx));
      expect(back.scene).toEqual({ kind: 'envelope', categoryId: alfa.id });
      expect(back.state).toEqual({ ...state, seq: state.seq + 2 });
    });

    it('refuses every other cue until resume', () => {
      const dark = play(ctx, [...times(4, next), { action: 'blackout' }]);
      for (const cue of [next, prev, { action: 'reveal', categoryId: alfa.id }, { action: 'goto', scene: 'welcome' }] satisfies Cue[]) {
        const outcome = refused(applyCue(dark, cue, ctx));
        expect(outcome.status).toBe(409);
        expect(outcome.reason).toBe(`The screens are blacked out: resume first (${cue.action} was not applied)`);
      }
      expect(refused(applyCue(dark, { action: 'blackout' }, ctx)).reason).toBe('The screens are already blacked out');
      expect(refused(applyCue(dark, { action: 'goto', scene: 'blackout' }, ctx)).reason).toBe('The screens are already blacked out');
    });

    it('refuses resume without a blackout', () => {
      expect(refused(applyCue(atAlfaEnvelope(), { action: 'resume' }, ctx))).toEqual({ ok: false, status: 409, reason: 'Nothing to resume: the screens are not blacked out' });
      expect(refused(applyCue(initialShowState(), { action: 'resume' }, ctx)).status).toBe(409);
    });

    it('before the show covers nothing', () => {
      const dark = accepted(applyCue(initialShowState(), { action: 'blackout' }, ctx));
      expect(dark.scene).toEqual({ kind: 'blackout' });
      const resumed = accepted(applyCue(dark.state, { action: 'resume' }, ctx));
      expect(resumed.scene).toEqual({ kind: 'blackout' });
      expect(accepted(applyCue(resumed.state, next, ctx)).state.seq).toBe(3);
    });

    it('covers an interlude, and resume returns to it', () => {
      const dark = accepted(applyCue(play(ctx, [next, { action: 'goto', scene: 'interlude' }]), { action: 'blackout' }, ctx));
      expect(dark.scene).toEqual({ kind: 'blackout', covered: 'interlude' });
      expect(accepted(applyCue(dark.state, { action: 'resume' }, ctx)).scene).toEqual({ kind: 'interlude' });
    });
  });

  it('refuses an unknown action', () => {
    expect(refused(applyCue(initialShowState(), { action: 'encore' as never }, ctx))).toMatchObject({ status: 400, reason: 'Unknown cue "encore"' });
  });

  it('describes scenes in words', () => {
    expect(describeScene({ kind: 'motivation', categoryId: beta.id }, ctx)).toBe('the motivation for Betapriset');
    expect(describeScene({ kind: 'category', categoryId: alfa.id }, ctx)).toBe('the introduction of Alfapriset');
    expect(describeScene({ kind: 'blackout', covered: 'welcome' }, ctx)).toBe('a blackout');
  });
});

describe('show machine, Kvalitetsmässan 2017', () => {
  const ceremony = ceremony2017();
  const ctx = contextFor(ceremony);
  const id = (slug: string) => ceremony.categories.find((c) => c.slug === slug)!.id;

  it('runs the five reveals in 27 cues', () => {
    let state = initialShowState();
    const reveals: string[] = [];
    const cue = (c: Cue) => {
      const outcome = accepted(applyCue(state, c, ctx));
      state = outcome.state;
      if (outcome.reveal) reveals.push(outcome.reveal.categoryId);
      return outcome;
    };
    cue(next);
    for (const category of ceremony.categories) {
      cue(next);
      cue(next);
      expect(cue(next).scene).toEqual({ kind: 'envelope', categoryId: category.id });
      expect(refused(applyCue(state, next, ctx)).reason).toBe(`Reveal the envelope first: only the reveal cue shows the winner of ${category.name}`);
      expect(cue({ action: 'reveal', categoryId: category.slug }).scene).toEqual({ kind: 'winner', categoryId: category.id });
      expect(cue(next).scene).toEqual({ kind: 'motivation', categoryId: category.id });
    }
    expect(cue(next).scene).toEqual({ kind: 'closing' });
    expect(state.seq).toBe(27);
    expect(reveals).toEqual(ceremony.categories.map((c) => c.id));
    expect(Object.values(state.revealed).map((r) => r.seq)).toEqual([5, 10, 15, 20, 25]);
  });

  it('names the envelope that is on stage', () => {
    const atSvea = play(ctx, [{ action: 'goto', scene: 'envelope', categoryId: id('sveapriset') }]);
    expect(refused(applyCue(atSvea, { action: 'reveal', categoryId: id('gotapriset') }, ctx))).toEqual({
      ok: false,
      status: 409,
      reason: 'GötaPriset 2017 is not on stage: the envelope on stage is SveaPriset 2017',
    });
  });

  it('lets the show go on past a category whose verdict is not sealed', () => {
    const partial = contextFor(ceremony, ceremony.categories.filter((c) => c.slug !== 'sveriges-modernaste-myndighet').map((c) => c.id));
    const atLastEnvelope = play(partial, [{ action: 'goto', scene: 'envelope', categoryId: id('sveriges-modernaste-myndighet') }]);
    expect(refused(applyCue(atLastEnvelope, { action: 'reveal', categoryId: id('sveriges-modernaste-myndighet') }, partial)).reason).toBe(
      'Sveriges Modernaste Myndighet 2017 cannot be revealed: its verdict is not sealed yet (the jury chair seals it)',
    );
    expect(refused(applyCue(atLastEnvelope, next, partial)).status).toBe(409);
    expect(accepted(applyCue(atLastEnvelope, { action: 'goto', scene: 'closing' }, partial)).scene).toEqual({ kind: 'closing' });
  });

  it('keeps every result hidden while the show is walked back and forth', () => {
    // Jump to the closing, then walk back to the welcome: no result scene of an unrevealed category.
    let state = play(ctx, [{ action: 'goto', scene: 'closing' }]);
    const kinds: string[] = [];
    for (;;) {
      const outcome = applyCue(state, prev, ctx);
      if (!outcome.ok) break;
      state = outcome.state;
      kinds.push(outcome.scene.kind);
    }
    expect(kinds).not.toContain('winner');
    expect(kinds).not.toContain('motivation');
    expect(kinds.at(-1)).toBe('welcome');
    expect(kinds.filter((k) => k === 'envelope')).toHaveLength(5);
  });
});
