/**
 * Stage screen: a fixed 1920×1080 broadcast canvas scaled to fit any 16:9 output (letterboxed).
 * One layout per scene kind; the winner flips at the gateway's `showAt`, on every screen together.
 * `?overlay=1` renders on a transparent background for OBS / CasparCG and exposes the CasparCG
 * template API (play, stop, next, update) on window.
 */
import '../styles/base.css';
import '../styles/stage.css';
import type { SceneData, SceneEvent, SceneKind, NomineeView } from '@laurel/contracts';
import { h, svg, replace } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { installScreenCardReveal } from '../lib/card-reveal.js';
import { EnvelopeStore } from '../lib/envelope-store.js';
import { LiveClient, TimelineDriver, type ConnectionState } from '../lib/live.js';
import { ShowTimeline, type Result } from '../lib/show-timeline.js';
import { param, rehearsalParam, takeToken } from '../lib/session.js';
import { formatDate, formatPrize, nomineeName, nomineeSub, shortText } from '../lib/format.js';
import { envelopeSvg, laurelWreathSvg } from '../lib/art.js';
import { Api } from '../lib/api.js';
import { voteOverlay } from '../lib/vote-overlay.js';
import type { CeremonyView, VoteWindowEvent } from '@laurel/contracts';

interface Rendered {
  el: HTMLElement;
  /** Called once the element is in the DOM (measuring, timers). */
  start?(): void;
  stop?(): void;
  next?(): boolean;
}

const W = 1920;
const H = 1080;

export function mount(root: HTMLElement, ceremony: string): void {
  const overlay = param('overlay') === '1';
  const token = takeToken('stage');
  document.body.className = `stage-body${overlay ? ' overlay' : ''}`;
  if (overlay) {
    // A dark color-scheme makes Chromium paint an opaque canvas; OBS / CasparCG need it transparent.
    document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', 'normal');
    document.documentElement.style.background = 'transparent';
    document.documentElement.style.colorScheme = 'normal';
  }
  document.title = `Laurel – ${ceremony}`;

  const sceneLayer = h('div', { class: 'scene-layer' });
  const watermark = h('div', { class: 'watermark', 'aria-hidden': 'true' }, h('span', null, t('rehearsal')));
  const badge = h('div', { class: 'rehearsal-badge' }, t('rehearsal'));
  const dot = h('div', { class: 'net-dot', role: 'status', 'aria-label': t('reconnecting') });
  const alertBox = h('div', { class: 'stage-alert', role: 'alert' });
  const bug = h('div', { class: 'bug' });
  const stage = h(
    'div',
    { class: 'stage', 'data-kind': 'none' },
    overlay ? null : h('div', { class: 'stage-bg' }, h('div', { class: 'bg-glow' }), h('div', { class: 'bg-sweep' }), svg(laurelWreathSvg(), 'bg-laurel')),
    sceneLayer,
    bug,
    watermark,
    badge,
    dot,
    alertBox,
  );
  const viewport = h('div', { class: 'stage-viewport' }, stage);
  replace(root, viewport);

  const scaleToViewport = (): void => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const s = Math.min(vw / W, vh / H);
    const x = (vw - W * s) / 2;
    const y = (vh - H * s) / 2;
    stage.style.transform = `translate(${x}px, ${y}px) scale(${s})`;
  };
  scaleToViewport();
  window.addEventListener('resize', scaleToViewport);

  // ---- state ----
  let displayed: SceneEvent | null = null;
  let rendered: Rendered | null = null;
  let results = new Map<string, Result>();
  let visible = true;
  // Presence report after each new scene (a preview monitor has no socket: nothing to report).
  let presence = (): void => {};

  if (param('preview') === '1') {
    // Preview monitor (the control room's program and preview): the real renderer, no socket, no token, no
    // presence, no key cards; the parent page (same origin) hands in each scene. It never fetches anything, so
    // it can only show what the control room already holds (and the control room never holds a winner early).
    document.body.classList.add('stage-preview');
    const hook = (s: SceneEvent | null, res: Result[] = []): void => {
      results = new Map(res.map((r) => [r.categoryId, r]));
      if (!s) return;
      show(s, { fromSnapshot: true });
    };
    Object.assign(window, { laurelPreview: hook });
    document.body.dataset.previewReady = '1';
    if (window.parent !== window) window.parent.postMessage({ type: 'laurel-preview-ready' }, location.origin);
    return;
  }

  const label = param('label') ?? stableLabel();
  const timeline = new ShowTimeline();

  // Protocol v2 (sealed envelopes on the page, key-only reveals) unless `?v=1`.
  // A rehearsal page keeps its own (empty: rehearsals stage no envelopes) store, so a live key card typed there
  // can never open, nor report, a live envelope.
  const envelopes = param('v') === '1' ? undefined : new EnvelopeStore(rehearsalParam() ? `${ceremony}#rehearsal` : ceremony, 'screen');
  const live = new LiveClient({
    ceremony,
    token,
    envelopes,
    presenceLabel: label,
    rehearsal: rehearsalParam(),
    handlers: {
      connection: (state, message) => {
        setConnection(state, message);
        if (state === 'connected') card?.report();
      },
      snapshot: (snap) => {
        timeline.snapshot(snap, drive.now());
        if (!snap.scene && !displayed) show(idleScene(snap.ceremonyId), { fromSnapshot: true });
        drive.update();
        setStale(!!snap.stale);
      },
      scene: (s) => {
        drive.scene(s);
      },
      reveal: (r) => {
        drive.reveal(r);
      },
      gatewayStatus: (g) => setStale(g.stale),
      vote: (w) => void showVote(w),
    },
  });
  presence = () => live.sendPresence();

  // The audience vote's band (countdown and turnout); its windows are read once more at each (re)connect.
  const votes = voteOverlay(live.clock);
  stage.appendChild(votes.el);
  const rest = new Api(token);
  let ceremonyView: CeremonyView | null = null;
  const showVote = async (w: VoteWindowEvent): Promise<void> => {
    ceremonyView ??= await rest.request<CeremonyView>('GET', `/ceremonies/${encodeURIComponent(ceremony)}`).catch(() => null);
    votes.update(w, ceremonyView?.categories.find((c) => c.id === w.categoryId)?.name ?? '');
  };
  const loadVotes = async (): Promise<void> => {
    const rows = await rest.request<VoteWindowEvent[]>('GET', `/ceremonies/${encodeURIComponent(ceremony)}/votes`).catch(() => []);
    for (const w of rows.filter((r) => r.state !== 'pending')) await showVote(w);
  };
  void loadVotes();
  const drive = new TimelineDriver(timeline, live.clock, (view) => {
    results = new Map(view.results.map((r) => [r.result.categoryId, r.result]));
    if (view.scene && view.scene !== displayed) show(view.scene, { fromSnapshot: view.instant });
  });

  function setConnection(state: ConnectionState, message?: string): void {
    dot.dataset.state = state;
    if (state === 'auth-error') {
      replace(alertBox, h('strong', null, t('authError')), h('span', null, message ?? ''), h('small', null, t('authErrorHelp')));
      alertBox.classList.add('show');
    } else if (state === 'connected') {
      alertBox.classList.remove('show');
    }
  }
  function setStale(stale: boolean): void {
    dot.classList.toggle('stale', stale);
  }

  function show(s: SceneEvent, opts: { fromSnapshot?: boolean } = {}): void {
    const prev = rendered;
    displayed = s;
    stage.dataset.kind = s.kind;
    stage.classList.toggle('rehearsal', !!s.rehearsal);
    renderBug(s);
    rendered = renderScene(s, results);
    const el = rendered.el;
    el.classList.add('scene', `scene-${s.kind}`);
    if (opts.fromSnapshot) el.classList.add('instant');
    sceneLayer.appendChild(el);
    rendered.start?.();
    requestAnimationFrame(() => requestAnimationFrame(() => el.classList.add('in')));
    if (prev) {
      prev.stop?.();
      prev.el.classList.remove('in');
      prev.el.classList.add('out');
      setTimeout(() => prev.el.remove(), 1200);
    }
    presence();
  }

  function renderBug(s: SceneEvent): void {
    const showBug = ['category', 'nominees', 'envelope', 'motivation'].includes(s.kind);
    bug.classList.toggle('show', showBug);
    if (showBug) replace(bug, svg(laurelWreathSvg(), 'bug-laurel'), h('span', null, s.data?.ceremony?.name ?? ''));
  }

  // ---- CasparCG template API / OBS ----
  const api = {
    play: (): void => {
      visible = true;
      stage.classList.remove('hidden');
    },
    stop: (): void => {
      visible = false;
      stage.classList.add('hidden');
    },
    next: (): void => {
      rendered?.next?.();
    },
    update: (data: unknown): void => {
      let value = data;
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value);
        } catch {
          return;
        }
      }
      const scene = value as Partial<SceneEvent> | null;
      if (scene && typeof scene === 'object' && typeof scene.kind === 'string' && scene.data) {
        show({ ceremonyId: '', seq: (displayed?.seq ?? 0) + 1, at: new Date().toISOString(), rehearsal: false, ...scene } as SceneEvent);
      }
    },
  };
  Object.assign(window, api);
  void visible;

  // Operator hotkey K: reveal from the key card, with or without the network.
  const card = installScreenCardReveal({ ceremony, envelopes, token, live, drive, allowKit: true });
}

function stableLabel(): string {
  const key = 'laurel.stage.label';
  try {
    let v = localStorage.getItem(key);
    if (!v) {
      v = `stage-${Math.random().toString(36).slice(2, 6)}`;
      localStorage.setItem(key, v);
    }
    return v;
  } catch {
    return `stage-${Math.random().toString(36).slice(2, 6)}`;
  }
}

function idleScene(ceremonyId: string): SceneEvent {
  return { ceremonyId, seq: 0, kind: 'blackout', data: { ceremony: { id: ceremonyId, slug: '', name: '', venue: null, date: null, locale: 'sv-SE', host: null } }, at: new Date().toISOString(), rehearsal: false };
}

// ---------------------------------------------------------------- scenes

function renderScene(s: SceneEvent, results: Map<string, Result>): Rendered {
  const kind: SceneKind = s.kind;
  switch (kind) {
    case 'blackout':
      return { el: h('section', { 'aria-hidden': 'true' }) };
    case 'welcome':
      return welcome(s.data);
    case 'category':
      return category(s.data);
    case 'nominees':
      return nominees(s.data);
    case 'envelope':
      return envelope(s.data);
    case 'winner':
      // Never a winner without its revealed result.
      return s.data.result ? winner(s.data, s.data.result) : envelope(s.data);
    case 'motivation':
      return s.data.result ? motivation(s.data, s.data.result) : envelope(s.data);
    case 'interlude':
      return interlude(s.data);
    case 'closing':
      return closing(s.data, [...results.values()].filter((r) => r.rehearsal === s.rehearsal));
    default:
      return { el: h('section') };
  }
}

function splitTitle(name: string): [string, string | null] {
  const m = /^(.*?)\s+[–—-]\s+(.+)$/.exec(name);
  return m ? [m[1], m[2]] : [name, null];
}

function ornament(): HTMLElement {
  return h('div', { class: 'ornament', 'aria-hidden': 'true' }, h('span', { class: 'rule' }), h('span', { class: 'diamond' }), h('span', { class: 'rule' }));
}

function welcome(d: SceneData): Rendered {
  const c = d.ceremony;
  const [main, sub] = splitTitle(c.name ?? '');
  const meta = [c.venue, formatDate(c.date)].filter(Boolean).join('  ·  ');
  const el = h(
    'section',
    null,
    h(
      'div',
      { class: 'center-stack' },
      svg(laurelWreathSvg({ animated: true }), 'welcome-laurel'),
      h('div', { class: 'eyebrow' }, t('welcome')),
      h('h1', { class: 'display welcome-title' }, main),
      sub ? h('div', { class: 'welcome-sub' }, sub) : null,
      ornament(),
      meta ? h('div', { class: 'welcome-meta' }, meta) : null,
      c.host ? h('div', { class: 'welcome-host' }, `${t('host')}: ${c.host}`) : null,
    ),
  );
  return { el, start: () => fitAll(el) };
}

function category(d: SceneData): Rendered {
  const cat = d.category;
  const prize = formatPrize(cat?.prize);
  const items = cat?.prize?.items ?? [];
  const el = h(
    'section',
    null,
    h(
      'div',
      { class: 'center-stack category-stack' },
      cat ? h('div', { class: 'eyebrow' }, t('awardOf', { n: cat.number, of: cat.of })) : null,
      h('h1', { class: 'display category-title fit', 'data-max': 140, 'data-min': 80 }, cat?.name ?? ''),
      cat?.theme ? h('div', { class: 'category-theme' }, `${t('theme')}: ”${cat.theme}”`) : null,
      ornament(),
      cat?.description ? h('p', { class: 'category-desc' }, shortText(cat.description, 230)) : null,
      prize || items.length
        ? h(
            'div',
            { class: 'prize' },
            prize ? h('div', { class: 'prize-amount' }, prize) : null,
            items.length ? h('div', { class: 'prize-items' }, items.join(' · ')) : null,
          )
        : null,
      cat?.presenter ? h('div', { class: 'presenter' }, h('span', { class: 'presenter-label' }, t('presenter')), h('span', { class: 'presenter-name' }, cat.presenter)) : null,
    ),
  );
  return { el, start: () => fitAll(el) };
}

function nomineeCard(n: NomineeView, i: number): HTMLElement {
  const name = nomineeName(n);
  const sub = nomineeSub(n);
  return h(
    'article',
    { class: `nominee-card${name.length > 34 ? ' long' : ''}`, style: `--i:${i}` },
    h('div', { class: 'nominee-num' }, String(i + 1).padStart(2, '0')),
    h('h2', { class: 'nominee-name fit', 'data-max': name.length > 34 ? 44 : 54, 'data-min': 28 }, name),
    sub ? h('div', { class: 'nominee-title' }, sub) : null,
  );
}

function nominees(d: SceneData): Rendered {
  const list = d.nominees ?? [];
  const el = h(
    'section',
    null,
    h(
      'div',
      { class: 'nominees-wrap' },
      h('div', { class: 'eyebrow' }, d.category?.name ?? ''),
      h('h1', { class: 'display nominees-heading' }, t('nominees')),
      h('div', { class: `nominee-grid n${list.length}` }, list.map((n, i) => nomineeCard(n, i))),
    ),
  );
  return { el, start: () => fitAll(el) };
}

function envelope(d: SceneData): Rendered {
  const words = t('andTheWinnerIs').split(' ');
  const el = h(
    'section',
    null,
    h(
      'div',
      { class: 'center-stack envelope-stack' },
      h('div', { class: 'eyebrow' }, d.category?.name ?? ''),
      h('div', { class: 'envelope-wrap' }, h('div', { class: 'envelope-glow' }), svg(envelopeSvg())),
      h(
        'h1',
        { class: 'display envelope-line' },
        words.map((w, i) => h('span', { class: 'word', style: `--i:${i}` }, w + (i < words.length - 1 ? ' ' : ''))),
      ),
    ),
  );
  return { el };
}

function particles(n: number): HTMLElement {
  const wrap = h('div', { class: 'particles', 'aria-hidden': 'true' });
  for (let i = 0; i < n; i++) {
    const x = Math.random() * 100;
    const size = 2 + Math.random() * 4;
    const dur = 7 + Math.random() * 8;
    const delay = -Math.random() * dur;
    const drift = (Math.random() - 0.5) * 120;
    wrap.appendChild(h('i', { style: `left:${x.toFixed(2)}%;width:${size.toFixed(1)}px;height:${size.toFixed(1)}px;animation-duration:${dur.toFixed(1)}s;animation-delay:${delay.toFixed(1)}s;--drift:${drift.toFixed(0)}px` }));
  }
  return wrap;
}

function winner(d: SceneData, r: Result): Rendered {
  const w = r.winner;
  const name = w.organisation ?? w.name ?? w.title ?? '';
  const sub = w.organisation && w.title ? w.title : null;
  const el = h(
    'section',
    null,
    h('div', { class: 'flash', 'aria-hidden': 'true' }),
    particles(46),
    h(
      'div',
      { class: 'center-stack winner-stack' },
      h('div', { class: 'eyebrow winner-category' }, r.category?.name ?? d.category?.name ?? ''),
      h(
        'div',
        { class: 'winner-crest' },
        svg(laurelWreathSvg({ animated: true }), 'winner-laurel'),
        h('div', { class: 'winner-label' }, t('winner')),
      ),
      h('h1', { class: 'display winner-name fit', 'data-max': 150, 'data-min': 72 }, h('span', { class: 'gold-text' }, name)),
      sub ? h('div', { class: 'winner-sub' }, `”${sub}”`) : null,
    ),
  );
  return { el, start: () => fitAll(el) };
}

/** Reading pace for the back of an opera house: a few seconds plus ~2.2 words per second. */
function pageDuration(text: string): number {
  const words = text.trim().split(/\s+/).length;
  return Math.max(7000, 3000 + (words / 2.2) * 1000);
}

function motivation(d: SceneData, r: Result): Rendered {
  const w = r.winner;
  const name = w.organisation ?? w.name ?? w.title ?? '';
  const box = h('div', { class: 'motivation-box' });
  const dots = h('div', { class: 'page-dots', 'aria-hidden': 'true' });
  const el = h(
    'section',
    null,
    h(
      'div',
      { class: 'motivation-wrap' },
      h(
        'header',
        { class: 'motivation-head' },
        h('div', { class: 'eyebrow' }, `${t('motivation')} · ${r.category?.name ?? d.category?.name ?? ''}`),
        h('div', { class: 'motivation-winner' }, name),
      ),
      h('div', { class: 'quote-mark', 'aria-hidden': 'true' }, '”'),
      box,
      dots,
    ),
  );
  let pages: string[] = [];
  let index = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const showPage = (i: number): void => {
    index = i;
    const p = h('p', { class: 'motivation-text' }, pages[i] ?? '');
    const old = box.querySelector('.motivation-text.current');
    if (old) {
      old.classList.remove('current');
      old.classList.add('leaving');
      setTimeout(() => old.remove(), 900);
    }
    box.appendChild(p);
    requestAnimationFrame(() => requestAnimationFrame(() => p.classList.add('current')));
    replace(dots, pages.length > 1 ? pages.map((_, k) => h('i', { class: k === i ? 'on' : '' })) : []);
    if (timer) clearTimeout(timer);
    if (i < pages.length - 1) timer = setTimeout(() => showPage(i + 1), pageDuration(pages[i] ?? ''));
  };
  return {
    el,
    start: () => {
      pages = paginate(r.motivation ?? '', box);
      showPage(0);
    },
    stop: () => {
      if (timer) clearTimeout(timer);
    },
    next: () => {
      if (index < pages.length - 1) {
        showPage(index + 1);
        return true;
      }
      return false;
    },
  };
}

/** Split text into pages that fit the box: whole sentences where possible, words otherwise. */
function paginate(text: string, box: HTMLElement): string[] {
  const probe = h('p', { class: 'motivation-text probe' });
  box.appendChild(probe);
  const maxH = box.clientHeight || 560;
  const fits = (s: string): boolean => {
    probe.textContent = s;
    return probe.scrollHeight <= maxH;
  };
  const sentences = text.match(/[^.!?…]+(?:[.!?…]+["”»’)]*|$)\s*/g)?.map((s) => s.trim()).filter(Boolean) ?? [text];
  const pages: string[] = [];
  let cur = '';
  const pushWords = (sentence: string): void => {
    for (const word of sentence.split(/\s+/)) {
      const next = cur ? `${cur} ${word}` : word;
      if (cur && !fits(next)) {
        pages.push(cur);
        cur = word;
      } else cur = next;
    }
  };
  for (const s of sentences) {
    const next = cur ? `${cur} ${s}` : s;
    if (fits(next)) cur = next;
    else if (!cur) pushWords(s);
    else {
      pages.push(cur);
      cur = '';
      if (fits(s)) cur = s;
      else pushWords(s);
    }
  }
  if (cur) pages.push(cur);
  probe.remove();
  return pages.length ? pages : [''];
}

function interlude(d: SceneData): Rendered {
  const el = h(
    'section',
    null,
    h(
      'div',
      { class: 'center-stack' },
      svg(laurelWreathSvg({ animated: true }), 'interlude-laurel'),
      h('h1', { class: 'display interlude-title' }, d.message ?? t('interlude')),
      ornament(),
      h('div', { class: 'welcome-meta' }, d.ceremony?.name ?? ''),
    ),
  );
  return { el };
}

function closing(d: SceneData, results: Result[]): Rendered {
  const c = d.ceremony;
  const el = h(
    'section',
    null,
    h(
      'div',
      { class: 'center-stack closing-stack' },
      svg(laurelWreathSvg({ animated: true }), 'closing-laurel'),
      h('h1', { class: 'display closing-title' }, t('closingTitle')),
      h('div', { class: 'welcome-sub' }, c.name ?? ''),
      ornament(),
      results.length
        ? h(
            'div',
            { class: 'closing-winners' },
            h('div', { class: 'eyebrow' }, t('closingWinners')),
            h(
              'ul',
              { class: `closing-list${results.length > 4 ? ' two' : ''}` },
              results.map((r) => h('li', null, h('span', { class: 'cw-cat' }, r.category?.name ?? ''), h('span', { class: 'cw-name' }, r.winner.organisation ?? r.winner.name))),
            ),
          )
        : h('div', { class: 'welcome-meta' }, [c.venue, formatDate(c.date)].filter(Boolean).join('  ·  ')),
    ),
  );
  return { el };
}

/** Shrink `.fit` elements (data-max/data-min px) until they fit their box without overflow. */
function fitAll(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('.fit')) {
    const max = Number(el.dataset.max ?? 120);
    const min = Number(el.dataset.min ?? 40);
    let lo = min;
    let hi = max;
    el.style.fontSize = `${max}px`;
    if (!overflows(el)) continue;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      el.style.fontSize = `${mid}px`;
      if (overflows(el)) hi = mid;
      else lo = mid;
    }
    el.style.fontSize = `${lo}px`;
  }
}

function overflows(el: HTMLElement): boolean {
  return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
}
