/**
 * The jury page's deliberation panel (issue 15): one thread per nominee the juror may discuss (the jury leaves
 * out those they are conflicted with), open once their own ballot is locked. The socket only says that a
 * thread changed (`deliberation`, to the jurors who may read it); the text is fetched here over REST.
 */
import type { CategoryView, DeliberationView, JurorView } from '@laurel/contracts';
import { ApiError, enc, type Api } from './api.js';
import { h, replace } from './dom.js';
import { formatTime, nomineeName } from './format.js';
import { t } from './i18n.js';

export interface DeliberationPanel {
  el: HTMLElement;
  refresh(): Promise<void>;
  /** Before the juror's own lock: says that it opens then, without asking the jury (which would answer 409). */
  showClosed(): void;
}

export function deliberationPanel(api: Api, ceremony: string, category: CategoryView, juror: JurorView): DeliberationPanel {
  const el = h('section', { class: 'panel deliberation', 'aria-labelledby': 'delib-h' });
  const base = `/ceremonies/${enc(ceremony)}/categories/${enc(category.id)}/deliberation`;
  const drafts = new Map<string, string>();

  async function refresh(): Promise<void> {
    let view: DeliberationView;
    try {
      view = await api.request<DeliberationView>('GET', base);
    } catch (err) {
      const closed = err instanceof ApiError && err.status === 409;
      replace(el, h('h2', { id: 'delib-h' }, t('delibTitle')), h('p', { class: 'muted' }, closed ? t('delibClosed') : (err as Error).message));
      return;
    }
    replace(
      el,
      h('h2', { id: 'delib-h' }, t('delibTitle')),
      view.threads.map((thread) => {
        const nominee = category.nominees.find((n) => n.id === thread.nomineeId);
        const text = h('textarea', { class: 'input', rows: 2, maxlength: 2000, placeholder: t('delibPlaceholder'), 'aria-label': `${t('delibComment')}: ${nomineeName(nominee)}` });
        text.value = drafts.get(thread.nomineeId) ?? '';
        text.addEventListener('input', () => drafts.set(thread.nomineeId, text.value));
        const send = h('button', { class: 'btn', type: 'button' }, t('delibComment'));
        const error = h('p', { class: 'field-error', role: 'alert' });
        send.addEventListener('click', () => {
          void (async () => {
            if (!text.value.trim()) return;
            try {
              await api.request('POST', `${base}/${enc(thread.nomineeId)}/comments`, { text: text.value });
              drafts.delete(thread.nomineeId);
              await refresh();
            } catch (err) {
              error.textContent = (err as Error).message;
            }
          })();
        });
        const mark = juror.chair ? h('button', { class: 'btn btn-ghost btn-sm', type: 'button' }, thread.discussed ? `✓ ${t('delibDiscussed')}` : t('delibMarkDiscussed')) : null;
        mark?.addEventListener('click', () => {
          void (async () => {
            try {
              await api.request('PUT', `${base}/${enc(thread.nomineeId)}/discussed`, { discussed: !thread.discussed });
              await refresh();
            } catch (err) {
              error.textContent = (err as Error).message;
            }
          })();
        });
        return h(
          'article',
          { class: `thread${thread.discussed ? ' discussed' : ''}`, 'data-nominee': thread.nomineeId },
          h('div', { class: 'row between' }, h('h3', { class: 'serif' }, nomineeName(nominee)), thread.discussed ? h('span', { class: 'badge badge-ok' }, t('delibDiscussed')) : null),
          thread.comments.length
            ? h('ol', { class: 'comments' }, thread.comments.map((c) => h('li', null, h('span', { class: 'muted small' }, `${c.author} · ${formatTime(c.at)}`), h('p', null, c.text))))
            : h('p', { class: 'muted small' }, t('delibNone')),
          text,
          h('div', { class: 'row' }, send, mark),
          error,
        );
      }),
    );
  }

  function showClosed(): void {
    replace(el, h('h2', { id: 'delib-h' }, t('delibTitle')), h('p', { class: 'muted' }, t('delibClosed')));
  }

  return { el, refresh, showClosed };
}
