import type { Api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** "Envelope kit" download (producer, admin): the file a standby stage laptop loads (K → Load envelope kit). */
export function kitButton(api: Api, ceremony: string, onError: (message: string) => void): HTMLButtonElement {
  const btn = h('button', { class: 'btn btn-ghost kit-btn', type: 'button', title: t('envelopeKitHelp') }, `↓ ${t('envelopeKit')}`);
  btn.addEventListener('click', () => {
    void (async () => {
      btn.disabled = true;
      try {
        const text = await api.envelopeKit(ceremony);
        const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
        const a = h('a', { href: url, download: `${ceremony}-envelope-kit.json`, class: 'hidden' });
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (err) {
        onError(err instanceof Error ? err.message : String(err));
      } finally {
        btn.disabled = false;
      }
    })();
  });
  return btn;
}
