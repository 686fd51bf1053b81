/**
 * The phone ballot (`/vote/:c#t=<ticket>`, issue 16): opened from the QR code on a voter ticket. The ticket comes
 * in the fragment (never sent to a server by the browser), is kept in localStorage for this ceremony so a reload
 * keeps it, and is scrubbed from the address bar. The ballot shows when a vote opens (socket `vote` frames, server
 * time for the countdown); a tap and a confirm vote once; the receipt is kept on the phone, and after the reveal
 * the page checks its inclusion proof against the sealed vote root with the contract's own Merkle code.
 */
import '../styles/app.css';
import '../styles/vote.css';
import {
  fromHex64,
  isLaurelErrorBody,
  merkleLeafHash,
  verifyMerkleInclusion,
  type CategoryView,
  type CeremonyView,
  type TicketStatus,
  type VoteProof,
  type VoteReceipt,
  type VoteWindowEvent,
} from '@laurel/contracts';
import { Api, ApiError } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { formatSeconds, nomineeName } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { LiveClient } from '../lib/live.js';

const TICKET = /^[A-Za-z0-9_-]{22}$/;

/** The ticket from `#t=…` (scrubbed from the address bar), else the one this phone kept for the ceremony. */
function takeTicket(ceremony: string): string | null {
  const key = `laurel.vote.ticket.${ceremony}`;
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromLink = fragment.get('t');
  if (fromLink !== null) {
    fragment.delete('t');
    const rest = fragment.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    if (TICKET.test(fromLink)) {
      try {
        localStorage.setItem(key, fromLink);
      } catch {
        /* storage off: this page load still votes */
      }
      return fromLink;
    }
  }
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function receipts(ceremony: string): Record<string, VoteReceipt> {
  try {
    return JSON.parse(localStorage.getItem(`laurel.vote.receipts.${ceremony}`) ?? '{}') as Record<string, VoteReceipt>;
  } catch {
    return {};
  }
}

function keepReceipt(ceremony: string, receipt: VoteReceipt): void {
  try {
    localStorage.setItem(`laurel.vote.receipts.${ceremony}`, JSON.stringify({ ...receipts(ceremony), [receipt.categoryId]: receipt }));
  } catch {
    /* storage off: the receipt is on screen */
  }
}

export async function mount(root: HTMLElement, ceremony: string): Promise<void> {
  document.body.className = 'app vote-body';
  document.title = `${t('voteTitle')} – Laurel`;
  const api = new Api(null);
  const ticket = takeTicket(ceremony);
  const main = h('main', { class: 'vote', 'aria-live': 'polite' });
  replace(root, main);
  if (!ticket) {
    replace(main, h('h1', { class: 'display' }, t('voteTitle')), h('p', { class: 'vote-msg' }, t('voteNoTicket')));
    return;
  }
  const voterTicket: string = ticket;

  let view: CeremonyView;
  let votedIn: Set<string>;
  const windows = new Map<string, VoteWindowEvent>();
  try {
    view = await api.request<CeremonyView>('GET', `/ceremonies/${encodeURIComponent(ceremony)}`);
    votedIn = new Set((await api.request<TicketStatus>('POST', `/ceremonies/${encodeURIComponent(ceremony)}/tickets/status`, { ticket })).votedIn);
    for (const w of await api.request<VoteWindowEvent[]>('GET', `/ceremonies/${encodeURIComponent(ceremony)}/votes`)) windows.set(w.categoryId, w);
  } catch (error) {
    const bad = error instanceof ApiError && error.status === 401;
    replace(main, h('h1', { class: 'display' }, t('voteTitle')), h('p', { class: 'vote-msg vote-error' }, bad ? t('voteBadTicket') : (error as Error).message));
    return;
  }
  const base = `/ceremonies/${encodeURIComponent(view.ceremony.slug)}`;
  const status = h('p', { class: 'vote-msg' });
  const body = h('div', { class: 'vote-body-inner' });
  replace(main, h('p', { class: 'vote-ceremony' }, view.ceremony.name), h('h1', { class: 'display' }, t('voteTitle')), status, body);

  const live = new LiveClient({
    ceremony: view.ceremony.slug,
    token: null,
    handlers: {
      snapshot: () => refresh(),
      vote: (w) => {
        windows.set(w.categoryId, w);
        refresh();
      },
    },
  });
  live.start();
  // The countdown, by server time (the socket's clock offset).
  setInterval(() => countdown(), 250);

  /** The category this phone is about: the open one, else the latest one with a window. */
  function current(): { category: CategoryView; window: VoteWindowEvent | null } | null {
    const voting = view.categories.filter((c) => c.vote);
    const open = voting.find((c) => windows.get(c.id)?.state === 'open');
    if (open) return { category: open, window: windows.get(open.id)! };
    const held = voting.filter((c) => windows.get(c.id) && windows.get(c.id)!.state !== 'pending');
    const last = held.at(-1) ?? voting[0];
    return last ? { category: last, window: windows.get(last.id) ?? null } : null;
  }

  const clock = h('p', { class: 'vote-clock', 'data-testid': 'vote-countdown' });
  function countdown(): void {
    const now = current();
    if (now?.window?.state !== 'open' || !now.window.closesAt) {
      clock.textContent = '';
      return;
    }
    const left = Math.max(0, Math.ceil((Date.parse(now.window.closesAt) - live.clock.serverNow()) / 1000));
    clock.textContent = t('voteClosesIn', { time: formatSeconds(left) });
  }

  /**
   * What the page shows: the category, its window's state, and whether this phone is confirming or has voted. The
   * window's events come about once a second while it is open (the turnout, which the public never sees): redrawing
   * on each would take the "Rösta" button from under a voter's thumb and wipe a receipt check's answer.
   */
  let confirming: string | null = null;
  let shown = '';
  function viewKey(): string {
    const now = current();
    if (!now) return 'none';
    const id = now.category.id;
    return [id, now.window?.state ?? 'pending', receipts(view.ceremony.slug)[id] ? 'kept' : '', votedIn.has(id) ? 'voted' : '', confirming === id ? 'confirming' : ''].join('|');
  }
  /** Redraws only when what the page shows has changed (the countdown ticks on its own). */
  function refresh(): void {
    if (viewKey() !== shown) render();
  }

  function render(): void {
    shown = viewKey();
    const now = current();
    if (!now) {
      status.textContent = t('votePending');
      replace(body);
      return;
    }
    const { category, window } = now;
    const state = window?.state ?? 'pending';
    const kept = receipts(view.ceremony.slug)[category.id];
    status.textContent = state === 'open' ? t('voteOpen') : state === 'pending' ? t('votePending') : state === 'sealed' ? t('voteSealed') : t('voteClosed');
    const heading = h('h2', { class: 'vote-category display' }, category.name);
    if (kept) {
      replace(body, heading, h('p', { class: 'vote-thanks' }, t('voteThanks')), receiptBox(kept, state === 'sealed'));
      return;
    }
    if (votedIn.has(category.id)) {
      replace(body, heading, h('p', { class: 'vote-thanks' }, t('voteAlready')));
      return;
    }
    if (state !== 'open') {
      confirming = null;
      shown = viewKey();
      replace(body, heading);
      return;
    }
    if (confirming === category.id) return; // the confirmation stays until the voter answers it
    const buttons = category.nominees.map((n) => {
      const b = h('button', { class: 'vote-nominee', type: 'button', 'data-nominee': n.id }, h('span', { class: 'vote-nominee-name' }, nomineeName(n)));
      b.addEventListener('click', () => confirmVote(category, n.id, nomineeName(n)));
      return b;
    });
    replace(body, heading, clock, h('p', { class: 'muted' }, t('voteChoose')), h('div', { class: 'vote-ballot' }, buttons));
    countdown();
  }

  function confirmVote(category: CategoryView, nomineeId: string, name: string): void {
    const yes = h('button', { class: 'btn btn-gold vote-confirm', type: 'button' }, t('voteCast'));
    const no = h('button', { class: 'btn btn-ghost', type: 'button' }, t('cancel'));
    const error = h('p', { class: 'vote-error', role: 'alert' });
    confirming = category.id;
    shown = viewKey();
    no.addEventListener('click', () => {
      confirming = null;
      render();
    });
    yes.addEventListener('click', () => {
      yes.disabled = true;
      void (async () => {
        // A phone retries its own vote (the same choice) while the system answers 5xx: the first that lands stands.
        for (let attempt = 0; ; attempt++) {
          try {
            // Over the socket when it is connected (no HTTP request per vote), else over REST: the same answers.
            const sent = await live.castVote({ category: category.id, ticket: voterTicket, nomineeId });
            if (sent && sent.status !== 201 && sent.status < 500 && isLaurelErrorBody(sent.body)) throw new ApiError(sent.status, sent.body.message, sent.body.details);
            const receipt = sent?.status === 201 ? (sent.body as VoteReceipt) : await api.request<VoteReceipt>('POST', `${base}/categories/${category.id}/votes`, { ticket, nomineeId });
            keepReceipt(view.ceremony.slug, receipt);
            votedIn.add(category.id);
            confirming = null;
            render();
            return;
          } catch (err) {
            const e = err as ApiError;
            if ((e.network || e.status >= 500) && attempt < 20) {
              await new Promise((r) => setTimeout(r, 300 + attempt * 200));
              continue;
            }
            if (e.status === 409 && /already voted/.test(e.message)) votedIn.add(category.id);
            error.textContent = e.message;
            yes.disabled = false;
            if (e.status === 409)
              setTimeout(() => {
                confirming = null;
                render();
              }, 2500);
            return;
          }
        }
      })();
    });
    replace(body, h('h2', { class: 'vote-category display' }, category.name), h('p', { class: 'vote-question' }, t('voteConfirm', { name })), h('div', { class: 'row vote-actions' }, yes, no), error);
  }

  function receiptBox(receipt: VoteReceipt, sealed: boolean): HTMLElement {
    const result = h('p', { class: 'vote-proof', 'data-testid': 'vote-proof' });
    const check = h('button', { class: 'btn', type: 'button' }, t('voteCheck'));
    check.addEventListener('click', () => {
      void (async () => {
        try {
          const proof = await api.request<VoteProof>('GET', `${base}/categories/${receipt.categoryId}/votes/proof?receipt=${receipt.receipt}`);
          const ok =
            proof.sealedCount === proof.treeSize &&
            verifyMerkleInclusion({ leafHash: merkleLeafHash(fromHex64(receipt.receipt)), index: proof.leafIndex, treeSize: proof.treeSize, path: proof.path.map(fromHex64), root: fromHex64(proof.sealedRoot) });
          result.textContent = ok ? t('voteChecked', { n: proof.sealedCount }) : t('voteCheckFailed');
        } catch (error) {
          result.textContent = (error as Error).message;
        }
      })();
    });
    return h(
      'div',
      { class: 'vote-receipt panel' },
      h('p', { class: 'small muted' }, t('voteReceipt')),
      h('code', { class: 'vote-receipt-code', 'data-testid': 'vote-receipt' }, receipt.receipt),
      sealed ? check : null,
      result,
    );
  }

  render();
}
