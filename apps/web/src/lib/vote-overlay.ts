/**
 * The audience vote on stage (issue 16): while a vote is open, a band with "Rösta nu!", the category, the
 * countdown to its close (server time, the page's clock offset) and the turnout; never a standing (the frames
 * carry none). Also the control room's vote panel reads the same frames.
 */
import type { VoteWindowEvent } from '@laurel/contracts';
import type { Clock } from './live.js';
import { formatSeconds } from './format.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';

export interface VoteOverlay {
  el: HTMLElement;
  /** A `vote` frame or a row of `GET /votes`; categoryName names the category on the band. */
  update(w: VoteWindowEvent, categoryName: string): void;
}

export function voteOverlay(clock: Clock): VoteOverlay {
  const el = h('div', { class: 'vote-band', 'data-state': 'none', 'aria-live': 'polite' });
  let current: { w: VoteWindowEvent; name: string } | null = null;
  const title = h('div', { class: 'vote-band-title' }, t('voteNow'));
  const name = h('div', { class: 'vote-band-category' });
  const timer = h('div', { class: 'vote-band-clock', 'data-testid': 'stage-vote-countdown' });
  const turnout = h('div', { class: 'vote-band-turnout', 'data-testid': 'stage-vote-turnout' });
  replace(el, title, name, timer, turnout);
  const tick = (): void => {
    if (!current || current.w.state !== 'open' || !current.w.closesAt) {
      el.dataset.state = current?.w.state ?? 'none';
      return;
    }
    const left = Math.max(0, Math.ceil((Date.parse(current.w.closesAt) - clock.serverNow()) / 1000));
    el.dataset.state = left > 0 ? 'open' : 'closed';
    timer.textContent = formatSeconds(left);
  };
  setInterval(tick, 200);
  return {
    el,
    update(w, categoryName) {
      // The open vote holds the band; a later frame of another category only when nothing is open.
      if (current && current.w.categoryId !== w.categoryId && current.w.state === 'open' && w.state !== 'open') return;
      current = { w, name: categoryName };
      name.textContent = categoryName;
      turnout.textContent = w.turnout === null ? '' : t('voteTurnout', { n: w.turnout.toLocaleString('sv-SE') });
      tick();
    },
  };
}
