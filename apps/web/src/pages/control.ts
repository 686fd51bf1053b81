/**
 * Producer control room: run of show, big cue buttons with keyboard shortcuts, a reveal that must be
 * confirmed against the category name in very large type, jury progress (never scores), live
 * screens with their lag, and the delivery time of the last reveal.
 */
import '../styles/app.css';
import '../styles/control.css';
import { readClock, type CategoryView, type CeremonyView, type JuryProgressEvent, type PresenterMessageEvent, type RevealAlarmEvent, type RevealedEvent, type SceneEvent, type SceneKind, type ScreenPresence, type SealedEvent, type ShowClock, type StaleCueDetails, type VoteCueAction, type VoteCueResult, type VoteWindowEvent } from '@laurel/contracts';
import { Api, ApiError, enc, type CueAction, type CueBody } from '../lib/api.js';
import { chrome } from '../lib/chrome.js';
import { confirmDialog, h, replace } from '../lib/dom.js';
import { formatClockTime, formatSeconds, formatTime } from '../lib/format.js';
import { lang, t, type MsgKey } from '../lib/i18n.js';
import { LiveClient, TimelineDriver } from '../lib/live.js';
import { nextCue, sceneKey, type NextCue } from '../lib/next-scene.js';
import { ShowTimeline } from '../lib/show-timeline.js';
import { kitButton } from '../lib/envelope-kit.js';
import { ScreenDelivery } from '../lib/screen-delivery.js';
import { rehearsalParam, takeToken, uuid } from '../lib/session.js';

type Result = Omit<RevealedEvent, 'showAt'>;

interface Row {
  kind: SceneKind;
  category?: CategoryView;
  el?: HTMLElement;
}

const CATEGORY_SCENES: SceneKind[] = ['category', 'nominees', 'envelope', 'winner', 'motivation'];

export function mount(root: HTMLElement, ceremony: string): void {
  const token = takeToken('control');
  const ui = chrome(t('controlTitle'));
  const api = new Api(token);
  document.title = `${t('controlTitle')} – Laurel`;

  // ---- state ----
  let view: CeremonyView | null = null;
  let current: SceneEvent | null = null;
  let lastVisible: SceneEvent | null = null;
  const progress = new Map<string, JuryProgressEvent>();
  const seals = new Map<string, SealedEvent>();
  const results = new Map<string, Result>();
  let screens: ScreenPresence[] = [];
  let lastReveal: { r: RevealedEvent; received: number } | null = null;
  let inflight = false;
  let failedPress: CueBody | null = null;
  let revealOpen = false;

  // ---- layout ----
  const runList = h('ol', { class: 'ros-list', 'aria-label': t('runOfShow') });
  const onAirKind = h('div', { class: 'onair-kind' });
  const onAirName = h('div', { class: 'onair-name display' });
  const onAirMeta = h('div', { class: 'onair-meta muted' });
  const rehearsalTag = h('span', { class: 'badge badge-danger hidden' }, t('rehearsalMode'));
  // Rehearsal mode follows the rehearsal show (socket handshake) and sends every cue to it.
  const rehearsal = rehearsalParam();
  const rehearsalToggle = h('input', { type: 'checkbox', id: 'rehearsal-toggle' });
  rehearsalToggle.checked = rehearsal;
  const rehearsalBanner = h('div', { class: 'banner banner-error rehearsal-banner', role: 'status' }, t('rehearsalCues'));
  const syncRehearsal = (): void => {
    rehearsalBanner.classList.toggle('hidden', !rehearsal);
    document.body.classList.toggle('rehearsal-cues', rehearsal);
  };
  rehearsalToggle.addEventListener('change', () => {
    const url = new URL(location.href);
    if (rehearsalToggle.checked) url.searchParams.set('rehearsal', '1');
    else url.searchParams.delete('rehearsal');
    location.assign(url.toString());
  });
  const message = h('div', { class: 'cue-message', 'aria-live': 'assertive' });
  // A reveal that did not verify on some screen: loud, at the top, until the producer acknowledges it.
  const alarmBox = h('div', { class: 'alarm-box hidden', role: 'alert' });
  const alarms: RevealAlarmEvent[] = [];
  const clockWarn = h('div', { class: 'banner banner-warn hidden', role: 'status' });
  function renderAlarms(): void {
    alarmBox.classList.toggle('hidden', alarms.length === 0);
    document.body.classList.toggle('has-alarm', alarms.length > 0);
    if (!alarms.length) {
      replace(alarmBox);
      return;
    }
    const dismiss = h('button', { class: 'btn alarm-dismiss', type: 'button' }, t('alarmDismiss'));
    dismiss.addEventListener('click', () => {
      alarms.length = 0;
      renderAlarms();
    });
    replace(
      alarmBox,
      h('div', { class: 'alarm-title' }, `⚠ ${t('alarmTitle')}`),
      h(
        'ul',
        { class: 'alarm-list' },
        alarms.map((a) =>
          h(
            'li',
            null,
            h('span', { class: 'mono small' }, formatTime(a.at)),
            ' ',
            t('alarmBody', { role: ['producer', 'press', 'screen', 'juror'].includes(a.role) ? t(`role_${a.role}` as MsgKey) : a.role, socket: a.socketId.slice(0, 8), category: view?.categories.find((c) => c.id === a.categoryId)?.name ?? a.categoryId, reason: a.reason }),
          ),
        ),
      ),
      dismiss,
    );
  }
  // A cue committed but not on the screens yet (202 from the gateway): shown until the socket brings it.
  const notOnScreens = h('div', { class: 'banner banner-warn not-on-screens hidden', role: 'status', 'aria-live': 'assertive' });
  const delivery = new ScreenDelivery((p) => {
    notOnScreens.classList.toggle('hidden', !p);
    notOnScreens.textContent = p ? t('notOnScreens', { seq: p.seq }) : '';
  });

  const btnPrev = h('button', { class: 'btn cue cue-prev', type: 'button', 'aria-keyshortcuts': 'ArrowLeft' }, h('span', { class: 'cue-label' }, `← ${t('back')}`));
  const btnNext = h('button', { class: 'btn btn-gold cue cue-next', type: 'button', 'aria-keyshortcuts': 'Space ArrowRight' }, h('span', { class: 'cue-label' }, `${t('next')} →`));
  const btnBlack = h('button', { class: 'btn cue cue-black', type: 'button', 'aria-keyshortcuts': 'B' }, h('span', { class: 'cue-label' }, t('blackout')));
  const btnReveal = h('button', { class: 'btn cue cue-reveal', type: 'button', 'aria-keyshortcuts': 'R' }, h('span', { class: 'cue-label' }, `★ ${t('reveal')}`));
  const revealHint = h('div', { class: 'muted small' }, t('revealOnlyEnvelope'));

  const progressList = h('ul', { class: 'progress-list' });
  const screensList = h('ul', { class: 'screens-list' });
  const revealBox = h('div', { class: 'reveal-box muted' }, t('noReveal'));
  const clockBox = h('div', { class: 'muted small' });

  // ---- show clock (server time: the same numbers on every screen and after a reload) ----
  const clockPanel = h('div', { class: 'panel show-clock', 'aria-labelledby': 'clock-h' });
  let lastClock: ShowClock | null = null;
  function renderClock(): void {
    const c = current?.clock ?? lastClock;
    if (current?.clock) lastClock = current.clock;
    const head = h('h2', { id: 'clock-h' }, t('showClock'));
    if (!c) {
      replace(clockPanel, head, h('p', { class: 'muted small' }, current ? t('clockNoPlan') : '—'));
      return;
    }
    const readAt = live.clock.serverNow();
    const r = readClock(c, readAt);
    const cell = (cls: string, label: string, value: string, sub: string, extra = ''): HTMLElement =>
      h('div', { class: `clock-cell ${cls} ${extra}`.trim() }, h('div', { class: 'clock-label' }, label), h('div', { class: 'clock-value mono' }, value), h('div', { class: 'clock-sub muted small' }, sub));
    const ou = Math.round(r.overUnderSeconds);
    const unplanned = c.segments.filter((s) => s.kind !== 'interlude' && !s.visited && s.plannedSeconds === null).length;
    const started = c.startedAt !== null;
    replace(
      clockPanel,
      head,
      h(
        'div',
        { class: 'clock-grid' },
        cell('clock-scene', t('clockOnScene'), formatSeconds(r.sceneElapsedSeconds), c.scenePlannedSeconds === null ? t('clockNoScenePlan') : t('clockPlannedOf', { t: formatSeconds(c.scenePlannedSeconds) }), r.sceneRemainingSeconds !== null && r.sceneRemainingSeconds < 0 ? 'over' : ''),
        cell(
          'clock-segment',
          t('clockSegment'),
          formatSeconds(r.segmentElapsedSeconds),
          r.segmentRemainingSeconds === null ? t('clockNoScenePlan') : t('clockPlannedOf', { t: formatSeconds(r.segmentElapsedSeconds + r.segmentRemainingSeconds) }),
          r.segmentRemainingSeconds !== null && r.segmentRemainingSeconds < 0 ? 'over' : '',
        ),
        cell('clock-overunder', t('clockOverUnder'), ou === 0 ? t('clockOnTime') : formatSeconds(ou, true), ou > 0 ? t('clockOver', { t: formatSeconds(ou) }) : ou < 0 ? t('clockUnder', { t: formatSeconds(-ou) }) : '', ou > 0 ? 'over' : ou < 0 ? 'under' : ''),
        cell(
          'clock-end',
          t('clockEstEnd'),
          r.estimatedEnd ? formatClockTime(r.estimatedEnd) : '—',
          [r.plannedEnd ? t('clockPlannedEnd', { t: formatClockTime(r.plannedEnd) }) : started ? '' : t('clockNotStarted'), unplanned ? t('clockUnplanned', { n: unplanned }) : ''].filter(Boolean).join(' · '),
        ),
      ),
    );
    // What was read, and when (gateway time): the browser test checks the numbers against readClock itself.
    clockPanel.dataset.readAt = String(Math.round(readAt));
    clockPanel.dataset.seq = String(current?.seq ?? '');
    clockPanel.dataset.overUnder = String(ou);
    clockPanel.dataset.sceneElapsed = String(Math.floor(r.sceneElapsedSeconds));
  }

  // ---- presenter messages ----
  const msgState = h('div', { class: 'muted small pm-msg-state', 'aria-live': 'polite' }, t('msgNone'));
  const msgInput = h('input', { type: 'text', maxlength: 140, class: 'input pm-msg-input', placeholder: t('msgPlaceholder'), 'aria-label': t('msgPlaceholder') });
  const msgBtn = (label: string, cls: string, text: () => string, tone: 'info' | 'urgent'): HTMLButtonElement => {
    const b = h('button', { class: `btn btn-sm ${cls}`, type: 'button' }, label);
    b.addEventListener('click', () => void sendPresenterMessage(text(), tone));
    return b;
  };
  const msgForm = h(
    'form',
    { class: 'pm-msg-form' },
    msgInput,
    h('button', { class: 'btn btn-sm btn-gold', type: 'submit' }, t('msgSend')),
  );
  msgForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = msgInput.value.trim();
    if (text) void sendPresenterMessage(text, 'info').then((ok) => ok && (msgInput.value = ''));
  });
  const msgPanel = h(
    'div',
    { class: 'panel presenter-msg', 'aria-labelledby': 'pmsg-h' },
    h('h2', { id: 'pmsg-h' }, t('presenterMsgTitle')),
    h('div', { class: 'pm-msg-buttons' }, msgBtn(t('msg30s'), 'btn-danger msg-30s', () => t('msg30s'), 'urgent'), msgBtn(t('msgStretch'), 'msg-stretch', () => t('msgStretchText'), 'urgent'), msgBtn(t('msgWrap'), 'msg-wrap', () => t('msgWrapText'), 'urgent'), msgBtn(t('msgClear'), 'btn-ghost msg-clear', () => '', 'info')),
    msgForm,
    msgState,
  );
  function renderPresenterMessage(m: PresenterMessageEvent | null | undefined): void {
    if (m && !!m.rehearsal !== rehearsal) return;
    msgState.textContent = m?.text ? `${t('msgShowing', { text: m.text })} · ${m.by.label} · ${formatTime(m.sentAt)}` : t('msgNone');
    msgState.classList.toggle('on', !!m?.text);
  }
  async function sendPresenterMessage(text: string, tone: 'info' | 'urgent'): Promise<boolean> {
    try {
      const m = await api.presenterMessage(ceremony, rehearsal ? { text, tone, rehearsal: true } : { text, tone });
      renderPresenterMessage(m);
      return true;
    } catch (err) {
      ui.showError(err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  // ---- program and preview: the stage's own renderer in a preview-mode frame (no socket, fed from here) ----
  const programMon = monitor('program', t('program'));
  const previewMon = monitor('preview', t('preview'));
  const previewNote = h('div', { class: 'monitor-note muted small' });
  const btnTake = h('button', { class: 'btn btn-sm take-preview', type: 'button', 'aria-keyshortcuts': 'T Enter' }, `${t('takePreview')} (T)`);
  btnTake.addEventListener('click', () => take());
  previewMon.el.append(h('div', { class: 'monitor-foot' }, previewNote, btnTake));
  let lastStep: SceneEvent | null = null;
  let next: NextCue = { action: null, scene: null };
  // The program follows the stage's own timeline rule: a winner only at its showAt, like every screen.
  const timeline = new ShowTimeline();
  let programResults: Result[] = [];
  function renderPreview(): void {
    const visible = new Map(programResults.map((r) => [r.categoryId, r]));
    next = nextCue(view, current, lastStep, visible);
    previewMon.set(next.scene, programResults);
    previewMon.el.dataset.action = next.action ?? '';
    previewNote.textContent = next.action === null ? t('previewNone') : next.action === 'reveal' ? `${t('previewSealed')} · ${t('previewNeedsReveal')}` : next.action === 'resume' ? t('resume') : '';
    btnTake.disabled = next.action === null || inflight;
  }
  function take(): void {
    if (next.action === 'reveal') void openReveal();
    else if (next.action === 'resume') void cue('resume');
    else if (next.action === 'next') void cue('next');
  }

  const kb = (key: string, label: MsgKey): HTMLElement => h('li', null, h('kbd', null, key), h('span', null, t(label)));

  // ---- the audience vote (issue 16): open with a countdown, close, turnout live; never standings ----
  const voteWindows = new Map<string, VoteWindowEvent>();
  const voteSeconds = h('input', { type: 'number', min: '5', max: '3600', value: '60', class: 'vote-seconds', 'aria-label': t('voteSeconds') });
  const voteList = h('div', { class: 'stack vote-list' });
  const votePanel = h('div', { class: 'panel stack hidden', 'data-testid': 'vote-panel' }, h('h2', null, t('voteTitle')), h('label', { class: 'small muted' }, t('voteSeconds'), ' ', voteSeconds), voteList);
  function renderVotes(): void {
    const voting = (view?.categories ?? []).filter((c) => c.vote);
    votePanel.classList.toggle('hidden', voting.length === 0);
    replace(
      voteList,
      voting.map((c) => {
        const w = voteWindows.get(c.id);
        const state = w?.state ?? 'pending';
        const open = h('button', { class: 'btn btn-gold btn-sm', type: 'button', disabled: state !== 'pending' }, t('voteOpenBtn'));
        const close = h('button', { class: 'btn btn-sm', type: 'button', disabled: state !== 'open' }, t('voteCloseBtn'));
        // A vote cue in the run of show (vote-open / vote-close); the seconds are read at the click, not when the row was drawn.
        const act = (action: VoteCueAction, extra: () => { durationSeconds?: number } = () => ({})) => () =>
          void api
            .request<VoteCueResult>('POST', `/ceremonies/${enc(ceremony)}/show/cues`, { action, categoryId: c.id, idempotencyKey: uuid(), ...extra() })
            .then(({ vote: v }) => {
              voteWindows.set(v.categoryId, v);
              renderVotes();
            })
            .catch((err: unknown) => ui.showError(err instanceof Error ? err.message : String(err)));
        open.addEventListener('click', act('vote-open', () => ({ durationSeconds: Number(voteSeconds.value) })));
        close.addEventListener('click', act('vote-close'));
        const turnout = w?.turnout === null || w?.turnout === undefined ? '' : t('voteTurnout', { n: w.turnout });
        const label = state === 'open' ? t('voteOpen') : state === 'closed' ? t('voteClosed') : state === 'sealed' ? t('voteSealed') : t('voteNotOpened');
        return h('div', { class: 'vote-row', 'data-category': c.id }, h('strong', null, c.name), h('div', { class: 'small muted', 'data-testid': 'vote-turnout' }, `${label} · ${turnout}`), h('div', { class: 'row' }, open, close));
      }),
    );
  }
  const loadVotes = (): void =>
    void api
      .request<VoteWindowEvent[]>('GET', `/ceremonies/${enc(ceremony)}/votes`)
      .then((rows) => {
        for (const w of rows) voteWindows.set(w.categoryId, w);
        renderVotes();
      })
      .catch(() => undefined);

  replace(
    root,
    ui.bar,
    h(
      'main',
      { class: 'control' },
      ui.alerts,
      alarmBox,
      clockWarn,
      h(
        'div',
        { class: 'control-grid' },
        h('section', { class: 'panel ros', 'aria-labelledby': 'ros-h' }, h('h2', { id: 'ros-h' }, t('runOfShow')), runList),
        h(
          'section',
          { class: 'center-col' },
          h('div', { class: 'monitors' }, programMon.el, previewMon.el),
          h(
            'div',
            { class: 'panel onair', 'aria-live': 'polite' },
            h('div', { class: 'row' }, h('span', { class: 'onair-dot' }), h('span', { class: 'eyebrow-s' }, t('onAir')), rehearsalTag),
            onAirKind,
            onAirName,
            onAirMeta,
          ),
          message,
          notOnScreens,
          h('div', { class: 'cues' }, btnPrev, btnNext, btnBlack, btnReveal),
          revealHint,
          clockPanel,
          msgPanel,
          rehearsalBanner,
          h('label', { class: 'check rehearsal-check', for: 'rehearsal-toggle' }, rehearsalToggle, h('span', null, t('rehearsalToggle'))),
          h(
            'div',
            { class: 'panel shortcuts' },
            h('h2', null, t('shortcuts')),
            h('ul', { class: 'kb-list' }, kb('Space / →', 'kbNext'), kb('←', 'kbBack'), kb('B', 'kbBlackout'), kb('R', 'kbReveal'), kb('T / Enter', 'kbTake'), kb('Esc', 'kbCancel')),
          ),
        ),
        h(
          'section',
          { class: 'side-col' },
          votePanel,
          h('div', { class: 'panel' }, h('h2', null, t('juryProgress')), progressList),
          h('div', { class: 'panel' }, h('h2', null, t('screens')), screensList),
          h('div', { class: 'panel' }, h('h2', null, t('lastReveal')), revealBox, clockBox),
          h('div', { class: 'panel stack' }, h('h2', null, t('envelopeKit')), h('p', { class: 'muted small' }, t('envelopeKitHelp')), kitButton(api, ceremony, (m) => ui.showError(m))),
        ),
      ),
    ),
  );

  // ---- run of show ----
  let rows: Row[] = [];
  function buildRows(): void {
    rows = [{ kind: 'welcome' }];
    for (const c of [...(view?.categories ?? [])].sort((a, b) => a.order - b.order)) for (const k of CATEGORY_SCENES) rows.push({ kind: k, category: c });
    rows.push({ kind: 'closing' });
    const items: HTMLElement[] = [];
    let lastCat: string | null = null;
    for (const row of rows) {
      if (row.category && row.category.id !== lastCat) {
        lastCat = row.category.id;
        items.push(h('li', { class: 'ros-cat', 'data-cat': row.category.id }, h('span', { class: 'ros-cat-name serif' }, row.category.name), h('span', { class: 'ros-cat-status' })));
      }
      const label = row.kind === 'welcome' ? t('welcomeRow') : row.kind === 'closing' ? t('closingRow') : t(`scene_${row.kind}` as MsgKey);
      const go = h('button', { class: 'btn btn-ghost btn-sm ros-go', type: 'button' }, t('goto'));
      go.addEventListener('click', () => void gotoRow(row));
      row.el = h('li', { class: `ros-row${row.category ? ' sub' : ''}`, 'data-kind': row.kind }, h('span', { class: 'ros-label' }, label), go);
      items.push(row.el);
    }
    replace(runList, items);
    renderRows();
  }

  function renderRows(): void {
    const ref = current?.kind === 'blackout' ? lastVisible : current;
    for (const row of rows) {
      if (!row.el) continue;
      const isCurrent = !!ref && row.kind === ref.kind && (row.category?.id ?? undefined) === (ref.categoryId ?? undefined);
      row.el.classList.toggle('current', isCurrent);
      row.el.classList.toggle('covered', isCurrent && current?.kind === 'blackout');
      if (isCurrent) row.el.setAttribute('aria-current', 'step');
      else row.el.removeAttribute('aria-current');
      const needsReveal = (row.kind === 'winner' || row.kind === 'motivation') && row.category && !results.has(row.category.id);
      const go = row.el.querySelector<HTMLButtonElement>('.ros-go');
      if (go) go.disabled = !!needsReveal || isCurrent;
    }
    for (const li of runList.querySelectorAll<HTMLElement>('.ros-cat')) {
      const id = li.dataset.cat ?? '';
      const status = li.querySelector('.ros-cat-status')!;
      replace(
        status,
        results.has(id)
          ? h('span', { class: 'badge badge-gold' }, t('revealed'))
          : seals.has(id) || progress.get(id)?.sealed
            ? h('span', { class: 'badge badge-ok' }, `✓ ${t('sealed')}`)
            : h('span', { class: 'badge badge-muted' }, t('notSealed')),
      );
    }
    runList.querySelector('.current')?.scrollIntoView({ block: 'nearest' });
  }

  async function gotoRow(row: Row): Promise<void> {
    const name = row.category?.name ?? (view?.ceremony.name ?? '');
    const ok = await confirmDialog({
      title: t('gotoConfirm', { scene: t(`scene_${row.kind}` as MsgKey), name }),
      confirmLabel: t('goto'),
      cancelLabel: t('cancel'),
    });
    if (ok) await cue('goto', { categoryId: row.category?.id, scene: row.kind });
  }

  // ---- on air ----
  function categoryName(id: string | undefined): string {
    if (!id) return '';
    return view?.categories.find((c) => c.id === id)?.name ?? current?.data?.category?.name ?? '';
  }

  function renderOnAir(): void {
    const s = current;
    if (!s) {
      onAirKind.textContent = '—';
      onAirName.textContent = '';
      onAirMeta.textContent = '';
    } else {
      onAirKind.textContent = t(`scene_${s.kind}` as MsgKey);
      onAirName.textContent = s.kind === 'blackout' ? `(${lastVisible ? t(`scene_${lastVisible.kind}` as MsgKey) : ''} ${categoryName(lastVisible?.categoryId)})` : categoryName(s.categoryId) || (s.data?.ceremony?.name ?? '');
      onAirMeta.textContent = `${t('seq')} ${s.seq} · ${formatTime(s.at)}${s.cuedBy ? ` · ${t('cuedBy', { label: s.cuedBy.label })}` : ''}`;
      onAirMeta.dataset.cuedBy = s.cuedBy?.label ?? '';
    }
    rehearsalTag.classList.toggle('hidden', !s?.rehearsal);
    const black = s?.kind === 'blackout';
    btnBlack.classList.toggle('btn-danger', !black);
    btnBlack.classList.toggle('btn-gold', black);
    replace(btnBlack, h('span', { class: 'cue-label' }, black ? t('resume') : t('blackout')));
    const canReveal = s?.kind === 'envelope' && !!s.categoryId;
    btnReveal.disabled = !canReveal || inflight;
    btnReveal.classList.toggle('armed', canReveal);
    revealHint.classList.toggle('hidden', canReveal);
    btnNext.disabled = btnPrev.disabled = btnBlack.disabled = inflight;
    btnTake.disabled = next.action === null || inflight;
    document.body.classList.toggle('is-blackout', black);
  }

  function applyScene(s: SceneEvent): void {
    if (current && s.seq <= current.seq) return;
    if ((s.data as { reset?: boolean } | undefined)?.reset) {
      // Rehearsal reset: the rehearsal's results so far are void.
      for (const [k, r] of results) if (r.rehearsal) results.delete(k);
    }
    current = s;
    if (s.kind !== 'blackout') lastVisible = s;
    if (s.kind !== 'blackout' && s.kind !== 'interlude') lastStep = s;
    if (s.data?.result) results.set(s.data.result.categoryId, s.data.result);
    renderOnAir();
    renderRows();
    renderClock();
    renderPreview();
  }

  // ---- cues ----
  function showMessage(kind: 'error' | 'info' | 'none', text?: string, extra?: Node): void {
    if (kind === 'none') {
      replace(message);
      message.className = 'cue-message';
      return;
    }
    message.className = `cue-message banner ${kind === 'error' ? 'banner-error' : 'banner-warn'}`;
    replace(message, kind === 'error' ? h('strong', null, t('refused')) : null, h('span', { class: 'cue-msg-text' }, text ?? ''), extra ?? null);
  }

  async function cue(action: CueAction, extra: { categoryId?: string; scene?: SceneKind } = {}): Promise<void> {
    if (inflight) return;
    const body: CueBody = { action, idempotencyKey: uuid() };
    if (extra.categoryId) body.categoryId = extra.categoryId;
    if (extra.scene) body.scene = extra.scene;
    if (rehearsal) body.rehearsal = true;
    // Two operators: the cue applies only to the scene this page shows; another's cue first → 409 stale.
    // Before the first scene (a fresh show is at seq 0) the page expects 0; a page with no snapshot yet gets the truth back.
    body.expectedSeq = current?.seq ?? live.lastSeq;
    await send(body);
  }

  /** Sends one press; a retry of the same press reuses its idempotency key. */
  async function send(body: CueBody, attempt = 1): Promise<void> {
    inflight = true;
    renderOnAir();
    showMessage('info', t('sending'));
    try {
      const res = await api.cue(ceremony, body);
      failedPress = null;
      showMessage('none');
      if (res) delivery.answered(res);
      if (res?.scene) applyScene(res.scene);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err), undefined, true);
      if (e.network && attempt < 2) {
        inflight = false;
        await new Promise((r) => setTimeout(r, 600));
        return send(body, attempt + 1);
      }
      if (e.network) {
        failedPress = body;
        const retry = h('button', { class: 'btn btn-gold', type: 'button' }, t('retrySame'));
        retry.addEventListener('click', () => {
          if (failedPress && !inflight) void send(failedPress);
        });
        showMessage('error', `${t('networkError')} ${e.message}`, retry);
      } else if (e.status === 409 && isStale(e.details)) {
        // Another operator cued first: show what is on stage now, take it, and let this operator decide again.
        failedPress = null;
        const now = e.details.scene;
        applyScene(now);
        const name = categoryName(now.categoryId) || (now.data?.ceremony?.name ?? '');
        showMessage('info', t('staleCue', { scene: `${t(`scene_${now.kind}` as MsgKey)}${name ? ` – ${name}` : ''}`, seq: now.seq, by: now.cuedBy ? `, ${t('cuedBy', { label: now.cuedBy.label })}` : '' }));
        message.classList.add('stale-cue');
      } else {
        failedPress = null;
        showMessage('error', e.message);
      }
    } finally {
      inflight = false;
      renderOnAir();
    }
  }

  function toggleBlackout(): void {
    void cue(current?.kind === 'blackout' ? 'resume' : 'blackout');
  }

  async function openReveal(): Promise<void> {
    if (revealOpen || inflight) return;
    const s = current;
    if (!s || s.kind !== 'envelope' || !s.categoryId) {
      showMessage('error', t('revealOnlyEnvelope'));
      return;
    }
    const name = categoryName(s.categoryId);
    revealOpen = true;
    const ok = await confirmDialog({
      title: t('revealConfirmLead'),
      body: [h('div', { class: 'reveal-cat display', lang: view?.ceremony.locale?.slice(0, 2) ?? undefined }, name), h('p', null, t('revealConfirmCheck'))],
      confirmLabel: t('revealConfirmButton', { name }),
      cancelLabel: `${t('cancel')} (Esc)`,
      className: 'reveal-dialog',
    });
    revealOpen = false;
    // The category on stage may have changed while the dialog was open: reveal exactly what was confirmed.
    if (ok) await cue('reveal', { categoryId: s.categoryId });
  }

  btnNext.addEventListener('click', () => void cue('next'));
  btnPrev.addEventListener('click', () => void cue('prev'));
  btnBlack.addEventListener('click', toggleBlackout);
  btnReveal.addEventListener('click', () => void openReveal());

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (document.querySelector('dialog[open]')) return; // the dialog handles Enter / Esc
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)) return;
    switch (e.key) {
      case ' ':
      case 'ArrowRight':
        e.preventDefault();
        void cue('next');
        break;
      case 'ArrowLeft':
        e.preventDefault();
        void cue('prev');
        break;
      case 'b':
      case 'B':
        e.preventDefault();
        toggleBlackout();
        break;
      case 'r':
      case 'R':
        e.preventDefault();
        void openReveal();
        break;
      case 't':
      case 'T':
        e.preventDefault();
        take();
        break;
      case 'Enter':
        if (target?.tagName === 'BUTTON' || target?.tagName === 'A') return;
        e.preventDefault();
        take();
        break;
      default:
        break;
    }
  });
  // A focused button must not also "click" on Space: the shortcut already cued.
  document.addEventListener('keyup', (e) => {
    if (e.key === ' ' && (e.target as HTMLElement | null)?.tagName === 'BUTTON' && !document.querySelector('dialog[open]')) e.preventDefault();
  });

  // ---- side panels ----
  function renderProgress(): void {
    const cats = [...(view?.categories ?? [])].sort((a, b) => a.order - b.order);
    replace(
      progressList,
      cats.map((c) => {
        const p = progress.get(c.id);
        const sealed = seals.has(c.id) || !!p?.sealed;
        const pct = p && p.total ? Math.round((p.locked / p.total) * 100) : 0;
        return h(
          'li',
          { class: 'progress-item' },
          h('div', { class: 'row between' }, h('span', { class: 'serif' }, c.name), sealed ? h('span', { class: 'badge badge-ok' }, `✓ ${t('sealed')}`) : h('span', { class: 'badge badge-muted' }, t('notSealed'))),
          h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': p?.total ?? 0, 'aria-valuenow': p?.locked ?? 0, 'aria-label': c.name }, h('i', { style: `width:${pct}%` })),
          h('div', { class: 'muted small' }, p ? `${p.locked}/${p.total} ${t('locked')}` : '—'),
        );
      }),
    );
    renderRows();
  }

  function renderScreens(): void {
    if (!screens.length) {
      replace(screensList, h('li', { class: 'muted' }, t('noScreens')));
      return;
    }
    const now = live.clock.serverNow();
    replace(
      screensList,
      screens.map((s) => {
        const ago = Math.max(0, Math.round((now - Date.parse(s.lastSeenAt)) / 1000));
        const late = s.behind > 0 || ago > 12;
        return h(
          'li',
          { class: `screen-item${late ? ' late' : ''}` },
          h('span', { class: 'screen-dot' }),
          h('span', { class: 'screen-label' }, s.label || s.socketId.slice(0, 6)),
          h(
            'span',
            { class: 'screen-meta small' },
            h('span', { class: s.behind > 0 ? 'warn' : 'ok' }, s.behind > 0 ? t('behind', { n: s.behind }) : t('inSync')),
            h('span', { class: 'muted' }, ` · ${s.role} · ${t('seq')} ${s.lastSeq} · ${t('lastSeen', { s: ago })}`),
          ),
        );
      }),
    );
  }

  function renderReveal(): void {
    if (lastReveal) {
      const { r, received } = lastReveal;
      const delivered = Math.round(received - Date.parse(r.revealedAt));
      const margin = Math.round(Date.parse(r.showAt) - received);
      replace(
        revealBox,
        h('div', { class: 'serif reveal-cat-s' }, r.category?.name ?? categoryName(r.categoryId)),
        h('div', null, t('deliveredIn', { ms: delivered, margin })),
        h('div', { class: 'muted small' }, formatTime(r.revealedAt)),
      );
    }
    const rtt = live.clock.rtt;
    clockBox.textContent = rtt === null ? '' : t('clockOffset', { ms: Math.round(live.clock.offset), rtt: Math.round(rtt / 2) });
  }

  // ---- live ----
  const live = new LiveClient({
    ceremony,
    token,
    rehearsal,
    handlers: {
      connection: (state, msg) => {
        ui.setConnection(state, msg);
        const blocked = state === 'auth-error';
        for (const b of [btnNext, btnPrev, btnBlack, btnReveal]) if (blocked) b.disabled = true;
      },
      snapshot: (snap) => {
        current = null;
        results.clear();
        for (const r of snap.results ?? []) results.set(r.categoryId, r);
        for (const s of snap.seals ?? []) seals.set(s.categoryId, s);
        for (const p of snap.juryProgress ?? []) progress.set(p.categoryId, p);
        drive.snapshot(snap);
        if (snap.scene) delivery.sawScene(snap.scene);
        if (snap.scene) applyScene(snap.scene);
        else renderOnAir();
        ui.setStale(!!snap.stale);
        renderPresenterMessage(snap.presenterMessage);
        renderProgress();
      },
      scene: (s) => {
        delivery.sawScene(s);
        drive.scene(s);
        applyScene(s);
      },
      reveal: (r) => {
        drive.reveal(r);
      },
      revealed: (r, received) => {
        const { showAt: _s, ...rest } = r;
        results.set(r.categoryId, rest);
        lastReveal = { r, received };
        renderReveal();
        renderRows();
      },
      sealed: (s) => {
        seals.set(s.categoryId, s);
        renderProgress();
      },
      juryProgress: (p) => {
        progress.set(p.categoryId, p);
        renderProgress();
      },
      screens: (p) => {
        screens = p.screens ?? [];
        renderScreens();
      },
      gatewayStatus: (g) => {
        ui.setStale(g.stale);
        const offset = (g as { clockOffsetMs?: unknown }).clockOffsetMs;
        const off = typeof offset === 'number' && Math.abs(offset) > 50;
        clockWarn.classList.toggle('hidden', !off);
        if (off) clockWarn.textContent = t('gatewayClockWarn', { ms: Math.round(offset) });
      },
      presenterMessage: (m) => renderPresenterMessage(m),
      vote: (w) => {
        voteWindows.set(w.categoryId, w);
        renderVotes();
      },
      alarm: (a) => {
        alarms.unshift(a);
        alarms.splice(20);
        renderAlarms();
      },
    },
  });
  const drive = new TimelineDriver(timeline, live.clock, (v) => {
    programResults = v.results.map((r) => r.result);
    programMon.set(v.scene, programResults);
    renderPreview();
  });
  setInterval(() => {
    renderScreens();
    renderReveal();
    renderClock();
  }, 1000);

  syncRehearsal();
  renderOnAir();
  renderScreens();
  if (!token) ui.showError(t('noToken'));

  api
    .ceremony(ceremony)
    .then((v) => {
      view = v;
      ui.setTitle(v.ceremony.name);
      document.title = `${t('controlTitle')} – ${v.ceremony.name}`;
      buildRows();
      renderProgress();
      renderOnAir();
      renderPreview();
      loadVotes();
    })
    .catch((err: unknown) => ui.showError(err instanceof Error ? err.message : String(err)));

  live.start();
}

function isStale(d: unknown): d is StaleCueDetails {
  const x = d as Partial<StaleCueDetails> | null;
  return !!x && typeof x === 'object' && typeof x.seq === 'number' && !!x.scene && typeof x.scene.seq === 'number';
}

interface Monitor {
  el: HTMLElement;
  set(scene: SceneEvent | null, results: Result[]): void;
}

type PreviewHook = (scene: SceneEvent | null, results: Result[]) => void;

/**
 * A scaled stage monitor: the stage page in preview mode (`?preview=1`: the real renderer and styles, no socket,
 * no token) in a same-origin frame, handed each scene from here. Only redraws when what it shows changes.
 */
function monitor(kind: 'program' | 'preview', label: string): Monitor {
  const ceremony = decodeURIComponent(location.pathname.split('/')[2] ?? '');
  const frame = h('iframe', {
    class: 'monitor-frame',
    name: `monitor-${kind}`,
    title: label,
    src: `/stage/${enc(ceremony)}?preview=1${lang === 'en' ? '&lang=en' : ''}`,
    tabindex: '-1',
    loading: 'eager',
  });
  const el = h('div', { class: `monitor monitor-${kind}`, 'data-kind': '' }, h('div', { class: 'monitor-label' }, label), h('div', { class: 'monitor-screen' }, frame));
  let want: { scene: SceneEvent | null; results: Result[] } = { scene: null, results: [] };
  let drawn: string | null = null;
  const hook = (): PreviewHook | undefined => {
    try {
      const w = frame.contentWindow as unknown as { laurelPreview?: PreviewHook } | null;
      return w?.laurelPreview;
    } catch {
      return undefined;
    }
  };
  const flush = (): void => {
    const f = hook();
    if (!f) return;
    const key = `${sceneKey(want.scene)}|${want.results.length}`;
    if (key === drawn) return;
    drawn = key;
    el.dataset.kind = want.scene?.kind ?? '';
    el.dataset.category = want.scene?.categoryId ?? '';
    el.dataset.result = want.scene?.data?.result ? '1' : '';
    f(want.scene, want.results);
  };
  window.addEventListener('message', (e) => {
    if (e.source === frame.contentWindow && e.origin === location.origin && (e.data as { type?: string } | null)?.type === 'laurel-preview-ready') {
      drawn = null;
      flush();
    }
  });
  frame.addEventListener('load', () => {
    drawn = null;
    flush();
  });
  return {
    el,
    set(scene, results) {
      want = { scene, results };
      flush();
    },
  };
}
