/**
 * Admin: import a ceremony file (every schema problem listed with its JSON path), list categories,
 * add jurors, issue and revoke access tokens, shown as links and QR codes for phones and screens.
 */
import '../styles/app.css';
import '../styles/admin.css';
import QRCode from 'qrcode';
import { formatAnchor, parseAnchor, type AuditVerification, type CeremonyView, type ImportCeremonyResult, type IssuedToken, type JurorView, type TokenInfo, type TokenRole } from '@laurel/contracts';
import { Api, ApiError, enc } from '../lib/api.js';
import { chrome } from '../lib/chrome.js';
import { confirmDialog, copyText, h, replace } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { t, type MsgKey } from '../lib/i18n.js';
import { getStored, param, setStored, tokenLink } from '../lib/session.js';
import { intakeReview } from './intake-review.js';

const TOKEN_KEY = 'laurel.adminToken';
const CEREMONY_KEY = 'laurel.admin.ceremony';
const ROLES: TokenRole[] = ['producer', 'screen', 'press', 'juror'];

export function mount(root: HTMLElement): void {
  // `/admin?keycards=<ceremony>`: the printable key cards of one ceremony (same tab, same admin token).
  const keycards = param('keycards');
  if (keycards) {
    void import('./keycards.js').then((m) => m.mountKeycards(root, keycards, getStored(TOKEN_KEY)));
    return;
  }
  // `/admin?tickets=<ceremony>`: voter tickets for the audience vote, as QR codes and CSV.
  const tickets = param('tickets');
  if (tickets) {
    void import('./tickets.js').then((m) => m.mountTickets(root, tickets, getStored(TOKEN_KEY)));
    return;
  }
  const ui = chrome(t('adminTitle'));
  ui.conn.classList.add('hidden');
  document.title = `${t('adminTitle')} – Laurel`;
  let adminToken = getStored(TOKEN_KEY);
  let api = new Api(adminToken);

  // ---- token ----
  const tokenInput = h('input', { type: 'password', id: 'admin-token', autocomplete: 'off', spellcheck: 'false' });
  const tokenSave = h('button', { class: 'btn btn-gold', type: 'submit' }, t('save'));
  const tokenForget = h('button', { class: 'btn btn-ghost', type: 'button' }, t('signOut'));
  const tokenForm = h(
    'form',
    { class: 'panel stack', 'aria-labelledby': 'tok-h' },
    h('h2', { id: 'tok-h' }, t('adminToken')),
    h('label', { class: 'field', for: 'admin-token' }, t('adminToken'), tokenInput, h('span', { class: 'muted small' }, t('adminTokenHelp'))),
    h('div', { class: 'row' }, tokenSave, tokenForget),
  );
  tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    adminToken = tokenInput.value.trim() || null;
    setStored(TOKEN_KEY, adminToken);
    api = new Api(adminToken);
    tokenInput.value = '';
    renderTokenState();
    if (ceremonyInput.value) void load();
  });
  tokenForget.addEventListener('click', () => {
    adminToken = null;
    setStored(TOKEN_KEY, null);
    api = new Api(null);
    renderTokenState();
  });
  function renderTokenState(): void {
    tokenInput.placeholder = adminToken ? '••••••••••••' : '';
    tokenForget.classList.toggle('hidden', !adminToken);
    document.body.classList.toggle('no-admin-token', !adminToken);
  }

  // ---- import ----
  const fileText = h('textarea', { id: 'import-json', rows: 10, spellcheck: 'false', class: 'mono-area' });
  const fileInput = h('input', { type: 'file', id: 'import-file', accept: 'application/json,.json', class: 'sr-only' });
  const importMsg = h('div', { 'aria-live': 'assertive' });
  const importBtn = h('button', { class: 'btn btn-gold', type: 'submit' }, t('importButton'));
  fileInput.addEventListener('change', () => {
    void (async () => {
      const f = fileInput.files?.[0];
      if (f) fileText.value = await f.text();
    })();
  });
  const importForm = h(
    'form',
    { class: 'panel stack', 'aria-labelledby': 'imp-h' },
    h('h2', { id: 'imp-h' }, t('importTitle')),
    h('label', { class: 'field', for: 'import-json' }, t('importHelp'), fileText),
    h('div', { class: 'row' }, h('label', { class: 'btn btn-ghost', for: 'import-file' }, t('chooseFile')), fileInput, importBtn),
    importMsg,
  );
  importForm.addEventListener('submit', (e) => {
    void (async () => {
      e.preventDefault();
      replace(importMsg);
      let body: unknown;
      try {
        body = JSON.parse(fileText.value);
      } catch (err) {
        replace(importMsg, h('div', { class: 'banner banner-error', role: 'alert' }, t('invalidJson', { msg: (err as Error).message })));
        return;
      }
      importBtn.disabled = true;
      try {
        const res = await api.request<ImportCeremonyResult>('POST', '/ceremonies', body);
        replace(importMsg, h('div', { class: 'banner banner-ok', role: 'status' }, t('imported', { slug: res.slug, n: res.categories.length })));
        ceremonyInput.value = res.slug;
        await load();
      } catch (err) {
        replace(importMsg, errorBox(err));
      } finally {
        importBtn.disabled = false;
      }
    })();
  });

  // ---- ceremony ----
  const ceremonyInput = h('input', { type: 'text', id: 'ceremony', autocomplete: 'off', spellcheck: 'false' });
  ceremonyInput.value = param('c') ?? getStored(CEREMONY_KEY) ?? '';
  const loadForm = h(
    'form',
    { class: 'row ceremony-form' },
    h('label', { class: 'field grow', for: 'ceremony' }, `${t('ceremony')} (${t('ceremonyHelp')})`, ceremonyInput),
    h('button', { class: 'btn btn-gold', type: 'submit' }, t('load')),
  );
  loadForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  const ceremonyBox = h('div', { class: 'stack' });

  let view: CeremonyView | null = null;
  let jurors: JurorView[] = [];
  let tokens: TokenInfo[] = [];
  const issued: { token: IssuedToken; label: string | null }[] = [];

  async function load(): Promise<void> {
    const c = ceremonyInput.value.trim();
    if (!c) return;
    setStored(CEREMONY_KEY, c);
    replace(ceremonyBox, h('p', { class: 'muted' }, t('loading')));
    try {
      view = await api.ceremony(c);
    } catch (err) {
      replace(ceremonyBox, errorBox(err));
      return;
    }
    const [j, tk] = await Promise.allSettled([
      api.request<JurorView[]>('GET', `/ceremonies/${enc(c)}/jurors`),
      api.request<TokenInfo[]>('GET', `/ceremonies/${enc(c)}/tokens`),
    ]);
    jurors = j.status === 'fulfilled' ? (j.value ?? []) : [];
    tokens = tk.status === 'fulfilled' ? (tk.value ?? []) : [];
    renderCeremony([j, tk].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown));
  }

  function slug(): string {
    return view?.ceremony.slug ?? ceremonyInput.value.trim();
  }

  function renderCeremony(errors: unknown[] = []): void {
    if (!view) return;
    const v = view;
    const pub = `${location.origin}/c/${enc(v.ceremony.slug)}`;
    replace(
      ceremonyBox,
      ...errors.map((e) => errorBox(e)),
      h(
        'section',
        { class: 'panel' },
        h('h2', { class: 'display' }, v.ceremony.name),
        h('p', { class: 'muted' }, [v.ceremony.venue, v.ceremony.date, v.ceremony.slug].filter(Boolean).join(' · ')),
        linkRow(t('publicPage'), pub),
        h(
          'div',
          { class: 'row' },
          h('a', { class: 'btn btn-gold', href: `/admin?keycards=${enc(v.ceremony.slug)}` }, t('keycardsTitle')),
          v.categories.some((c) => c.vote) ? h('a', { class: 'btn', href: `/admin?tickets=${enc(v.ceremony.slug)}` }, t('ticketsTitle')) : null,
        ),
      ),
      renderTokens(),
      renderAudit(),
      h(
        'section',
        { class: 'panel stack', 'aria-labelledby': 'cat-h' },
        h('h2', { id: 'cat-h' }, t('categories')),
        [...v.categories].sort((a, b) => a.order - b.order).map((c) => categoryBlock(c.id, c.name, c.nominees.length, c.nominees.map((n) => ({ id: n.id, name: n.organisation ?? n.title ?? n.slug })))),
      ),
    );
  }

  /** The organiser checks the jury's audit chain against a head published outside the database. */
  function renderAudit(): HTMLElement {
    const input = h('input', { type: 'text', id: 'audit-anchor', class: 'mono', autocomplete: 'off', spellcheck: 'false', placeholder: '<hash>@<count>' });
    const latest = h('button', { class: 'btn btn-ghost', type: 'button' }, t('auditLatest'));
    const verify = h('button', { class: 'btn btn-gold', type: 'submit' }, t('auditVerify'));
    const out = h('div', { class: 'audit-result', role: 'status' });
    const form = h(
      'form',
      { class: 'stack' },
      h('label', { class: 'field', for: 'audit-anchor' }, t('auditHead'), input, h('span', { class: 'muted small' }, t('auditHelp'))),
      h('div', { class: 'row' }, latest, verify),
      out,
    );
    latest.addEventListener('click', () => {
      void (async () => {
        // The newest head anyone can read: the one the latest reveal carried (results are public).
        const results = await api.results(slug()).catch(() => []);
        const newest = results.map((r) => r.auditHead).filter((a): a is NonNullable<typeof a> => !!a).sort((a, b) => b.count - a.count)[0];
        if (newest) input.value = formatAnchor(newest);
        else replace(out, h('p', { class: 'muted' }, t('auditNoneYet')));
      })();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void (async () => {
        const text = input.value.trim();
        const anchor = text ? parseAnchor(text) : null;
        if (text && !anchor) {
          replace(out, h('p', { class: 'bad' }, t('auditBadAnchor')));
          return;
        }
        try {
          const q = anchor ? `?anchor=${enc(formatAnchor(anchor))}` : '';
          const v = await api.request<AuditVerification>('GET', `/ceremonies/${enc(slug())}/audit/verify${q}`);
          replace(
            out,
            v.ok
              ? h('p', { class: 'ok' }, anchor ? t('auditOk', { count: v.count }) : t('auditOkNoAnchor', { count: v.count }))
              : h('p', { class: 'bad' }, t('auditBroken', { at: v.brokenAt ?? '?', reason: v.reason ?? '?' }), v.reason === 'head mismatch' ? ` ${t('auditHeadMismatch')}` : ''),
          );
        } catch (err) {
          replace(out, errorBox(err));
        }
      })();
    });
    return h('section', { class: 'panel stack', 'aria-labelledby': 'audit-h' }, h('h2', { id: 'audit-h' }, t('auditTitle')), form);
  }

  function categoryBlock(catId: string, name: string, nomineeCount: number, nominees: { id: string; name: string }[]): HTMLElement {
    const list = jurors.filter((j) => j.categoryId === catId);
    const nameIn = h('input', { type: 'text', required: true, id: `jn-${catId}` });
    const affIn = h('input', { type: 'text', id: `ja-${catId}` });
    const titleIn = h('input', { type: 'text', id: `jt-${catId}` });
    const chairIn = h('input', { type: 'checkbox', id: `jc-${catId}` });
    const msg = h('div', { 'aria-live': 'assertive' });
    const form = h(
      'form',
      { class: 'juror-form' },
      h('label', { class: 'field', for: `jn-${catId}` }, t('name'), nameIn),
      h('label', { class: 'field', for: `ja-${catId}` }, t('affiliation'), affIn),
      h('label', { class: 'field', for: `jt-${catId}` }, t('title'), titleIn),
      h('label', { class: 'check', for: `jc-${catId}` }, chairIn, h('span', null, t('chair'))),
      h('button', { class: 'btn btn-gold', type: 'submit' }, t('add')),
      msg,
    );
    form.addEventListener('submit', (e) => {
      void (async () => {
        e.preventDefault();
        const body: Record<string, unknown> = { name: nameIn.value.trim() };
        if (affIn.value.trim()) body.affiliation = affIn.value.trim();
        if (titleIn.value.trim()) body.title = titleIn.value.trim();
        if (chairIn.checked) body.chair = true;
        try {
          await api.request('POST', `/ceremonies/${enc(slug())}/categories/${enc(catId)}/jurors`, body);
          await load();
        } catch (err) {
          replace(msg, errorBox(err));
        }
      })();
  });
    const nomName = (id: string): string => nominees.find((n) => n.id === id)?.name ?? id;
    return h(
      'details',
      { class: 'cat-block' },
      h('summary', null, h('span', { class: 'serif cat-name' }, name), h('span', { class: 'muted small' }, ` · ${nomineeCount} ${t('nomineesShort').toLowerCase()} · ${list.length} ${t('jurors').toLowerCase()}`)),
      h(
        'ul',
        { class: 'juror-list' },
        list.length
          ? list.map((j) =>
              h(
                'li',
                null,
                h('strong', null, j.name),
                j.chair ? h('span', { class: 'badge badge-gold' }, t('chair')) : null,
                h('span', { class: 'muted' }, [j.title, j.affiliation].filter(Boolean).join(', ')),
                j.conflicts.length
                  ? h('span', { class: 'small conflicts' }, `${t('conflicts')}: `, j.conflicts.map((c) => `${nomName(c.nomineeId)} (${c.reason})`).join('; '))
                  : null,
              ),
            )
          : h('li', { class: 'muted' }, t('none')),
      ),
      h('h3', { class: 'small-h' }, t('addJuror')),
      form,
      intakeReview(() => api, slug, catId),
      screeningOpener(catId),
    );
  }

  /** Issue 15: open the category's screening round on its entries (the chair assigns and runs it on the jury page). */
  function screeningOpener(catId: string): HTMLElement {
    const size = h('input', { type: 'number', min: 1, max: 100, id: `ss-${catId}`, class: 'input scr-k', placeholder: '6' });
    const msg = h('div', { 'aria-live': 'polite' });
    const btn = h('button', { class: 'btn', type: 'button' }, t('scrOpen'));
    btn.addEventListener('click', () => {
      void (async () => {
        try {
          const body = size.value ? { shortlistSize: Number(size.value) } : {};
          const round = await api.request<{ entries: number }>('POST', `/ceremonies/${enc(slug())}/categories/${enc(catId)}/screening`, body);
          replace(msg, h('div', { class: 'banner banner-ok', role: 'status' }, t('scrOpened', { n: round.entries })));
        } catch (err) {
          replace(msg, errorBox(err));
        }
      })();
    });
    return h('div', { class: 'screening-opener' }, h('h3', { class: 'small-h' }, t('scrTitle')), h('label', { class: 'field', for: `ss-${catId}` }, t('scrShortlistSize'), size), btn, msg);
  }

  function linksFor(role: TokenRole, token: string): { label: string; url: string }[] {
    const s = enc(slug());
    // The token goes in the fragment: browsers never send it to a server or proxy (docs/operations.md).
    const link = (path: string): string => tokenLink(`${location.origin}${path}`, token);
    switch (role) {
      case 'producer':
        return [{ label: t('controlTitle'), url: link(`/control/${s}`) }];
      case 'press':
        return [{ label: t('pressTitle'), url: link(`/press/${s}`) }];
      case 'screen':
        return [
          { label: t('stageLink'), url: link(`/stage/${s}`) },
          { label: t('presenterLink'), url: link(`/presenter/${s}`) },
        ];
      case 'juror':
        return [{ label: t('juryTitle'), url: link(`/jury/${s}`) }];
      default:
        return [];
    }
  }

  function linkRow(label: string, url: string): HTMLElement {
    const canvas = h('canvas', { class: 'qr', role: 'img', 'aria-label': `QR: ${label}` });
    void QRCode.toCanvas(canvas, url, { width: 168, margin: 1, color: { dark: '#070b16', light: '#f6f0e1' }, errorCorrectionLevel: 'M' }).catch(() => undefined);
    const copy = h('button', { class: 'btn btn-sm', type: 'button' }, t('copy'));
    copy.addEventListener('click', () => {
      void (async () => {
        if (await copyText(url)) {
          copy.textContent = t('copied');
          setTimeout(() => (copy.textContent = t('copy')), 1500);
        }
      })();
  });
    return h('div', { class: 'link-row' }, canvas, h('div', { class: 'link-info' }, h('strong', null, label), h('a', { href: url, class: 'mono link-url', target: '_blank', rel: 'noopener' }, url), copy));
  }

  function renderTokens(): HTMLElement {
    const roleSel = h('select', { id: 'tok-role' }, ROLES.map((r) => h('option', { value: r }, t(`role_${r}` as MsgKey))));
    const jurorSel = h('select', { id: 'tok-juror' }, jurors.map((j) => h('option', { value: j.id }, `${j.name}${j.chair ? ` (${t('chair').toLowerCase()})` : ''}`)));
    const labelIn = h('input', { type: 'text', id: 'tok-label', placeholder: 'LED-vägg vänster' });
    const jurorField = h('label', { class: 'field hidden', for: 'tok-juror' }, t('juror'), jurorSel);
    roleSel.addEventListener('change', () => jurorField.classList.toggle('hidden', roleSel.value !== 'juror'));
    const msg = h('div', { 'aria-live': 'assertive' });
    const form = h(
      'form',
      { class: 'token-form' },
      h('label', { class: 'field', for: 'tok-role' }, t('role'), roleSel),
      jurorField,
      h('label', { class: 'field', for: 'tok-label' }, t('label'), labelIn),
      h('button', { class: 'btn btn-gold', type: 'submit' }, t('issue')),
    );
    form.addEventListener('submit', (e) => {
      void (async () => {
        e.preventDefault();
        const role = roleSel.value as TokenRole;
        const body: Record<string, unknown> = { role };
        if (role === 'juror') body.jurorId = jurorSel.value;
        const label = labelIn.value.trim() || null;
        if (label) body.label = label;
        try {
          const tok = await api.request<IssuedToken>('POST', `/ceremonies/${enc(slug())}/tokens`, body);
          issued.unshift({ token: { ...tok, role: tok.role ?? role }, label });
          await load();
        } catch (err) {
          replace(msg, errorBox(err));
        }
      })();
  });

    const jurorName = (id: string | null): string => (id ? (jurors.find((j) => j.id === id)?.name ?? id) : '');
    const issuedBox = issued.length
      ? h(
          'div',
          { class: 'issued stack' },
          h('p', { class: 'banner banner-warn' }, t('tokenShownOnce')),
          issued.map(({ token: tk, label }) =>
            h(
              'div',
              { class: 'issued-item' },
              h('div', { class: 'row' }, h('span', { class: 'badge badge-gold' }, t(`role_${tk.role}` as MsgKey)), label ? h('strong', null, label) : null, tk.jurorId ? h('span', null, jurorName(tk.jurorId)) : null, h('span', { class: 'muted small' }, t('expires', { time: formatDateTime(tk.expiresAt) }))),
              linksFor(tk.role, tk.token).map((l) => linkRow(l.label, l.url)),
            ),
          ),
        )
      : null;

    const table = h(
      'table',
      { class: 'tokens' },
      h('thead', null, h('tr', null, h('th', null, t('role')), h('th', null, t('label')), h('th', null, t('juror')), h('th', null, t('expires', { time: '' }).trim()), h('th', null, ''))),
      h(
        'tbody',
        null,
        tokens.map((tk) => {
          const revoke = h('button', { class: 'btn btn-danger btn-sm', type: 'button', disabled: !!tk.revokedAt }, t('revoke'));
          revoke.addEventListener('click', () => {
            void (async () => {
              const ok = await confirmDialog({ title: t('revoke'), body: [h('p', null, t('revokeConfirm'))], confirmLabel: t('revoke'), cancelLabel: t('cancel'), danger: true });
              if (!ok) return;
              try {
                await api.request('DELETE', `/ceremonies/${enc(slug())}/tokens/${enc(tk.id)}`);
                await load();
              } catch (err) {
                replace(msg, errorBox(err));
              }
            })();
  });
          return h(
            'tr',
            { class: tk.revokedAt ? 'revoked' : '' },
            h('td', null, t(`role_${tk.role}` as MsgKey)),
            h('td', null, tk.label ?? ''),
            h('td', null, jurorName(tk.jurorId)),
            h('td', { class: 'small' }, tk.revokedAt ? `${t('revokedAt')} ${formatDateTime(tk.revokedAt)}` : formatDateTime(tk.expiresAt)),
            h('td', null, revoke),
          );
        }),
      ),
    );
    return h('section', { class: 'panel stack', 'aria-labelledby': 'tokens-h' }, h('h2', { id: 'tokens-h' }, t('tokens')), h('h3', { class: 'small-h' }, t('issueToken')), form, msg, issuedBox, tokens.length ? h('div', { class: 'table-wrap' }, table) : null);
  }

  replace(root, ui.bar, h('main', { class: 'page admin' }, ui.alerts, h('h1', { class: 'display admin-title' }, t('adminTitle')), h('div', { class: 'admin-grid' }, tokenForm, importForm), h('section', { class: 'panel' }, loadForm), ceremonyBox));
  renderTokenState();
  if (ceremonyInput.value && adminToken) void load();
}

/** An error box that shows the server's message and, for a 400, every field problem with its path. */
function errorBox(err: unknown): HTMLElement {
  const e = err instanceof ApiError ? err : null;
  const problems = e?.fieldProblems ?? [];
  return h(
    'div',
    { class: 'banner banner-error', role: 'alert' },
    h('strong', null, e ? `${e.status ? `${e.status} ` : ''}${e.message}` : String(err)),
    problems.length ? h('ul', { class: 'problems' }, problems.map((p) => h('li', null, h('code', { class: 'mono' }, p.path || '/'), ` ${p.message}`))) : null,
  );
}
