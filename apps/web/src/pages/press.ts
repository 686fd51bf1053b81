/**
 * Press dashboard: seals as they happen (the public commitment), each result the instant it is
 * revealed with copy-ready text, and an in-browser check that the result matches its commitment.
 */
import '../styles/app.css';
import '../styles/press.css';
import { formatAnchor, verifyCommitment, type CategoryView, type CeremonyView, type SealedEvent } from '@laurel/contracts';
import { Api, csvUrl } from '../lib/api.js';
import { chrome } from '../lib/chrome.js';
import { append, copyText, h, replace } from '../lib/dom.js';
import { formatDateTime, formatTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { EnvelopeStore } from '../lib/envelope-store.js';
import { LiveClient, TimelineDriver } from '../lib/live.js';
import { ShowTimeline, type Result } from '../lib/show-timeline.js';
import { param, takeToken } from '../lib/session.js';

export function mount(root: HTMLElement, ceremony: string): void {
  const token = takeToken('press');
  const ui = chrome(t('pressTitle'));
  const api = new Api(token);
  document.title = `${t('pressTitle')} – Laurel`;

  let view: CeremonyView | null = null;
  const seals = new Map<string, SealedEvent>();
  const results = new Map<string, Result>();
  const verified = new Map<string, boolean>();
  const fresh = new Set<string>();
  /** Press releases the reader has opened stay open when the list re-renders. */
  const openReleases = new Set<string>();

  const list = h('div', { class: 'press-list' });
  const csv = h('a', { class: 'btn btn-gold', href: csvUrl(ceremony), download: `${ceremony}-resultat.csv` }, `↓ ${t('downloadCsv')}`);
  replace(
    root,
    ui.bar,
    h(
      'main',
      { class: 'page press' },
      ui.alerts,
      h('div', { class: 'press-head' }, h('div', null, h('h1', { class: 'display press-title' }, t('pressTitle')), h('p', { class: 'muted' }, t('pressLead'))), csv),
      list,
    ),
  );

  function categories(): { id: string; name: string; order: number }[] {
    const cats: { id: string; name: string; order: number }[] = (view?.categories ?? []).map((c: CategoryView) => ({ id: c.id, name: c.name, order: c.order }));
    // Results or seals for categories the view does not know yet still show up.
    for (const r of results.values()) if (!cats.some((c) => c.id === r.categoryId)) cats.push({ id: r.categoryId, name: r.category?.name ?? r.categoryId, order: 999 });
    for (const s of seals.values()) if (!cats.some((c) => c.id === s.categoryId)) cats.push({ id: s.categoryId, name: s.categoryId, order: 999 });
    return cats.sort((a, b) => a.order - b.order);
  }

  function copyBlock(r: Result): string {
    const winner = r.winner.organisation ?? r.winner.name;
    const lines = [t('copyText', { winner, category: r.category?.name ?? '', motivation: r.motivation })];
    if (r.winner.organisation && r.winner.title) lines.push(`(${r.winner.title})`);
    return lines.join('\n');
  }

  function render(): void {
    replace(
      list,
      categories().map((c) => {
        const seal = seals.get(c.id);
        const r = results.get(c.id);
        const v = verified.get(c.id);
        const state = r ? 'revealed' : seal ? 'sealed' : 'waiting';
        const card = h(
          'article',
          { class: `press-card ${state}${fresh.has(c.id) ? ' fresh' : ''}`, 'aria-labelledby': `h-${c.id}` },
          h(
            'header',
            { class: 'row between' },
            h('h2', { id: `h-${c.id}`, class: 'serif' }, c.name),
            r
              ? h('span', { class: 'badge badge-gold' }, t('revealed'))
              : seal
                ? h('span', { class: 'badge badge-ok' }, `✓ ${t('sealed')}`)
                : h('span', { class: 'badge badge-muted' }, t('notSealed')),
          ),
        );
        if (r) {
          const copyButton = (label: string, text: () => string): HTMLButtonElement => {
            const btn = h('button', { class: 'btn btn-sm copy-btn', type: 'button' }, label);
            btn.addEventListener('click', () => {
              void (async () => {
                if (await copyText(text())) {
                  btn.textContent = t('copied');
                  btn.classList.add('done');
                  setTimeout(() => {
                    btn.textContent = label;
                    btn.classList.remove('done');
                  }, 2000);
                }
              })();
            });
            return btn;
          };
          const copyBtn = copyButton(t('copy'), () => copyBlock(r));
          const release = r.pressRelease
            ? h(
                'details',
                {
                  class: 'press-release',
                  open: openReleases.has(c.id),
                  toggle: (e: Event) => {
                    if ((e.currentTarget as HTMLDetailsElement).open) openReleases.add(c.id);
                    else openReleases.delete(c.id);
                  },
                },
                h('summary', null, t('pressRelease')),
                h('div', { class: 'press-release-text', lang: 'sv' }, r.pressRelease),
                copyButton(t('copyPressRelease'), () => r.pressRelease ?? ''),
              )
            : null;
          append(
            card,
            [h('div', { class: 'eyebrow-s' }, t('theWinner')),
            h('p', { class: 'serif press-winner' }, r.winner.organisation ?? r.winner.name),
            r.winner.organisation && r.winner.title ? h('p', { class: 'press-entry' }, r.winner.title) : null,
            h('div', { class: 'eyebrow-s' }, t('motivation')),
            h('blockquote', { class: 'serif press-motivation' }, r.motivation),
            h('div', { class: 'row' }, copyBtn, h('span', { class: 'muted small' }, t('revealedAt', { time: formatTime(r.revealedAt) }))),
            release,
            h(
              'div',
              { class: `verify ${v === undefined ? 'pending' : v ? 'ok' : 'bad'}`, role: 'status' },
              h('strong', null, v === undefined ? t('verifying') : v ? t('verified') : t('verifyFailed')),
              h('span', { class: 'muted small' }, t('verifyHelp')),
              h('div', { class: 'small' }, `${t('commitment')}: `, h('code', { class: 'mono' }, r.commitment)),
              h('div', { class: 'small' }, `${t('salt')}: `, h('code', { class: 'mono' }, r.salt)),
              // A v2 reveal opened from its envelope has no ballot root of its own: the seal published it.
              ...anchors({ auditHead: r.auditHead, ballotRoot: r.ballotRoot ?? seal?.ballotRoot, ballotCount: r.ballotCount ?? seal?.ballotCount }),
            )],
          );
        } else if (seal) {
          card.append(
            h('p', { class: 'muted' }, t('awaitingReveal')),
            h('div', { class: 'small' }, t('sealedAt', { time: formatDateTime(seal.sealedAt) })),
            h('div', { class: 'small muted' }, t('commitment')),
            h('code', { class: 'mono commitment' }, seal.commitment),
            ...anchors(seal),
          );
        } else {
          card.append(h('p', { class: 'muted' }, t('awaitingSeal')));
        }
        return card;
      }),
    );
  }

  /** The audit head and ballot root published with the seal (and carried by the reveal): what anyone can check later. */
  function anchors(x: { auditHead?: { hash: string; count: number }; ballotRoot?: string; ballotCount?: number }): HTMLElement[] {
    const lines: HTMLElement[] = [];
    if (x.auditHead) lines.push(h('div', { class: 'small' }, `${t('auditHead')}: `, h('code', { class: 'mono anchor' }, formatAnchor(x.auditHead))));
    if (x.ballotRoot && x.ballotCount) lines.push(h('div', { class: 'small' }, `${t('ballotRootLabel', { count: x.ballotCount })}: `, h('code', { class: 'mono' }, x.ballotRoot)));
    return lines;
  }

  function addResult(r: Result, isFresh: boolean): void {
    results.set(r.categoryId, r);
    if (isFresh) {
      fresh.add(r.categoryId);
      setTimeout(() => {
        fresh.delete(r.categoryId);
        render();
      }, 6000);
    }
    const seal = seals.get(r.categoryId);
    const commitment = seal?.commitment ?? r.commitment;
    // The revealed contents against the commitment published at sealing (or carried by the reveal).
    verified.set(r.categoryId, verifyCommitment(r, commitment) && (!seal || seal.commitment === r.commitment));
  }

  // Rehearsal never goes to the press: the timeline drops it too.
  const timeline = new ShowTimeline({ liveOnly: true });
  // Protocol v2 (sealed envelopes on the page, key-only reveals) unless `?v=1`.
  const envelopes = param('v') === '1' ? undefined : new EnvelopeStore(ceremony, 'press');
  const live = new LiveClient({
    ceremony,
    token,
    envelopes,
    handlers: {
      connection: (s, m) => ui.setConnection(s, m),
      snapshot: (snap) => {
        for (const s of snap.seals ?? []) seals.set(s.categoryId, s);
        timeline.snapshot(snap, drive.now());
        ui.setStale(!!snap.stale);
        drive.update();
      },
      sealed: (s) => {
        seals.set(s.categoryId, s);
        render();
      },
      scene: (s) => {
        drive.scene(s);
      },
      reveal: (r) => {
        drive.reveal(r);
      },
      gatewayStatus: (g) => ui.setStale(g.stale),
    },
  });
  let first = true;
  const drive = new TimelineDriver(timeline, live.clock, (v) => {
    for (const { result, at } of v.results) if (results.get(result.categoryId) !== result) addResult(result, at !== null && !first);
    for (const id of [...results.keys()]) if (!v.results.some((r) => r.result.categoryId === id)) results.delete(id);
    first = false;
    render();
  });

  if (!token) ui.showError(t('noToken'));
  api
    .ceremony(ceremony)
    .then((v) => {
      view = v;
      ui.setTitle(v.ceremony.name);
      document.title = `${t('pressTitle')} – ${v.ceremony.name}`;
      render();
    })
    .catch((err: unknown) => ui.showError(err instanceof Error ? err.message : String(err)));
  render();
  // How many sealed envelopes this page holds (no content): for the operator's dialog and the browser tests.
  if (envelopes) envelopes.onchange = (n) => (document.body.dataset.envelopes = String(n));
  void (envelopes?.ready ?? Promise.resolve()).then(() => live.start());
}
