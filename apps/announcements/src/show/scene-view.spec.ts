import type { SceneEvent } from '#contracts';
import { buildRunOfShow } from './run-of-show.js';
import { renderScene, type RevealedResultView } from './scene-view.js';
import { applyCue, initialShowState, type Cue, type CueContext, type Scene } from './show-machine.js';
import { ceremony2017, outcome2017, revealedResult2017, smallCeremony } from '../testing/kvalitetsmassan-2017.js';

const at = '2017-11-14T18:42:00.000Z';
const ceremony = ceremony2017();
const outcomes = outcome2017();
const bySlug = (slug: string) => ceremony.categories.find((c) => c.slug === slug)!;
const sveapriset = bySlug('sveapriset');
const kvalitetskommun = bySlug('sveriges-kvalitetskommun');
const result = (slug: string, seq = 10): RevealedResultView => revealedResult2017(ceremony, outcomes.find((o) => o.category === slug)!, seq, at);

describe('renderScene', () => {
  it('sends the ceremony header on every scene, and nothing more on the welcome', () => {
    const event = renderScene(ceremony, { kind: 'welcome' }, {}, 1, new Date(at), false);
    expect(event).toEqual({
      ceremonyId: ceremony.ceremony.id,
      seq: 1,
      kind: 'welcome',
      data: {
        ceremony: {
          id: ceremony.ceremony.id,
          slug: 'kvalitetsmassan-2017',
          name: 'Kvalitetsmässan 2017 – invigningsgala',
          venue: 'GöteborgsOperan, Göteborg',
          date: '2017-11-14',
          locale: 'sv-SE',
          host: 'Henrik Edman, vd Kvalitetsmässan',
        },
      },
      at,
      rehearsal: false,
    });
    expect(event).not.toHaveProperty('categoryId');
  });

  it('introduces a category with its card: number of, prize, presenter, criteria', () => {
    const event = renderScene(ceremony, { kind: 'category', categoryId: kvalitetskommun.id }, {}, 7, at, false);
    expect(event.categoryId).toBe(kvalitetskommun.id);
    expect(event.data.category).toEqual({
      id: kvalitetskommun.id,
      slug: 'sveriges-kvalitetskommun',
      name: 'Sveriges KvalitetsKommun 2017',
      description: kvalitetskommun.description,
      theme: null,
      prize: null,
      presenter: 'Vesna Jovic, vd Sveriges Kommuner och Landsting (SKL)',
      criteria: [
        { key: 'demokrati', label: 'Demokrati', weight: 1 },
        { key: 'verksamheter', label: 'Verksamheter', weight: 1 },
        { key: 'arbetsmiljo', label: 'Arbetsmiljö', weight: 1 },
        { key: 'samhallsbyggande', label: 'Samhällsbyggande', weight: 1 },
      ],
      number: 4,
      of: 5,
    });
    expect(event.data.nominees).toBeUndefined();
    const gota = renderScene(ceremony, { kind: 'category', categoryId: bySlug('gotapriset').id }, {}, 2, at, false).data.category;
    expect(gota).toMatchObject({ number: 1, of: 5, theme: 'Det nya Sverige', prize: { amount: 150000, currency: 'SEK', items: ['Glasskulptur av glaskonstnären Kjell Engman'] } });
  });

  it('lists the nominees on the nominees and envelope scenes only', () => {
    const nominees = renderScene(ceremony, { kind: 'nominees', categoryId: sveapriset.id }, {}, 8, at, false);
    expect(nominees.data.nominees?.map((n) => n.slug)).toEqual(['hjartstartare-dronare', 'bup-appen', 'trelleborg-robotar', 'mednotes', 'pathfx']);
    const envelope = renderScene(ceremony, { kind: 'envelope', categoryId: sveapriset.id }, {}, 9, at, false);
    expect(envelope.data.nominees).toEqual(sveapriset.nominees);
    expect(envelope.data.message).toBe('Och priset går till…');
    expect(envelope.data.result).toBeUndefined();
    expect(renderScene(ceremony, { kind: 'category', categoryId: sveapriset.id }, {}, 7, at, false).data.nominees).toBeUndefined();
  });

  it('shows the result on the winner and motivation scenes of a revealed category', () => {
    const revealed = result('sveapriset');
    for (const kind of ['winner', 'motivation'] as const) {
      const event = renderScene(ceremony, { kind, categoryId: sveapriset.id }, { [sveapriset.id]: revealed }, 11, at, false);
      expect(event.data.result).toEqual(revealed);
      expect(event.data.result?.winner.organisation).toBe('Socialförvaltningen i Trelleborgs kommun');
      expect(event.data.nominees).toBeUndefined();
    }
    // a snapshot's list works the same
    expect(renderScene(ceremony, { kind: 'winner', categoryId: sveapriset.id }, [result('gotapriset'), revealed], 11, at, false).data.result).toEqual(revealed);
  });

  it('leaves the press release out of the scene (it goes to the press with their revealed frame)', () => {
    const revealed = { ...result('sveapriset'), pressRelease: 'PRESSMEDDELANDE …' };
    const event = renderScene(ceremony, { kind: 'winner', categoryId: sveapriset.id }, { [sveapriset.id]: revealed }, 11, at, false);
    expect(event.data.result).not.toHaveProperty('pressRelease');
    const { pressRelease: _omitted, ...rest } = revealed;
    expect(event.data.result).toEqual(rest);
  });

  it('covers a scene with a blackout and says what is underneath, nothing else', () => {
    const event = renderScene(ceremony, { kind: 'blackout', covered: 'winner' }, { [sveapriset.id]: result('sveapriset') }, 12, at, false);
    expect(event.data).toEqual({ ceremony: event.data.ceremony, covered: 'winner' });
    expect(event.data.ceremony.slug).toBe('kvalitetsmassan-2017');
    expect(renderScene(ceremony, { kind: 'blackout' }, {}, 0, at, false).data).not.toHaveProperty('covered');
  });

  it('marks a rehearsal', () => {
    expect(renderScene(ceremony, { kind: 'closing' }, {}, 3, at, true).rehearsal).toBe(true);
  });

  it('speaks English for an English ceremony', () => {
    const small = smallCeremony();
    const english = { ...small, ceremony: { ...small.ceremony, locale: 'en-GB' } };
    expect(renderScene(english, { kind: 'envelope', categoryId: small.categories[0].id }, {}, 4, at, false).data.message).toBe('And the award goes to…');
  });

  it('refuses a scene for a category the ceremony does not have', () => {
    expect(() => renderScene(ceremony, { kind: 'nominees', categoryId: 'nope' }, {}, 1, at, false)).toThrow(/not in ceremony kvalitetsmassan-2017/);
  });

  it('ignores a result filed under another category', () => {
    const misfiled = { [sveapriset.id]: result('gotapriset') };
    expect(renderScene(ceremony, { kind: 'winner', categoryId: sveapriset.id }, misfiled, 11, at, false).data.result).toBeUndefined();
  });
});

describe('no spoilers on any scene', () => {
  const secrets = (r: RevealedResultView) => [r.motivation, r.salt, r.commitment];

  it('carries no result on any scene of any category while nothing is revealed', () => {
    const scenes: Scene[] = buildRunOfShow(ceremony).map((s) => (s.categoryId ? { kind: s.kind, categoryId: s.categoryId } : { kind: s.kind }));
    for (const scene of [...scenes, { kind: 'interlude' } as Scene, { kind: 'blackout', covered: 'envelope' } as Scene]) {
      const event = renderScene(ceremony, scene, {}, 1, at, false);
      expect(event.data.result).toBeUndefined();
      expect(JSON.stringify(event)).not.toMatch(/"(result|winner|winnerId|motivation|salt|commitment)":/);
    }
  });

  it('walks the 2017 show: a category’s result appears only from its reveal, on its winner and motivation scenes', () => {
    const ctx: CueContext = { ceremony, runOfShow: buildRunOfShow(ceremony), sealed: new Set(ceremony.categories.map((c) => c.id)), now: new Date(at) };
    const stored: Record<string, RevealedResultView> = {};
    const events: SceneEvent[] = [];
    let state = initialShowState();
    const cue = (c: Cue) => {
      const outcome = applyCue(state, c, ctx);
      if (!outcome.ok) throw new Error(outcome.reason);
      state = outcome.state;
      if (outcome.reveal) {
        const category = ceremony.categories.find((k) => k.id === outcome.reveal!.categoryId)!;
        stored[category.id] = result(category.slug, state.seq);
      }
      events.push(renderScene(ceremony, outcome.scene, stored, state.seq, at, false));
    };
    cue({ action: 'next' });
    for (const category of ceremony.categories) {
      cue({ action: 'next' });
      cue({ action: 'next' });
      cue({ action: 'next' });
      cue({ action: 'blackout' });
      cue({ action: 'resume' });
      cue({ action: 'reveal', categoryId: category.id });
      cue({ action: 'blackout' });
      cue({ action: 'resume' });
      cue({ action: 'next' });
    }
    cue({ action: 'next' });

    for (const outcome of outcomes) {
      const category = bySlug(outcome.category);
      const revealedSeq = stored[category.id].seq;
      for (const event of events) {
        const text = JSON.stringify(event);
        const leaks = secrets(stored[category.id]).some((secret) => text.includes(secret));
        const shouldShow = event.categoryId === category.id && (event.kind === 'winner' || event.kind === 'motivation');
        if (event.seq < revealedSeq) expect(leaks).toBe(false);
        expect(leaks).toBe(shouldShow);
        if (event.categoryId === category.id && event.data.result) expect(event.seq).toBeGreaterThanOrEqual(revealedSeq);
      }
    }
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.data.result).map((e) => `${e.kind}:${e.data.result!.category.slug}`)).toEqual(
      // winner at the reveal, again after the blackout is resumed, then the motivation
      ceremony.categories.flatMap((c) => [`winner:${c.slug}`, `winner:${c.slug}`, `motivation:${c.slug}`]),
    );
  });
});
