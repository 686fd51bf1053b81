/** Laurel web entry: routes by location.pathname to one page module (each loaded on demand). */
// First: takes the token out of the address bar before anything else runs or loads.
import './lib/session.js';
import { applyLang, t } from './lib/i18n.js';
import { h, replace } from './lib/dom.js';

applyLang();

interface Route {
  re: RegExp;
  load: () => Promise<{ mount(root: HTMLElement, ceremony: string, ...more: string[]): void | Promise<void> }>;
}

const routes: Route[] = [
  { re: /^\/stage\/([^/]+)\/?$/, load: () => import('./pages/stage.js') },
  { re: /^\/control\/([^/]+)\/?$/, load: () => import('./pages/control.js') },
  { re: /^\/jury\/([^/]+)\/?$/, load: () => import('./pages/jury.js') },
  { re: /^\/jury\/([^/]+)\/screening\/?$/, load: () => import('./pages/screening.js') },
  { re: /^\/press\/([^/]+)\/?$/, load: () => import('./pages/press.js') },
  { re: /^\/presenter\/([^/]+)\/?$/, load: () => import('./pages/presenter.js') },
  { re: /^\/c\/([^/]+)\/?$/, load: () => import('./pages/public.js') },
  { re: /^\/intake\/([^/]+)\/([^/]+)\/?$/, load: () => import('./pages/intake.js') },
  { re: /^\/vote\/([^/]+)\/?$/, load: () => import('./pages/vote.js') },
  { re: /^\/admin\/?$/, load: () => import('./pages/admin.js') },
];

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  const path = location.pathname;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const mod = await r.load();
      await mod.mount(root, decodeURIComponent(m[1] ?? ''), ...m.slice(2).map((part) => decodeURIComponent(part)));
      return;
    }
  }
  document.body.classList.add('app');
  replace(root, h('main', { class: 'page narrow' }, h('h1', { class: 'display' }, t('notFoundTitle')), h('p', null, t('notFoundBody'))));
}

void boot();
