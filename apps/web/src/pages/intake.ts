/**
 * Entrant intake: a category's public submission form (phone first, sv/en). After a submission it shows
 * the receipt code and the edit link (`#receipt=…`: the fragment never reaches a server); with that
 * link it shows the entrant's own submission and lets them change it until the deadline. Field errors
 * come from the server, worded here by their code, each tied to its field (aria-describedby), and the
 * first one gets the focus. Everything from the server is set as text.
 */
import '../styles/app.css';
import '../styles/intake.css';
import type { IntakeFormView, IntakeReceipt, IntakeSubmissionView } from '@laurel/contracts';
import { Api, ApiError, enc } from '../lib/api.js';
import { copyText, h, replace } from '../lib/dom.js';
import { lang, locale, t, type MsgKey } from '../lib/i18n.js';

type Field = IntakeFormView['fields'][number];
interface Problem {
  path: string;
  code?: string;
  message: string;
  limit?: number;
}

const RECEIPT_HEADER = 'Laurel-Receipt';
/** The server's problem codes this page words itself (anything else: the server's message). */
const WORDED = new Set(['required', 'tooLong', 'markup', 'singleLine', 'control', 'url', 'email', 'notText', 'unknown', 'trap']);

function receiptFromFragment(): string | null {
  return new URLSearchParams(location.hash.replace(/^#/, '')).get('receipt');
}

export function mount(root: HTMLElement, ceremony: string, category = ''): void {
  document.body.className = 'app intake-body';
  const api = new Api(null);
  const path = `/ceremonies/${enc(ceremony)}/categories/${enc(category)}/intake`;
  let form: IntakeFormView | null = null;

  const main = h('main', { class: 'intake', id: 'main' });
  replace(root, main);
  replace(main, h('p', { class: 'muted' }, t('loading')));

  const label = (f: Field): string => (lang === 'en' ? f.label.en : f.label.sv);
  const help = (f: Field): string | null => (f.help ? (lang === 'en' ? f.help.en : f.help.sv) : null);
  const maxOf = (f: Field): number => f.maxLength ?? { text: 500, longText: 4000, url: 2000, organisation: 300, email: 254 }[f.kind];

  function deadlineText(v: IntakeFormView): string {
    const when = new Intl.DateTimeFormat(locale, { timeZone: v.ceremony.timezone, dateStyle: 'long', timeStyle: 'short' }).format(new Date(v.deadlineAt));
    return `${when} ${t('intakeDeadlineZone', { zone: v.ceremony.timezone })}`;
  }

  function langLink(): HTMLElement {
    const url = new URL(location.href);
    if (lang === 'en') url.searchParams.delete('lang');
    else url.searchParams.set('lang', 'en');
    return h('a', { class: 'intake-lang', href: url.pathname + url.search + url.hash, lang: lang === 'en' ? 'sv' : 'en' }, t('intakeLangSwitch'));
  }

  function header(v: IntakeFormView): HTMLElement {
    return h(
      'header',
      { class: 'intake-head' },
      h('div', { class: 'row between' }, h('p', { class: 'intake-kicker' }, v.ceremony.name), langLink()),
      h('h1', { class: 'display intake-title' }, v.category.name),
      v.category.description ? h('p', { class: 'intake-lead' }, v.category.description) : null,
      v.category.eligibility ? h('p', { class: 'muted small' }, v.category.eligibility) : null,
      h('p', { class: `intake-deadline ${v.open ? '' : 'closed'}` }, t('intakeDeadline', { when: deadlineText(v) })),
    );
  }

  function problemText(p: Problem): string {
    return p.code && WORDED.has(p.code) ? t(`intakeErr_${p.code}` as MsgKey, { limit: p.limit ?? '' }) : p.message;
  }

  /** The form, empty or with the entrant's answers; `receipt` set: an edit (PUT), else a new submission (POST). */
  function renderForm(v: IntakeFormView, answers: Record<string, string> = {}, receipt: string | null = null): void {
    const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>();
    const errors = new Map<string, HTMLElement>();
    const summary = h('div', { class: 'banner banner-error hidden', role: 'alert', tabindex: '-1', id: 'intake-summary' });
    const status = h('div', { role: 'status', 'aria-live': 'polite', class: 'intake-status' });

    const fieldEls = v.fields.map((f) => {
      const id = `f-${f.key}`;
      const helpId = `${id}-help`;
      const errId = `${id}-err`;
      const attrs = {
        id,
        name: f.key,
        required: f.required ?? false,
        maxlength: maxOf(f),
        'aria-describedby': helpId,
        autocomplete: f.kind === 'email' ? 'email' : f.kind === 'organisation' ? 'organization' : f.key === 'contactName' ? 'name' : f.kind === 'url' ? 'url' : 'off',
      };
      const input =
        f.kind === 'longText'
          ? h('textarea', { ...attrs, rows: 6 })
          : h('input', { ...attrs, type: f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : 'text', inputmode: f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : null });
      input.value = answers[f.key] ?? '';
      // The organisation kinds the category takes, offered as suggestions (typing another is still checked at review).
      const kinds = f.key === 'kind' && f.kind === 'text' ? v.category.eligibleKinds : [];
      const suggestions = kinds.length ? h('datalist', { id: `${id}-list` }, kinds.map((k) => h('option', { value: k }))) : null;
      if (suggestions) input.setAttribute('list', `${id}-list`);
      inputs.set(f.key, input);
      const error = h('p', { class: 'intake-error hidden', id: errId });
      errors.set(f.key, error);
      const hint = [help(f), t('intakeMaxChars', { n: maxOf(f) })].filter(Boolean).join(' ');
      return h(
        'div',
        { class: 'intake-field' },
        h('label', { for: id }, h('span', { class: 'intake-label' }, label(f)), ' ', h('span', { class: 'intake-req' }, `(${f.required ? t('intakeRequired') : t('intakeOptional')})`)),
        h('p', { class: 'intake-help', id: helpId }, hint),
        error,
        input,
        suggestions,
      );
    });

    // The honeypot: off-screen and out of the tab order; people never see it, form-filling bots fill it in.
    const trap = h('input', { type: 'text', id: 'f-trap', name: 'trap', tabindex: '-1', autocomplete: 'off' });
    const trapBox = h('div', { class: 'intake-hp', 'aria-hidden': 'true' }, h('label', { for: 'f-trap' }, t('intakeTrapLabel')), trap);
    const send = h('button', { class: 'btn btn-gold btn-lg intake-send', type: 'submit' }, receipt ? t('intakeSave') : t('intakeSend'));
    const formEl = h('form', { class: 'intake-form stack', novalidate: true, 'aria-labelledby': 'intake-form-h' }, summary, ...fieldEls, trapBox, send, status);

    function showProblems(problems: Problem[]): void {
      for (const [key, el] of errors) {
        el.classList.add('hidden');
        el.textContent = '';
        const input = inputs.get(key)!;
        input.removeAttribute('aria-invalid');
        input.setAttribute('aria-describedby', `f-${key}-help`);
      }
      const listed: HTMLElement[] = [];
      let first: HTMLElement | null = null;
      for (const p of problems) {
        const key = p.path.replace(/^answers\./, '');
        const input = p.path === 'trap' ? trap : inputs.get(key);
        const text = problemText(p);
        const error = errors.get(key);
        if (error && input) {
          error.textContent = text;
          error.classList.remove('hidden');
          input.setAttribute('aria-invalid', 'true');
          input.setAttribute('aria-describedby', `f-${key}-err f-${key}-help`);
          first ??= input;
          const f = v.fields.find((x) => x.key === key)!;
          listed.push(h('li', null, h('a', { href: `#f-${key}` }, label(f)), `: ${text}`));
        } else listed.push(h('li', null, text));
      }
      if (!problems.length) {
        summary.classList.add('hidden');
        return;
      }
      replace(summary, h('strong', null, t('intakeFixSummary', { n: problems.length })), h('ul', null, listed));
      summary.classList.remove('hidden');
      (first ?? summary).focus();
    }

    formEl.addEventListener('submit', (e) => {
      e.preventDefault();
      void (async () => {
        const body = { answers: Object.fromEntries([...inputs].map(([k, el]) => [k, el.value])), ...(trap.value ? { trap: trap.value } : {}) };
        send.disabled = true;
        status.textContent = t('intakeSending');
        try {
          if (receipt) {
            const saved = await api.request<IntakeSubmissionView>('PUT', '/intake/submission', body, { headers: { [RECEIPT_HEADER]: receipt } });
            renderMine(v, saved, receipt, t('intakeSaved'));
          } else {
            const made = await api.request<IntakeReceipt>('POST', `${path}/submissions`, body);
            renderReceipt(v, made);
          }
        } catch (err) {
          send.disabled = false;
          status.textContent = '';
          if (err instanceof ApiError && err.status === 409 && err.fieldProblems.some((p) => p.path === 'deadline')) {
            renderClosed({ ...v, open: false }, receipt);
            return;
          }
          const problems = err instanceof ApiError ? (err.fieldProblems as Problem[]) : [];
          if (err instanceof ApiError && err.status === 400 && problems.length) showProblems(problems);
          else {
            const message = err instanceof ApiError && err.status === 429 ? t('intakeTooMany') : t('intakeErr_other', { message: err instanceof Error ? err.message : String(err) });
            replace(summary, h('strong', null, message));
            summary.classList.remove('hidden');
            summary.focus();
          }
        }
      })();
    });

    replace(main, header(v), h('section', { class: 'panel' }, h('h2', { id: 'intake-form-h' }, receipt ? t('intakeEdit') : t('intakeTitle')), formEl));
  }

  function answerList(v: IntakeFormView, answers: Record<string, string>): HTMLElement {
    return h(
      'dl',
      { class: 'intake-answers' },
      v.fields.filter((f) => answers[f.key]).flatMap((f) => [h('dt', null, label(f)), h('dd', null, answers[f.key])]),
    );
  }

  function renderReceipt(v: IntakeFormView, made: IntakeReceipt): void {
    // The edit link keeps the page's language (`?lang=en` before the fragment).
    const editPath = lang === 'en' ? made.editPath.replace('#', '?lang=en#') : made.editPath;
    const link = `${location.origin}${editPath}`;
    const copy = h('button', { class: 'btn btn-sm', type: 'button' }, t('copy'));
    copy.addEventListener('click', () => {
      void copyText(link).then((ok) => (copy.textContent = ok ? t('copied') : t('copy')));
    });
    const grouped = made.receipt.replace(/(.{5})(?=.)/g, '$1-');
    const thanks = h(
      'section',
      { class: 'panel stack intake-receipt', 'aria-labelledby': 'intake-thanks' },
      h('h2', { id: 'intake-thanks', tabindex: '-1' }, t('intakeThanks')),
      h('p', null, t('intakeReceipt')),
      h('p', { class: 'mono intake-code', id: 'intake-code' }, grouped),
      h('p', { class: 'small' }, t('intakeReceiptHelp')),
      h('p', null, h('span', { class: 'intake-label' }, t('intakeEditLink')), h('br'), h('a', { class: 'mono', href: editPath, id: 'intake-edit-link' }, link)),
      h('div', { class: 'row' }, copy),
    );
    replace(main, header(v), thanks, mineSection(v, made, made.receipt));
    (thanks.querySelector('h2') as HTMLElement).focus();
  }

  function mineSection(v: IntakeFormView, mine: IntakeSubmissionView, receipt: string): HTMLElement {
    const edit = h('button', { class: 'btn btn-gold', type: 'button', id: 'intake-edit' }, t('intakeEdit'));
    edit.addEventListener('click', () => renderForm(v, mine.answers, receipt));
    return h(
      'section',
      { class: 'panel stack', 'aria-labelledby': 'intake-yours' },
      h('h2', { id: 'intake-yours' }, t('intakeYours')),
      h('p', { class: `badge ${mine.status === 'accepted' ? 'badge-ok' : mine.status === 'rejected' ? 'badge-muted' : 'badge-gold'}` }, t(`intakeStatus_${mine.status}` as MsgKey)),
      h('p', { class: 'muted small' }, t('intakeSubmittedAt', { when: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(mine.submittedAt)) })),
      answerList(v, mine.answers),
      mine.editable ? edit : h('p', { class: 'muted' }, t('intakeLocked')),
    );
  }

  function renderMine(v: IntakeFormView, mine: IntakeSubmissionView, receipt: string, note?: string): void {
    const saved = note ? h('div', { class: 'banner banner-ok', role: 'status', tabindex: '-1' }, note) : null;
    replace(main, header(v), saved, mine.editable || v.open ? null : closedBanner(v), mineSection(v, mine, receipt));
    saved?.focus();
  }

  function closedBanner(v: IntakeFormView): HTMLElement {
    return h('div', { class: 'banner banner-warn intake-closed', role: 'status' }, h('strong', null, t('intakeClosed')), t('intakeClosedBody', { when: deadlineText(v), category: v.category.name }));
  }

  function renderClosed(v: IntakeFormView, receipt: string | null): void {
    if (receipt) {
      void showMine(v, receipt);
      return;
    }
    const banner = closedBanner(v);
    banner.setAttribute('tabindex', '-1');
    replace(main, header(v), banner);
    banner.focus();
  }

  async function showMine(v: IntakeFormView, receipt: string): Promise<void> {
    try {
      const mine = await api.request<IntakeSubmissionView>('GET', '/intake/submission', undefined, { headers: { [RECEIPT_HEADER]: receipt } });
      renderMine(v, mine, receipt);
    } catch (err) {
      const text = err instanceof ApiError && err.status === 404 ? t('intakeNoReceipt') : err instanceof ApiError && err.status === 429 ? t('intakeTooMany') : t('intakeErr_other', { message: String((err as Error).message) });
      replace(main, header(v), h('div', { class: 'banner banner-error', role: 'alert' }, text), v.open ? h('p', null, h('a', { href: location.pathname + location.search }, t('intakeNewSubmission'))) : closedBanner(v));
    }
  }

  async function start(): Promise<void> {
    try {
      form = await api.request<IntakeFormView>('GET', path);
    } catch (err) {
      replace(main, h('div', { class: 'banner banner-error', role: 'alert' }, t('intakeNotFound', { message: err instanceof Error ? err.message : String(err) })));
      return;
    }
    document.title = `${form.category.name} · ${t('intakeTitle')}`;
    const receipt = receiptFromFragment();
    if (receipt) await showMine(form, receipt);
    else if (form.open) renderForm(form);
    else renderClosed(form, null);
  }

  // Following another edit link only changes the fragment: show that submission.
  addEventListener('hashchange', () => void start());
  void start();
}
