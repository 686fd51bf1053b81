/**
 * Jury page (phone first): score the panel's nominees per criterion, autosaved as a draft, then lock
 * (irrevocable). The chair also sees quorum, computes the verdict with the motivation, breaks a tie
 * and seals it, and sees the public commitment.
 */
import '../styles/app.css';
import '../styles/jury.css';
import {
  computeReceipt,
  verifyReceiptProof,
  type BallotProof,
  type BallotView,
  type CategoryView,
  type Criterion,
  type JurorView,
  type NomineeView,
  type PanelStatus,
  type SealResult,
  type VerdictResult,
} from '@laurel/contracts';
import { Api, ApiError, enc } from '../lib/api.js';
import { chrome } from '../lib/chrome.js';
import { confirmDialog, debounce, h, replace } from '../lib/dom.js';
import { formatDateTime, formatTime, nomineeName, nomineeSub } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { anchorHint, anchorLevels, anchorLine } from '../lib/rubric.js';
import { deliberationPanel } from '../lib/deliberation-panel.js';
import { LiveClient } from '../lib/live.js';
import { takeToken } from '../lib/session.js';

type Scores = Record<string, Record<string, number>>;
interface Me {
  juror: JurorView;
  categories: CategoryView[];
}

const MAX_MOTIVATION = 4000;

/** The receipt outlives the tab (localStorage): it is a salted hash, nothing secret, and the juror checks it after the show. */
function keepReceipt(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* private mode: the receipt is still shown */
  }
}
function keptReceipt(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export async function mount(root: HTMLElement, ceremony: string): Promise<void> {
  const token = takeToken('jury');
  const ui = chrome(t('juryTitle'));
  const api = new Api(token);
  const main = h('main', { class: 'page jury' }, ui.alerts, h('p', { class: 'muted' }, t('loading')));
  replace(root, ui.bar, main);
  ui.conn.classList.add('hidden');
  document.title = `${t('juryTitle')} – Laurel`;
  if (!token) {
    ui.showError(t('noToken'));
    replace(main, ui.alerts);
    return;
  }

  let me: Me;
  try {
    const raw = await api.request<Me | JurorView>('GET', `/ceremonies/${enc(ceremony)}/me`);
    if ('juror' in raw && raw.juror) {
      me = raw;
    } else {
      // `/me` may answer with the juror view alone: take the category from the public ceremony view.
      const view = await api.ceremony(ceremony);
      me = { juror: raw as JurorView, categories: view.categories };
    }
    if (!me.categories?.length || !me.categories.some((c) => c.id === me.juror.categoryId && c.nominees)) {
      const view = await api.ceremony(ceremony);
      me = { juror: me.juror, categories: view.categories };
    }
  } catch (err) {
    const e = err as ApiError;
    ui.showError(e.status === 401 || e.status === 403 ? `${t('authError')}: ${e.message}` : e.message, e.status === 401 || e.status === 403 ? t('authErrorHelp') : undefined);
    replace(main, ui.alerts);
    return;
  }
  const juror = me.juror;
  const category = me.categories.find((c) => c.id === juror.categoryId) ?? me.categories[0];
  if (!category) {
    replace(main, ui.alerts, h('div', { class: 'panel' }, t('noCategory')));
    return;
  }
  ui.setTitle(category.name);
  document.title = `${category.name} – ${t('juryTitle')}`;

  const base = `/ceremonies/${enc(ceremony)}/categories/${enc(category.id)}`;
  const criteria: Criterion[] = category.criteria.length ? category.criteria : [{ key: 'overall', label: t('overall'), weight: 1 }];
  const conflicts = new Map(juror.conflicts.map((c) => [c.nomineeId, c.reason]));
  const scorable = category.nominees.filter((n) => !conflicts.has(n.id));

  let ballot: BallotView | null = null;
  try {
    ballot = await api.request<BallotView>('GET', `${base}/ballot`);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) ui.showError((err as Error).message);
  }
  const scores: Scores = structuredClone(ballot?.scores ?? {});
  let lockedAt: string | null = ballot?.lockedAt ?? null;

  // ---- receipt: kept on this device at the lock, checked against the published ballot root after the reveal ----
  const receiptKey = `laurel.receipt.${category.id}.${juror.id}`;
  let receipt: string | null = ballot?.receipt ?? null;
  if (receipt && !keptReceipt(receiptKey)) keepReceipt(receiptKey, receipt);
  const receiptBox = h('section', { class: 'panel receipt hidden', 'aria-labelledby': 'receipt-h' });
  const receiptResult = h('p', { class: 'receipt-result', role: 'status' });
  const receiptBtn = h('button', { class: 'btn btn-ghost', type: 'button' }, t('receiptCheck'));
  function renderReceipt(): void {
    receiptBox.classList.toggle('hidden', !lockedAt || !receipt);
    if (!receipt) return;
    replace(
      receiptBox,
      h('h2', { id: 'receipt-h', class: 'small-h' }, t('receiptTitle')),
      h('code', { class: 'mono receipt-hash' }, receipt),
      h('p', { class: 'muted small' }, t('receiptHelp')),
      h('div', { class: 'row' }, receiptBtn),
      receiptResult,
    );
  }
  receiptBtn.addEventListener('click', () => {
    void (async () => {
      // The receipt this device kept at the lock is the one to prove; the jury's answer is only checked against it.
      const kept = keptReceipt(receiptKey) ?? receipt;
      replace(receiptResult, t('verifying'));
      receiptResult.className = 'receipt-result';
      let proof: BallotProof;
      try {
        proof = await api.request<BallotProof>('GET', `${base}/ballot/proof`);
      } catch (err) {
        replace(receiptResult, err instanceof ApiError && err.status === 409 ? t('receiptBeforeReveal') : (err as Error).message);
        return;
      }
      // The root to check against is the published one (results), never the one in the proof.
      const published = (await api.results(ceremony).catch(() => [])).find((r) => r.categoryId === category.id);
      const bad = (why: string) => {
        receiptResult.className = 'receipt-result bad';
        replace(receiptResult, t('receiptBad', { why }));
      };
      if (!published?.ballotRoot || !published.ballotCount) return bad(t('receiptWhyNoRoot'));
      const recomputed = computeReceipt({ categoryId: proof.categoryId, jurorId: proof.jurorId, scores: proof.scores, salt: proof.receiptSalt });
      if (!kept || recomputed !== proof.receipt || proof.receipt !== kept) return bad(t('receiptWhyChanged'));
      if (!(verifyReceiptProof(kept, proof, { root: published.ballotRoot, count: published.ballotCount }))) return bad(t('receiptWhyNotIn'));
      receiptResult.className = 'receipt-result ok';
      replace(receiptResult, t('receiptOk', { count: published.ballotCount }));
    })();
  });

  // ---- save indicator + lock bar ----
  const saveState = h('span', { class: 'save-state', role: 'status', 'aria-live': 'polite' }, ballot?.updatedAt && Object.keys(scores).length ? t('savedAt', { time: formatTime(ballot.updatedAt) }) : '');
  const progressText = h('span', { class: 'progress-text' });
  const lockBtn = h('button', { class: 'btn btn-gold btn-lg lock-btn', type: 'button' }, t('lockBallot'));
  const lockBar = h('div', { class: 'lock-bar' }, h('div', { class: 'lock-info' }, progressText, saveState), lockBtn);
  const lockedBanner = h('div', { class: 'banner banner-ok hidden', role: 'status' });

  const total = scorable.length * criteria.length;
  const done = (): number => scorable.reduce((n, nom) => n + criteria.filter((c) => typeof scores[nom.id]?.[c.key] === 'number').length, 0);
  function renderProgress(): void {
    progressText.textContent = t('progress', { done: done(), total });
    lockBtn.disabled = !!lockedAt || done() < total;
    lockBtn.title = done() < total ? t('lockIncomplete') : '';
    lockBar.classList.toggle('hidden', !!lockedAt);
    lockedBanner.classList.toggle('hidden', !lockedAt);
    if (lockedAt) replace(lockedBanner, h('strong', null, t('lockedAt', { time: formatDateTime(lockedAt) })));
    main.classList.toggle('is-locked', !!lockedAt);
  }

  let saving: Promise<void> | null = null;
  let dirty = false;
  async function save(): Promise<void> {
    if (lockedAt) return;
    dirty = false;
    saveState.textContent = t('saving');
    saveState.dataset.state = 'saving';
    try {
      const res = await api.request<BallotView>('PUT', `${base}/ballot`, { scores });
      saveState.textContent = t('savedAt', { time: formatTime(res?.updatedAt ?? new Date().toISOString()) });
      saveState.dataset.state = 'saved';
      if (res?.lockedAt) lockedAt = res.lockedAt;
    } catch (err) {
      dirty = true;
      saveState.textContent = t('saveFailed', { msg: (err as Error).message });
      saveState.dataset.state = 'error';
      if (err instanceof ApiError && err.status === 409) {
        ui.showError(err.message);
      }
    }
    renderProgress();
  }
  const queueSave = debounce(() => {
    saving = save().finally(() => (saving = null));
  }, 700);

  // ---- nominee cards ----
  function scoreInput(nom: NomineeView, crit: Criterion): HTMLElement {
    const name = `s-${nom.id}-${crit.key}`;
    const seg = h('div', { class: 'seg' });
    // Rubric anchors (ceremony file): the meaning of the level in focus, else of the level chosen.
    const anchored = anchorLevels(crit.anchors).length > 0;
    const hint = anchored ? h('p', { class: 'anchor-hint muted small', id: `${name}-hint`, 'aria-live': 'polite' }) : null;
    const showHint = (v: number | undefined) => {
      if (hint) hint.textContent = v === undefined ? anchorLevels(crit.anchors).map((a) => `${a.level} — ${a.text}`).join(' · ') : anchorLine(anchorHint(crit.anchors, v));
    };
    for (let v = 1; v <= 10; v++) {
      const input = h('input', { type: 'radio', name, value: v, id: `${name}-${v}`, class: 'sr-only', 'aria-describedby': hint ? `${name}-hint` : undefined });
      if (scores[nom.id]?.[crit.key] === v) input.checked = true;
      input.addEventListener('change', () => {
        if (lockedAt) return;
        (scores[nom.id] ??= {})[crit.key] = v;
        dirty = true;
        saveState.textContent = t('unsaved');
        saveState.dataset.state = 'dirty';
        renderProgress();
        queueSave();
        showHint(v);
      });
      input.addEventListener('focus', () => showHint(v));
      const label = h('label', { for: `${name}-${v}`, title: anchored ? anchorLine(anchorHint(crit.anchors, v)) : undefined }, String(v));
      label.addEventListener('mouseenter', () => showHint(v));
      label.addEventListener('mouseleave', () => showHint(scores[nom.id]?.[crit.key]));
      seg.append(input, label);
    }
    showHint(scores[nom.id]?.[crit.key]);
    return h(
      'fieldset',
      { class: 'criterion' },
      h('legend', null, h('span', null, crit.label), crit.weight !== 1 ? h('span', { class: 'muted small' }, ` · ${t('weight', { w: crit.weight })}`) : null),
      seg,
      hint,
    );
  }

  const cards = category.nominees.map((nom) => {
    const reason = conflicts.get(nom.id);
    const sub = nomineeSub(nom);
    return h(
      'article',
      { class: `nominee${reason ? ' conflicted' : ''}`, 'aria-disabled': reason ? 'true' : undefined },
      h('h3', { class: 'serif nominee-h' }, nomineeName(nom)),
      sub ? h('p', { class: 'nominee-sub' }, sub) : null,
      reason
        ? h('div', { class: 'conflict-note' }, h('span', { class: 'badge badge-danger' }, t('conflicted')), h('span', null, `${reason} — ${t('conflictedHelp')}`))
        : h('div', { class: 'criteria' }, criteria.map((c) => scoreInput(nom, c))),
    );
  });

  lockBtn.addEventListener('click', () => {
    void (async () => {
      if (done() < total) return;
      const ok = await confirmDialog({
        title: t('lockTitle'),
        body: [h('p', null, t('lockBody'))],
        confirmLabel: t('lockConfirm'),
        cancelLabel: t('cancel'),
        danger: true,
        requireCheck: t('lockAck'),
      });
      if (!ok) return;
      lockBtn.disabled = true;
      queueSave.cancel();
      if (saving) await saving;
      if (dirty) await save();
      try {
        const res = await api.request<BallotView>('POST', `${base}/ballot/lock`);
        lockedAt = res?.lockedAt ?? new Date().toISOString();
        receipt = res?.receipt ?? null;
        if (receipt) keepReceipt(receiptKey, receipt);
        renderReceipt();
        for (const i of main.querySelectorAll<HTMLInputElement>('.seg input')) i.disabled = true;
        ui.clearError();
        void deliberation.refresh();
      } catch (err) {
        ui.showError((err as Error).message);
      }
      renderProgress();
      if (juror.chair) void refreshPanel();
    })();
  });

  // ---- chair ----
  const chairBox = h('section', { class: 'panel chair', 'aria-labelledby': 'chair-h' });
  let panel: PanelStatus | null = null;
  let verdict: VerdictResult | null = null;
  let sealed: SealResult | null = null;
  let tied: string[] | null = null;
  const motivation = h('textarea', { id: 'motivation', maxlength: MAX_MOTIVATION, rows: 8, 'aria-describedby': 'motivation-help motivation-count', lang: 'sv' });
  const counter = h('div', { id: 'motivation-count', class: 'muted small counter' });
  const chairMsg = h('div', { 'aria-live': 'assertive' });
  const updateCounter = (): void => {
    counter.textContent = t('chars', { n: motivation.value.length, max: MAX_MOTIVATION });
    counter.classList.toggle('warn', motivation.value.length > MAX_MOTIVATION * 0.9);
  };
  motivation.addEventListener('input', () => {
    updateCounter();
    renderChairButtons();
  });
  const computeBtn = h('button', { class: 'btn btn-gold btn-lg', type: 'button' }, t('computeVerdict'));
  const sealBtn = h('button', { class: 'btn btn-danger btn-lg', type: 'button' }, t('seal'));

  const nomName = (id: string): string => nomineeName(category.nominees.find((n) => n.id === id));

  function renderChairButtons(): void {
    computeBtn.disabled = !panel?.quorumMet || !motivation.value.trim() || !!sealed;
    sealBtn.disabled = !verdict || !!sealed;
  }

  const statusBox = h('div', { class: 'quorum' });
  const refreshBtn = h('button', { class: 'btn btn-ghost btn-sm', type: 'button' }, t('refresh'));
  refreshBtn.addEventListener('click', () => void refreshPanel());
  const sealedBox = h('div', { class: 'banner banner-ok sealed-box hidden' });
  const editorBox = h(
    'div',
    { class: 'stack editor' },
    h('label', { class: 'field', for: 'motivation' }, h('span', null, t('motivationLabel'))),
    h('p', { id: 'motivation-help', class: 'muted small' }, t('motivationHelp')),
    motivation,
    counter,
  );
  const tieBox = h('fieldset', { class: 'tie banner banner-warn hidden' });
  const verdictBox = h('div', { class: 'verdict hidden' });
  replace(
    chairBox,
    h('h2', { id: 'chair-h' }, `★ ${t('chairTitle')}`),
    h('div', { class: 'row between' }, statusBox, refreshBtn),
    sealedBox,
    editorBox,
    tieBox,
    chairMsg,
    computeBtn,
    verdictBox,
    sealBtn,
  );

  function renderChair(): void {
    if (panel) {
      replace(
        statusBox,
        h('span', { class: `badge ${panel.quorumMet ? 'badge-ok' : 'badge-muted'}` }, panel.quorumMet ? `✓ ${t('quorumMet')}` : t('quorumNotMet')),
        h('span', null, t('jurorsLocked', { locked: panel.locked, jurors: panel.jurors, required: panel.required })),
      );
    }
    sealedBox.classList.toggle('hidden', !sealed);
    if (sealed) {
      replace(
        sealedBox,
        h('strong', null, t('sealedAt', { time: formatDateTime(sealed.sealedAt) })),
        h('div', { class: 'muted small' }, t('commitment')),
        h('code', { class: 'mono commitment' }, sealed.commitment),
      );
    }
    for (const el of [editorBox, computeBtn, sealBtn]) el.classList.toggle('hidden', !!sealed);
    tieBox.classList.toggle('hidden', !tied || !!sealed);
    if (tied) {
      const radios = tied.map((id, i) =>
        h('label', { class: 'check tie-option' }, h('input', { type: 'radio', name: 'tie', value: id, checked: i === 0 }), h('span', { class: 'serif' }, nomName(id))),
      );
      const tieBtn = h('button', { class: 'btn btn-gold', type: 'button' }, t('tieConfirm'));
      tieBtn.addEventListener('click', () => {
        const chosen = tieBox.querySelector<HTMLInputElement>('input[name="tie"]:checked')?.value;
        if (chosen) void compute(chosen);
      });
      replace(tieBox, h('legend', null, t('tieTitle')), h('p', null, t('tieHelp')), ...radios, tieBtn);
    }
    verdictBox.classList.toggle('hidden', !verdict || !!sealed);
    sealBtn.classList.toggle('hidden', !verdict || !!sealed);
    if (verdict) {
      replace(
        verdictBox,
        h('div', { class: 'eyebrow-s' }, t('verdictTitle')),
        h('div', { class: 'serif verdict-winner' }, `★ ${nomName(verdict.winnerId)}`),
        h(
          'ol',
          { class: 'ranking', 'aria-label': t('ranking') },
          verdict.ranking.map((r) =>
            h('li', null, h('span', null, nomName(r.nomineeId)), h('span', { class: 'mono' }, r.score === null ? '—' : r.score.toFixed(2)), h('span', { class: 'muted small' }, t('jurorsN', { n: r.jurorCount }))),
          ),
        ),
      );
    }
    updateCounter();
    renderChairButtons();
  }

  async function refreshPanel(): Promise<void> {
    try {
      panel = await api.request<PanelStatus>('GET', `${base}/panel`);
      if (panel.sealed) sealed = panel.sealed;
      if (panel.verdict && !verdict) verdict = panel.verdict;
    } catch (err) {
      replace(chairMsg, h('div', { class: 'banner banner-error' }, (err as Error).message));
    }
    renderChair();
  }

  async function compute(tieBreakWinnerId?: string): Promise<void> {
    computeBtn.disabled = true;
    replace(chairMsg);
    try {
      const body: { motivation: string; tieBreakWinnerId?: string } = { motivation: motivation.value.trim() };
      if (tieBreakWinnerId) body.tieBreakWinnerId = tieBreakWinnerId;
      verdict = await api.request<VerdictResult>('POST', `${base}/verdict`, body);
      tied = null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.tied) {
        tied = err.tied;
        verdict = null;
        replace(chairMsg, h('div', { class: 'banner banner-warn', role: 'alert' }, err.message));
      } else {
        tied = null;
        renderChair();
        replace(chairMsg, h('div', { class: 'banner banner-error', role: 'alert' }, (err as Error).message));
        return;
      }
    }
    renderChair();
  }
  computeBtn.addEventListener('click', () => void compute());

  sealBtn.addEventListener('click', () => {
    void (async () => {
      if (!verdict) return;
      const ok = await confirmDialog({
        title: t('sealTitle'),
        body: [h('p', { class: 'serif seal-winner' }, `★ ${nomName(verdict.winnerId)}`), h('p', null, t('sealBody'))],
        confirmLabel: t('sealConfirm'),
        cancelLabel: t('cancel'),
        danger: true,
        requireCheck: t('lockAck'),
      });
      if (!ok) return;
      sealBtn.disabled = true;
      try {
        sealed = await api.request<SealResult>('POST', `${base}/verdict/seal`);
        renderChair();
      } catch (err) {
        renderChair();
        replace(chairMsg, h('div', { class: 'banner banner-error', role: 'alert' }, (err as Error).message));
      }
    })();
  });

  // ---- deliberation: per nominee, open once this juror's ballot is locked; live over the socket ----
  const deliberation = deliberationPanel(api, ceremony, category, juror);
  if (lockedAt) void deliberation.refresh();
  else deliberation.showClosed();
  new LiveClient({ ceremony, token, handlers: {
      deliberation: (d) => {
        if (d.categoryId === category.id && lockedAt) void deliberation.refresh();
      },
    },
  }).start();

  // ---- page ----
  replace(
    main,
    ui.alerts,
    h(
      'header',
      { class: 'jury-head' },
      h('div', { class: 'eyebrow-s' }, t('yourCategory')),
      h('h1', { class: 'display jury-title' }, category.name),
      h('p', { class: 'muted' }, [juror.name, juror.affiliation].filter(Boolean).join(', ')),
      h('p', { class: 'hint' }, t('scoreHint')),
    ),
    lockedBanner,
    receiptBox,
    h('div', { class: 'nominees' }, cards),
    h('p', null, h('a', { class: 'btn btn-ghost', href: `/jury/${enc(ceremony)}/screening` }, t('scrOpenLink'))),
    deliberation.el,
    juror.chair ? chairBox : null,
    lockBar,
  );
  if (lockedAt) for (const i of main.querySelectorAll<HTMLInputElement>('.seg input')) i.disabled = true;
  renderProgress();
  renderReceipt();
  if (juror.chair) {
    renderChair();
    void refreshPanel();
    setInterval(() => {
      if (!sealed) void refreshPanel();
    }, 15_000);
  }
  window.addEventListener('beforeunload', (e) => {
    if (dirty && !lockedAt) {
      queueSave.flush();
      e.preventDefault();
    }
  });
}
