/** Shared page chrome for the laptop/phone pages: top bar, connection state, alerts. */
import { h, replace, svg } from './dom.js';
import { t } from './i18n.js';
import { laurelWreathSvg } from './art.js';
import type { ConnectionState } from './live.js';

export interface Chrome {
  bar: HTMLElement;
  title: HTMLElement;
  conn: HTMLElement;
  extra: HTMLElement;
  alerts: HTMLElement;
  setTitle(text: string): void;
  setConnection(state: ConnectionState, message?: string): void;
  setStale(stale: boolean): void;
  showError(message: string, help?: string): void;
  clearError(): void;
}

export function chrome(roleLabel: string): Chrome {
  document.body.className = 'app';
  const title = h('span', { class: 'brand-title' }, t('appName'));
  const conn = h('span', { class: 'conn', role: 'status', 'aria-live': 'polite', 'data-state': 'connecting' }, t('connecting'));
  const extra = h('span', { class: 'row' });
  const bar = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, svg(laurelWreathSvg()), title),
    h('span', { class: 'role' }, roleLabel),
    h('span', { class: 'spacer' }),
    extra,
    conn,
  );
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const stale = h('div', { class: 'banner banner-warn hidden', role: 'status' }, t('stale'));
  const authBox = h('div', { class: 'banner banner-error hidden', role: 'alert' });
  alerts.append(authBox, stale);
  return {
    bar,
    title,
    conn,
    extra,
    alerts,
    setTitle(text) {
      title.textContent = text;
    },
    setConnection(state, message) {
      conn.dataset.state = state;
      conn.textContent =
        state === 'connected' ? t('connected') : state === 'reconnecting' ? t('reconnecting') : state === 'auth-error' ? t('authError') : t('connecting');
      if (state === 'auth-error') this.showError(`${t('authError')}: ${message ?? ''}`, t('authErrorHelp'));
      else if (state === 'connected' && authBox.dataset.kind === 'auth') this.clearError();
      if (state === 'auth-error') authBox.dataset.kind = 'auth';
    },
    setStale(v) {
      stale.classList.toggle('hidden', !v);
    },
    showError(message, help) {
      replace(authBox, h('strong', null, message), help ? h('span', null, help) : null);
      authBox.dataset.kind = '';
      authBox.classList.remove('hidden');
    },
    clearError() {
      authBox.classList.add('hidden');
    },
  };
}
