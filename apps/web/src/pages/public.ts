/**
 * Public page (phone and desktop): follows the reveals live, then stays as the results archive.
 * Shareable: title and Open Graph tags follow the latest result.
 */
import '../styles/app.css';
import '../styles/public.css';
import type { CategoryView, CeremonyView, SceneEvent } from '@laurel/contracts';
import { Api } from '../lib/api.js';
import { copyText, h, replace, svg } from '../lib/dom.js';
import { formatDate, formatPrize, nomineeName, nomineeSub } from '../lib/format.js';
import { t, type MsgKey } from '../lib/i18n.js';
import { EnvelopeStore } from '../lib/envelope-store.js';
import { LiveClient, TimelineDriver } from '../lib/live.js';
import { ShowTimeline, type Result } from '../lib/show-timeline.js';
import { laurelWreathSvg } from '../lib/art.js';
import { param } from '../lib/session.js';

export function mount(root: HTMLElement, ceremony: string): void {
  document.body.className = 'app public-body';
  const api = new Api(null);
  let view: CeremonyView | null = null;
  let scene: SceneEvent | null = null;
  let results = new Map<string, Result>();
  let latest: Result | null = null;
  /** Results on screen already: one that appears later flipped live (flash). */
  let seen: Set<string> | null = null;

  const heroTitle = h('h1', { class: 'display pub-title' });
  const heroMeta = h('p', { class: 'pub-meta' });
  const liveBox = h('section', { class: 'pub-live', 'aria-live': 'polite', 'aria-labelledby': 'live-h' });
  const list = h('div', { class: 'pub-list' });
  const conn = h('span', { class: 'conn', 'data-state': 'connecting' }, t('connecting'));
  const shareBtn = h('button', { class: 'btn btn-ghost btn-sm', type: 'button' }, t('share'));
  shareBtn.addEventListener('click', () => {
    void (async () => {
      const data = { title: document.title, url: location.href };
      if (navigator.share) {
        try {
          await navigator.share(data);
        } catch {
          /* dismissed */
        }
      } else if (await copyText(location.href)) {
        shareBtn.textContent = t('copied');
        setTimeout(() => (shareBtn.textContent = t('share')), 2000);
      }
    })();
  });

  replace(
    root,
    h(
      'main',
      { class: 'pub' },
      h(
        'header',
        { class: 'pub-hero' },
        svg(laurelWreathSvg(), 'pub-laurel'),
        heroTitle,
        heroMeta,
        h('div', { class: 'row pub-actions' }, conn, shareBtn),
      ),
      liveBox,
      h('h2', { class: 'pub-h2 display', id: 'res-h' }, t('publicResults')),
      list,
    ),
  );

  function setMeta(name: string, content: string, attr: 'name' | 'property' = 'property'): void {
    let el = document.head.querySelector<HTMLMetaElement>(`meta[${attr}="${name}"]`);
    if (!el) {
      el = document.createElement('meta');
      el.setAttribute(attr, name);
      document.head.appendChild(el);
    }
    el.content = content;
  }

  function updateTitle(): void {
    const c = view?.ceremony;
    const base = c ? `${c.name} · ${t('publicResults')}` : 'Laurel';
    const title = latest ? `${latest.winner.organisation ?? latest.winner.name} – ${latest.category?.name ?? ''} · ${c?.name ?? ''}` : base;
    document.title = title;
    setMeta('og:title', title);
    const desc = latest ? latest.motivation.slice(0, 200) : [c?.venue, formatDate(c?.date)].filter(Boolean).join(' · ');
    setMeta('og:description', desc);
    setMeta('description', desc, 'name');
    setMeta('og:url', location.origin + location.pathname);
  }

  function renderHero(): void {
    const c = view?.ceremony;
    heroTitle.textContent = c?.name ?? '';
    heroMeta.textContent = [c?.venue, formatDate(c?.date)].filter(Boolean).join(' · ');
  }

  function resultCard(r: Result, big = false): HTMLElement {
    const w = r.winner;
    return h(
      'div',
      { class: `pub-result${big ? ' big' : ''}` },
      h('div', { class: 'eyebrow-s' }, t('winner')),
      h('div', { class: 'display pub-winner' }, w.organisation ?? w.name),
      w.organisation && w.title ? h('div', { class: 'pub-entry' }, `”${w.title}”`) : null,
      h('details', { open: big || undefined }, h('summary', null, t('motivation')), h('p', { class: 'pub-motivation' }, r.motivation)),
    );
  }

  function renderLive(): void {
    const parts: (Node | null)[] = [h('h2', { id: 'live-h', class: 'eyebrow-s live-h' }, h('span', { class: 'live-dot' }), t('publicLive'))];
    if (scene && scene.kind !== 'blackout' && scene.data?.category) {
      parts.push(h('p', { class: 'pub-now' }, `${t('nowOnStage')}: `, h('strong', null, scene.data.category.name), ` – ${t(`scene_${scene.kind}` as MsgKey)}`));
    }
    if (latest) {
      parts.push(h('div', { class: 'eyebrow-s' }, `${t('publicLatest')} · ${latest.category?.name ?? ''}`), resultCard(latest, true));
    }
    liveBox.classList.toggle('hidden', parts.length === 1);
    replace(liveBox, parts);
  }

  function renderList(): void {
    const cats: CategoryView[] = [...(view?.categories ?? [])].sort((a, b) => a.order - b.order);
    replace(
      list,
      cats.map((c) => {
        const r = results.get(c.id);
        const prize = formatPrize(c.prize);
        return h(
          'article',
          { class: `pub-card${r ? ' revealed' : ''}`, id: c.slug },
          h('h3', { class: 'display pub-cat' }, c.name),
          prize ? h('div', { class: 'pub-prize' }, [prize, ...(c.prize?.items ?? [])].join(' · ')) : null,
          r
            ? resultCard(r)
            : h(
                'div',
                null,
                h('div', { class: 'eyebrow-s' }, t('publicUpcoming')),
                h(
                  'ul',
                  { class: 'pub-nominees' },
                  c.nominees.map((n) => h('li', null, h('span', { class: 'serif' }, nomineeName(n)), nomineeSub(n) ? h('span', { class: 'muted' }, ` – ${nomineeSub(n)}`) : null)),
                ),
                h('p', { class: 'muted small' }, t('publicNotYet')),
              ),
        );
      }),
    );
  }

  function renderAll(): void {
    renderHero();
    renderLive();
    renderList();
    updateTitle();
  }

  // Rehearsal never reaches the public: the timeline drops it too.
  const timeline = new ShowTimeline({ liveOnly: true });
  // Protocol v2 (sealed envelopes on the page, key-only reveals) unless `?v=1`.
  const envelopes = param('v') === '1' ? undefined : new EnvelopeStore(ceremony, 'public');
  const live = new LiveClient({
    ceremony,
    token: null,
    envelopes,
    handlers: {
      connection: (s) => {
        conn.dataset.state = s;
        conn.textContent = s === 'connected' ? t('publicLive') : s === 'reconnecting' ? t('reconnecting') : s === 'auth-error' ? t('authError') : t('connecting');
      },
      snapshot: (snap) => {
        drive.snapshot(snap);
      },
      scene: (s) => {
        drive.scene(s);
      },
      reveal: (r) => {
        drive.reveal(r);
      },
    },
  });
  const drive = new TimelineDriver(timeline, live.clock, (v) => {
    const flipped = v.results.some((r) => r.at !== null && seen !== null && !seen.has(r.result.categoryId));
    scene = v.scene;
    results = new Map(v.results.map((r) => [r.result.categoryId, r.result]));
    latest = v.latest;
    seen = new Set(results.keys());
    renderAll();
    if (flipped) {
      liveBox.classList.add('flash');
      setTimeout(() => liveBox.classList.remove('flash'), 2500);
    }
  });

  api
    .ceremony(ceremony)
    .then((v) => {
      view = v;
      renderAll();
    })
    .catch((err: unknown) => replace(list, h('div', { class: 'banner banner-error' }, err instanceof Error ? err.message : String(err))));
  api
    .results(ceremony)
    .then((rs) => {
      timeline.archive(rs ?? []);
      drive.update();
    })
    .catch(() => undefined);
  renderAll();
  // How many sealed envelopes this page holds (no content): for the operator's dialog and the browser tests.
  if (envelopes) envelopes.onchange = (n) => (document.body.dataset.envelopes = String(n));
  void (envelopes?.ready ?? Promise.resolve()).then(() => live.start());
}
