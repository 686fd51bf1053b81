/**
 * The admin's review of a category's submissions (entrant intake), inside the admin page's category
 * block: the ones waiting, each with its answers as text and what today's eligibility rules say of it;
 * accept (it becomes an entry the shortlist is chosen from) or reject with a reason.
 */
import type { IntakeFormView, IntakeReviewResult, IntakeSubmissionAdminView, IntakeSubmissionPage } from '@laurel/contracts';
import { ApiError, enc, type Api } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { lang, t } from '../lib/i18n.js';

export function intakeReview(api: () => Api, ceremony: () => string, categoryId: string): HTMLElement {
  const box = h('div', { class: 'stack review', 'aria-live': 'polite' });
  const load = h('button', { class: 'btn btn-ghost', type: 'button' }, t('reviewLoad'));
  const section = h('section', { class: 'stack', 'aria-labelledby': `rev-h-${categoryId}` }, h('h3', { class: 'small-h', id: `rev-h-${categoryId}` }, t('reviewTitle')), load, box);
  const base = () => `/ceremonies/${enc(ceremony())}/categories/${enc(categoryId)}/intake`;

  async function refresh(note?: string): Promise<void> {
    let form: IntakeFormView;
    let page: IntakeSubmissionPage;
    try {
      [form, page] = await Promise.all([api().request<IntakeFormView>('GET', base()), api().request<IntakeSubmissionPage>('GET', `${base()}/submissions?status=submitted&limit=500`)]);
    } catch (err) {
      replace(box, h('p', { class: 'muted' }, err instanceof ApiError && err.status === 404 ? t('reviewNoForm') : String((err as Error).message)));
      return;
    }
    load.classList.add('hidden');
    // In the form's order (a stored submission's keys come back in the database's order).
    const answered = (s: IntakeSubmissionAdminView) => form.fields.filter((f) => s.answers[f.key]).map((f) => ({ label: lang === 'en' ? f.label.en : f.label.sv, value: s.answers[f.key] }));
    replace(
      box,
      note ? h('p', { class: 'ok', role: 'status' }, note) : null,
      h('p', { class: 'muted small' }, page.total ? t('reviewCount', { n: page.total }) : t('reviewNone')),
      h('ul', { class: 'review-list' }, page.submissions.map((s) => item(s, answered(s)))),
    );
  }

  function item(s: IntakeSubmissionAdminView, answers: { label: string; value: string }[]): HTMLElement {
    const msg = h('div', { 'aria-live': 'assertive' });
    const accept = h('button', { class: 'btn btn-gold btn-sm', type: 'button', disabled: s.ineligibility !== null }, t('reviewAccept'));
    const reasonId = `rev-reason-${s.id}`;
    const reason = h('input', { type: 'text', id: reasonId, minlength: 3, maxlength: 500 });
    const reject = h('button', { class: 'btn btn-sm', type: 'submit' }, t('reviewReject'));
    const rejectForm = h('form', { class: 'row' }, h('label', { class: 'field', for: reasonId }, t('reviewReason'), reason), reject);
    const act = (call: () => Promise<IntakeReviewResult>, done: string) => {
      void (async () => {
        try {
          await call();
          await refresh(done);
        } catch (err) {
          replace(msg, h('p', { class: 'bad' }, err instanceof Error ? err.message : String(err)));
        }
      })();
    };
    accept.addEventListener('click', () => act(() => api().request('POST', `${base()}/submissions/${enc(s.id)}/accept`), t('reviewAccepted')));
    rejectForm.addEventListener('submit', (e) => {
      e.preventDefault();
      act(() => api().request('POST', `${base()}/submissions/${enc(s.id)}/reject`, { reason: reason.value.trim() }), t('reviewRejected'));
    });
    return h(
      'li',
      { class: 'review-item stack' },
      h('dl', { class: 'review-answers' }, answers.flatMap((a) => [h('dt', null, a.label), h('dd', null, a.value)])),
      h('p', { class: 'muted small' }, formatDateTime(s.submittedAt)),
      h('p', { class: s.ineligibility ? 'bad' : 'ok' }, s.ineligibility ?? t('reviewEligible')),
      h('div', { class: 'row' }, accept),
      rejectForm,
      msg,
    );
  }

  load.addEventListener('click', () => void refresh());
  return section;
}
