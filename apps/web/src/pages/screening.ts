/**
 * Screening round (issue 15), `/jury/:c/screening` with the juror's token (the same as the jury page):
 * the juror's queue of assigned entries, scored 1–10 per criterion (with the rubric anchors) and locked one
 * by one, with progress; and for the chair the round view: assign k, the ranking by normalized (z) score
 * beside the raw mean, the draft shortlist with adjustments and their reasons, and the freeze.
 * Phone first; `?projector=1` sets large type for the chair's ranking on a projector.
 */
import '../styles/app.css';
import '../styles/jury.css';
import '../styles/screening.css';
import type { AssignmentView, CategoryView, Criterion, JurorView, ReviewView, ScreeningRanking, ScreeningView } from '@laurel/contracts';
import { Api, ApiError, enc } from '../lib/api.js';
import { chrome } from '../lib/chrome.js';
import { confirmDialog, h, replace } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { anchorHint, anchorLevels, anchorLine } from '../lib/rubric.js';
import { param, takeToken } from '../lib/session.js';

type QueueItem = NonNullable<ScreeningView['queue']>[number];

export async function mount(root: HTMLElement, ceremony: string): Promise<void> {
  const token = takeToken('jury');
  const ui = chrome(t('scrTitle'));
  const api = new Api(token);
  const main = h('main', { class: `page jury screening${param('projector') === '1' ? ' projector' : ''}` }, ui.alerts, h('p', { class: 'muted' }, t('loading')));
  replace(root, ui.bar, main);
  ui.conn.classList.add('hidden');
  document.title = `${t('scrTitle')} – Laurel`;
  if (!token) {
    ui.showError(t('noToken'));
    replace(main, ui.alerts);
    return;
  }

  let juror: JurorView;
  let category: CategoryView;
  try {
    juror = await api.request<JurorView>('GET', `/ceremonies/${enc(ceremony)}/me`);
    const view = await api.ceremony(ceremony);
    category = view.categories.find((c) => c.id === juror.categoryId)!;
  } catch (err) {
    const e = err as ApiError;
    ui.showError(e.status === 401 || e.status === 403 ? `${t('authError')}: ${e.message}` : e.message, e.status === 401 || e.status === 403 ? t('authErrorHelp') : undefined);
    replace(main, ui.alerts);
    return;
  }
  ui.setTitle(`${category.name} · ${t('scrTitle')}`);
  const base = `/ceremonies/${enc(ceremony)}/categories/${enc(category.id)}/screening`;
  const criteria: Criterion[] = category.criteria.length ? category.criteria : [{ key: 'overall', label: t('overall'), weight: 1 }];

  let round: ScreeningView;
  try {
    round = await api.request<ScreeningView>('GET', base);
  } catch (err) {
    const e = err as ApiError;
    replace(main, ui.alerts, h('div', { class: 'panel' }, e.status === 404 ? t('scrNoRound') : e.message));
    return;
  }

  const progressText = h('p', { class: 'scr-progress-text', role: 'status', 'aria-live': 'polite' });
  const progressBar = h('progress', { class: 'scr-progress', max: 1, value: 0 });
  const queueList = h('div', { class: 'scr-queue' });
  const onlyOpen = h('input', { type: 'checkbox', id: 'only-open' });
  const queue: QueueItem[] = round.queue ?? [];

  function renderProgress(): void {
    const locked = queue.filter((q) => q.review.lockedAt).length;
    progressText.textContent = t('scrProgress', { locked, total: queue.length });
    progressBar.max = Math.max(1, queue.length);
    progressBar.value = locked;
  }

  function entryCard(item: QueueItem): HTMLElement {
    const scores: Record<string, number> = { ...item.review.scores };
    const card = h('article', { class: `nominee scr-entry${item.review.lockedAt ? ' is-locked' : ''}${item.review.conflict ? ' conflicted' : ''}`, 'data-entry': item.id });
    const state = h('span', { class: `badge ${item.review.lockedAt ? 'badge-ok' : ''}` }, item.review.lockedAt ? t('scrLocked') : t('scrDraft'));
    const lockBtn = h('button', { class: 'btn btn-primary', type: 'button' }, t('scrLockEntry'));
    const error = h('p', { class: 'field-error', role: 'alert' });
    const complete = () => criteria.every((c) => typeof scores[c.key] === 'number');
    const sync = () => {
      lockBtn.disabled = !!item.review.lockedAt || !complete();
      lockBtn.classList.toggle('hidden', !!item.review.lockedAt);
    };
    const save = async () => {
      try {
        await api.request<ReviewView>('PUT', `${base}/reviews/${enc(item.id)}`, { scores });
        error.textContent = '';
      } catch (err) {
        error.textContent = (err as Error).message;
      }
    };
    const fields = criteria.map((crit) => {
      const name = `r-${item.id}-${crit.key}`;
      const seg = h('div', { class: 'seg' });
      const hint = anchorLevels(crit.anchors).length ? h('p', { class: 'anchor-hint muted small', 'aria-live': 'polite' }) : null;
      const showHint = (v: number | undefined) => {
        if (hint) hint.textContent = v === undefined ? anchorLevels(crit.anchors).map((a) => `${a.level} — ${a.text}`).join(' · ') : anchorLine(anchorHint(crit.anchors, v));
      };
      for (let v = 1; v <= 10; v++) {
        const input = h('input', { type: 'radio', name, value: v, id: `${name}-${v}`, class: 'sr-only', disabled: item.review.lockedAt ? true : undefined });
        if (scores[crit.key] === v) input.checked = true;
        input.addEventListener('change', () => {
          scores[crit.key] = v;
          showHint(v);
          sync();
          void save();
        });
        input.addEventListener('focus', () => showHint(v));
        seg.append(input, h('label', { for: `${name}-${v}`, title: hint ? anchorLine(anchorHint(crit.anchors, v)) : undefined }, String(v)));
      }
      showHint(scores[crit.key]);
      return h('fieldset', { class: 'criterion' }, h('legend', null, h('span', null, crit.label)), seg, hint);
    });
    lockBtn.addEventListener('click', () => {
      void (async () => {
        lockBtn.disabled = true;
        try {
          const res = await api.request<ReviewView>('POST', `${base}/reviews/${enc(item.id)}/lock`);
          item.review.lockedAt = res.lockedAt;
          card.classList.add('is-locked');
          for (const input of card.querySelectorAll('input')) input.disabled = true;
          state.textContent = t('scrLocked');
          state.classList.add('badge-ok');
          renderProgress();
          if (onlyOpen.checked) card.classList.add('hidden');
        } catch (err) {
          error.textContent = (err as Error).message;
        }
        sync();
      })();
    });
    sync();
    replace(
      card,
      h('div', { class: 'scr-entry-head' }, h('h3', { class: 'serif nominee-h' }, item.organisation ?? item.title ?? item.id), state),
      item.organisation && item.title ? h('p', { class: 'nominee-sub' }, item.title) : null,
      item.description ? h('p', { class: 'muted small scr-desc' }, item.description) : null,
      item.review.conflict ? h('div', { class: 'conflict-note' }, h('span', { class: 'badge badge-danger' }, t('conflicted')), h('span', null, item.review.conflict)) : h('div', { class: 'criteria' }, fields),
      h('div', { class: 'row' }, lockBtn),
      error,
    );
    return card;
  }

  onlyOpen.addEventListener('change', () => {
    for (const card of queueList.querySelectorAll<HTMLElement>('.scr-entry')) card.classList.toggle('hidden', onlyOpen.checked && card.classList.contains('is-locked'));
  });

  const sections: HTMLElement[] = [];
  if (round.status === 'open') sections.push(h('div', { class: 'panel' }, t('scrNotAssigned')));
  if (queue.length) {
    replace(queueList, queue.map(entryCard));
    renderProgress();
    sections.push(
      h(
        'section',
        { class: 'panel scr-queue-panel', 'aria-labelledby': 'queue-h' },
        h('h2', { id: 'queue-h' }, t('scrQueue')),
        progressBar,
        progressText,
        h('label', { class: 'check' }, onlyOpen, ` ${t('scrOnlyOpen')}`),
        queueList,
      ),
    );
  }
  if (juror.chair) sections.unshift(chairView());
  replace(main, ui.alerts, ...sections);

  // ---- the chair's round view ----------------------------------------------------------------------
  function chairView(): HTMLElement {
    const panel = h('section', { class: 'panel scr-chair', 'aria-labelledby': 'chair-h' });
    const kInput = h('input', { type: 'number', min: 1, max: 20, value: round.k ?? 3, id: 'scr-k', class: 'input scr-k' });
    const assignBtn = h('button', { class: 'btn', type: 'button' }, t('scrAssign'));
    const assignInfo = h('p', { class: 'muted small', role: 'status' });
    const table = h('div', { class: 'scr-ranking' });
    const draftBox = h('div', { class: 'scr-draft' });
    const note = h('p', { class: 'muted small' });
    const freezeBtn = h('button', { class: 'btn btn-danger', type: 'button' }, t('scrFreeze'));
    const error = h('p', { class: 'field-error', role: 'alert' });
    assignBtn.disabled = round.status !== 'open' && round.progress.locked > 0;
    assignBtn.addEventListener('click', () => {
      void (async () => {
        try {
          const res = await api.request<AssignmentView>('POST', `${base}/assignment`, { k: Number(kInput.value) });
          assignInfo.textContent = t('scrLoads', { min: res.minLoad, max: res.maxLoad });
          location.reload();
        } catch (err) {
          error.textContent = (err as Error).message;
        }
      })();
    });

    async function load(): Promise<void> {
      if (round.status === 'open') return;
      try {
        render(await api.request<ScreeningRanking>('GET', `${base}/ranking`));
      } catch (err) {
        error.textContent = (err as Error).message;
      }
    }

    async function adjust(entryId: string, onShortlist: boolean, name: string): Promise<void> {
      const reason = h('textarea', { class: 'input', rows: 3, maxlength: 1000, 'aria-label': t('scrReason') });
      const ok = await confirmDialog({ title: `${onShortlist ? t('scrAdd') : t('scrRemove')}: ${name}`, body: [h('label', null, t('scrReason'), reason)], confirmLabel: onShortlist ? t('scrAdd') : t('scrRemove'), cancelLabel: t('cancel') });
      if (!ok) return;
      try {
        render(await api.request<ScreeningRanking>('POST', `${base}/shortlist/adjustments`, { entryId, onShortlist, reason: reason.value }));
        error.textContent = '';
      } catch (err) {
        error.textContent = (err as Error).message;
      }
    }

    function render(ranking: ScreeningRanking): void {
      const draft = new Set(ranking.draft);
      const fmt = (n: number | null, d: number) => (n === null ? '–' : n.toFixed(d));
      const frozen = ranking.frozen !== null;
      replace(
        table,
        h(
          'table',
          { class: 'table scr-table' },
          h('thead', null, h('tr', null, h('th', null, t('scrRank')), h('th', null, t('scrEntry')), h('th', { class: 'num' }, t('scrNormalized')), h('th', { class: 'num' }, t('scrRaw')), h('th', { class: 'num' }, t('scrRawRank')), h('th', { class: 'num' }, t('scrReviews')), h('th', null, ''))),
          h(
            'tbody',
            null,
            ranking.entries.map((e) => {
              const name = e.organisation ?? e.title ?? e.id;
              const on = draft.has(e.id);
              const btn = h('button', { class: 'btn btn-ghost btn-small', type: 'button', disabled: frozen ? true : undefined }, on ? t('scrRemove') : t('scrAdd'));
              btn.addEventListener('click', () => void adjust(e.id, !on, name));
              return h(
                'tr',
                { class: on ? 'on-draft' : '' },
                h('td', { class: 'num' }, String(e.rank)),
                h('td', null, name, e.title && e.organisation ? h('span', { class: 'muted small' }, ` · ${e.title}`) : null),
                h('td', { class: 'num' }, fmt(e.normalized, 2)),
                h('td', { class: 'num' }, fmt(e.raw, 2)),
                h('td', { class: `num${e.rawRank !== e.rank ? ' moved' : ''}` }, String(e.rawRank)),
                h('td', { class: 'num' }, String(e.reviews)),
                h('td', null, btn),
              );
            }),
          ),
        ),
      );
      const byId = new Map(ranking.entries.map((e) => [e.id, e]));
      replace(
        draftBox,
        h('h3', null, t('scrDraftList')),
        h('ol', { class: 'scr-draft-list' }, ranking.draft.map((id) => h('li', null, byId.get(id)?.organisation ?? byId.get(id)?.title ?? id))),
        ranking.adjustments.length
          ? h('ul', { class: 'muted small scr-adjustments' }, ranking.adjustments.map((a) => h('li', null, `${a.action === 'add' ? '+' : '−'} ${byId.get(a.entryId)?.organisation ?? a.entryId}: ${a.reason} (${a.by}, ${formatDateTime(a.at)})`)))
          : null,
      );
      const notes = [ranking.progress.locked < ranking.progress.total ? t('scrProvisional') : '', ranking.flatJurors.length ? t('scrFlat', { names: String(ranking.flatJurors.length) }) : '', frozen ? t('scrFrozen', { at: formatDateTime(ranking.frozen!.at) }) : ''];
      note.textContent = notes.filter(Boolean).join(' ');
      freezeBtn.disabled = frozen || ranking.progress.locked < ranking.progress.total;
    }

    freezeBtn.addEventListener('click', () => {
      void (async () => {
        const ok = await confirmDialog({ title: t('scrFreeze'), body: [h('p', null, t('scrFreezeBody'))], confirmLabel: t('scrFreeze'), cancelLabel: t('cancel'), danger: true });
        if (!ok) return;
        try {
          await api.request('POST', `${base}/shortlist/freeze`);
          await load();
        } catch (err) {
          error.textContent = (err as Error).message;
        }
      })();
    });

    void load();
    replace(
      panel,
      h('h2', { id: 'chair-h' }, t('scrChair')),
      h('p', { class: 'muted small' }, t('scrProgress', { locked: round.progress.locked, total: round.progress.total })),
      round.status === 'frozen' ? null : h('div', { class: 'row scr-assign' }, h('label', { for: 'scr-k' }, t('scrK')), kInput, assignBtn),
      assignInfo,
      round.jurors ? h('p', { class: 'muted small' }, round.jurors.map((j) => `${j.name}: ${j.locked}/${j.assigned}`).join(' · ')) : null,
      h('h3', null, t('scrRanking')),
      note,
      table,
      draftBox,
      h('div', { class: 'row' }, freezeBtn),
      error,
    );
    return panel;
  }
}
