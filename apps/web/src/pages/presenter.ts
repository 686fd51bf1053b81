/**
 * Presenter's confidence monitor: very large type, the category on stage and its nominees (with
 * pronunciation notes), and only after the reveal the winner and the motivation to read aloud.
 */
import '../styles/app.css';
import '../styles/presenter.css';
import { readClock, type PresenterMessageEvent, type SceneEvent, type ShowClock, type SceneData } from '@laurel/contracts';
import { chrome } from '../lib/chrome.js';
import { h, replace } from '../lib/dom.js';
import { formatPrize, formatSeconds, formatTime, nomineeName, nomineeSub } from '../lib/format.js';
import { t, type MsgKey } from '../lib/i18n.js';
import { installScreenCardReveal } from '../lib/card-reveal.js';
import { EnvelopeStore } from '../lib/envelope-store.js';
import { LiveClient, TimelineDriver } from '../lib/live.js';
import { ShowTimeline, type Result } from '../lib/show-timeline.js';
import { param, rehearsalParam, takeToken } from '../lib/session.js';

export function mount(root: HTMLElement, ceremony: string): void {
  const token = takeToken('presenter');
  const ui = chrome(t('presenterTitle'));
  document.body.classList.add('presenter-body');
  document.title = `${t('presenterTitle')} – Laurel`;

  const status = h('div', { class: 'pm-status' });
  const clock = h('div', { class: 'pm-clock mono' });
  const main = h('div', { class: 'pm-main' });
  // The segment's countdown (server time, the same on every screen) and the producer's latest message.
  const countdown = h('div', { class: 'pm-countdown mono hidden', 'aria-live': 'off' });
  const msgBox = h('div', { class: 'pm-message hidden', role: 'status', 'aria-live': 'assertive' });
  replace(root, ui.bar, h('main', { class: 'pm' }, ui.alerts, h('div', { class: 'pm-top' }, status, clock), msgBox, countdown, main));

  let scene: SceneEvent | null = null;
  let data: SceneData | null = null;
  const results = new Map<string, Result>();

  function render(): void {
    const s = scene;
    const kindLabel = s ? t(`scene_${s.kind}` as MsgKey) : '—';
    replace(status, h('span', { class: 'pm-dot' }), h('span', null, `${t('nowOnStage')}: ${kindLabel}`), s?.rehearsal ? h('span', { class: 'badge badge-danger' }, t('rehearsal')) : null);
    const cat = data?.category;
    if (!cat) {
      replace(main, h('h1', { class: 'display pm-cat' }, data?.ceremony?.name ?? ''), data?.ceremony?.host ? h('p', { class: 'pm-note' }, `${t('host')}: ${data.ceremony.host}`) : null);
      return;
    }
    const result = results.get(cat.id) ?? (data?.result?.categoryId === cat.id ? data.result : undefined);
    const prize = formatPrize(cat.prize);
    const parts: (Node | null)[] = [
      h('div', { class: 'pm-eyebrow' }, t('awardOf', { n: cat.number, of: cat.of })),
      h('h1', { class: 'display pm-cat' }, cat.name),
      prize || cat.prize?.items.length ? h('p', { class: 'pm-note' }, [prize, ...(cat.prize?.items ?? [])].filter(Boolean).join(' · ')) : null,
    ];
    if (result) {
      const w = result.winner;
      parts.push(
        h(
          'section',
          { class: 'pm-winner' },
          h('div', { class: 'pm-eyebrow' }, t('theWinner')),
          h('div', { class: 'display pm-winner-name' }, w.organisation ?? w.name),
          w.organisation && w.title ? h('div', { class: 'pm-winner-title' }, `”${w.title}”`) : null,
          h('div', { class: 'pm-eyebrow' }, `${t('readAloud')} – ${t('motivation')}`),
          h('p', { class: 'pm-motivation' }, result.motivation),
        ),
      );
    } else {
      const nominees = data?.nominees ?? [];
      parts.push(
        h('div', { class: 'pm-eyebrow' }, t('nominees')),
        h(
          'ol',
          { class: 'pm-nominees' },
          nominees.map((n) =>
            h(
              'li',
              null,
              h('span', { class: 'pm-n-name' }, nomineeName(n)),
              nomineeSub(n) ? h('span', { class: 'pm-n-sub' }, nomineeSub(n)) : null,
              n.pronunciation ? h('span', { class: 'pm-n-pron' }, `${t('pronunciation')}: ${n.pronunciation}`) : null,
            ),
          ),
        ),
        h('p', { class: 'pm-wait' }, t('waitingForReveal')),
      );
    }
    replace(main, parts);
  }

  function applyScene(s: SceneEvent | null): void {
    scene = s;
    if (!s) return;
    if (s.data?.ceremony?.name) ui.setTitle(s.data.ceremony.name);
    if (s.kind !== 'blackout') {
      // Keep the last category in view through a blackout and scenes that carry no category.
      if (s.data?.category || s.kind === 'welcome' || s.kind === 'closing') data = s.data;
    }
    document.body.classList.toggle('pm-blackout', s.kind === 'blackout');
  }

  // ---- producer's message and the segment countdown ----
  let message: PresenterMessageEvent | null = null;
  let lastClock: ShowClock | null = null;
  function showMessage(m: PresenterMessageEvent | null | undefined): void {
    if (m && !!m.rehearsal !== rehearsalParam()) return;
    const fresh = !!m && m.id !== message?.id;
    message = m && m.text ? m : null;
    msgBox.classList.toggle('hidden', !message);
    msgBox.classList.toggle('urgent', message?.tone === 'urgent');
    msgBox.textContent = message?.text ?? '';
    document.body.classList.toggle('pm-has-message', !!message);
    if (fresh && message) {
      // Restart the flash for each new message.
      msgBox.classList.remove('flash');
      void msgBox.offsetWidth;
      msgBox.classList.add('flash');
    }
  }
  function renderCountdown(): void {
    // A v2 reveal's winner scene is built on the page (no clock): the segment's clock from the scene before holds.
    if (scene?.clock) lastClock = scene.clock;
    const c = scene?.clock ?? lastClock;
    const reading = c ? readClock(c, live.clock.serverNow()) : null;
    const left = reading?.segmentRemainingSeconds ?? null;
    countdown.classList.toggle('hidden', left === null);
    if (left === null) return;
    countdown.classList.toggle('over', left < 0);
    countdown.classList.toggle('soon', left >= 0 && left <= 30);
    countdown.dataset.seconds = String(Math.round(left));
    replace(countdown, h('span', { class: 'pm-countdown-label' }, left < 0 ? t('segmentOverTime') : t('segmentLeft')), h('span', { class: 'pm-countdown-value' }, formatSeconds(left < 0 ? -left : left)));
  }

  // The winner appears at the same instant as on the stage screens: one timeline for both.
  const timeline = new ShowTimeline();
  // Protocol v2 (sealed envelopes on the page, key-only reveals) unless `?v=1`.
  // A rehearsal page keeps its own (empty: rehearsals stage no envelopes) store, so a live key card typed there
  // can never open, nor report, a live envelope.
  const envelopes = param('v') === '1' ? undefined : new EnvelopeStore(rehearsalParam() ? `${ceremony}#rehearsal` : ceremony, 'screen');
  const live = new LiveClient({
    ceremony,
    token,
    envelopes,
    presenceLabel: param('label') ?? 'presenter',
    rehearsal: rehearsalParam(),
    handlers: {
      connection: (st, m) => {
        ui.setConnection(st, m);
        if (st === 'connected') card?.report();
      },
      snapshot: (snap) => {
        drive.snapshot(snap);
        ui.setStale(!!snap.stale);
        showMessage(snap.presenterMessage ?? null);
      },
      scene: (s) => {
        drive.scene(s);
      },
      reveal: (r) => {
        drive.reveal(r);
      },
      gatewayStatus: (g) => ui.setStale(g.stale),
      presenterMessage: (m) => showMessage(m),
    },
  });
  const drive = new TimelineDriver(timeline, live.clock, (view) => {
    results.clear();
    for (const r of view.results) results.set(r.result.categoryId, r.result);
    if (view.scene !== scene) {
      applyScene(view.scene);
      // The control room sees at once that the monitor follows (as the stage reports on every scene).
      live.sendPresence();
    }
    render();
    renderCountdown();
  });
  setInterval(() => {
    clock.textContent = formatTime(live.clock.serverNow());
    renderCountdown();
  }, 500);
  if (!token) ui.showError(t('noToken'));
  render();
  // Operator hotkey K: reveal from the key card, with or without the network.
  const card = installScreenCardReveal({ ceremony, envelopes, token, live, drive, allowKit: false });
}
