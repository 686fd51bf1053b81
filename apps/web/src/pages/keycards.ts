/**
 * Key cards (admin, `/admin?keycards=<ceremony>`): one printable card per sealed category for the physical
 * envelope — the category in very large type, the key as a QR code and as a typeable code in groups, the start
 * of the commitment. The keys are fetched sealed end to end to this page: it makes an X25519 key pair, posts the
 * public key, and opens the answer with the contract's helpers, so the gateway forwarding it never sees a key.
 * Nothing is stored; the secret key lives only in this page's memory. Also the envelope kit download.
 */
import '../styles/app.css';
import '../styles/keycards.css';
import QRCode from 'qrcode';
import {
  commitmentPrefix,
  generateBoxKeyPair,
  keyCardQrContent,
  keyFromBase64Url,
  keyToCardCode,
  openKeyCards,
  toBase64Url,
  type KeyCardEntry,
  type KeyCardsPlaintext,
} from '@laurel/contracts';
import { Api, ApiError } from '../lib/api.js';
import { kitButton } from '../lib/envelope-kit.js';
import { chrome } from '../lib/chrome.js';
import { h, replace } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';

type Paper = 'a5' | 'a4';

export function mountKeycards(root: HTMLElement, ceremony: string, token: string | null): void {
  const ui = chrome(t('keycardsTitle'));
  ui.conn.classList.add('hidden');
  document.title = `${t('keycardsTitle')} – Laurel`;
  document.body.classList.add('keycards-body');
  const api = new Api(token);

  const paper = h('select', { id: 'kc-paper', class: 'kc-paper' }, h('option', { value: 'a5' }, t('keycardsPaperA5')), h('option', { value: 'a4' }, t('keycardsPaperA4')));
  const fetchBtn = h('button', { class: 'btn btn-gold', type: 'button' }, t('keycardsFetch'));
  const printBtn = h('button', { class: 'btn', type: 'button', disabled: true }, t('keycardsPrint'));
  const kit = kitButton(api, ceremony, (m) => ui.showError(m));
  const msg = h('div', { class: 'kc-msg', role: 'status' });
  const sheet = h('div', { class: 'kc-sheet paper-a5' });
  replace(
    root,
    ui.bar,
    h(
      'main',
      { class: 'page kc-page' },
      ui.alerts,
      h(
        'section',
        { class: 'panel stack kc-controls' },
        h('h1', { class: 'display' }, t('keycardsTitle')),
        h('p', { class: 'muted' }, t('keycardsLead')),
        h('div', { class: 'row kc-row' }, fetchBtn, h('label', { class: 'kc-paper-label', for: 'kc-paper' }, paper), printBtn, kit),
        h('p', { class: 'muted small' }, t('envelopeKitHelp')),
        msg,
      ),
      sheet,
    ),
  );
  if (!token) ui.showError(t('noToken'));

  paper.addEventListener('change', () => {
    sheet.className = `kc-sheet paper-${paper.value as Paper}`;
  });
  printBtn.addEventListener('click', () => window.print());
  fetchBtn.addEventListener('click', () => {
    void (async () => {
      fetchBtn.disabled = true;
      msg.textContent = t('loading');
      const pair = generateBoxKeyPair();
      try {
        const sealed = await api.keycards(ceremony, toBase64Url(pair.publicKey));
        const cards = openKeyCards(pair.secretKey, sealed);
        await render(cards);
        printBtn.disabled = cards.cards.length === 0;
        msg.textContent = cards.cards.length ? t('keycardsCount', { n: cards.cards.length }) : t('keycardsNone');
      } catch (err) {
        msg.textContent = '';
        ui.showError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
      } finally {
        pair.secretKey.fill(0);
        fetchBtn.disabled = false;
      }
    })();
  });

  async function render(plain: KeyCardsPlaintext): Promise<void> {
    const cards = [...plain.cards].sort((a, b) => a.number - b.number);
    const els = await Promise.all(cards.map((c) => card(plain, c)));
    replace(sheet, els);
  }
  // Keys must not outlive the page.
  addEventListener('pagehide', () => replace(sheet));
}

async function card(plain: KeyCardsPlaintext, c: KeyCardEntry): Promise<HTMLElement> {
  const key = keyFromBase64Url(c.key);
  const code = keyToCardCode(key);
  const canvas = h('canvas', { class: 'kc-qr', role: 'img', 'aria-label': `QR ${c.categoryName}` });
  await QRCode.toCanvas(canvas, keyCardQrContent(c.categoryId, key), { errorCorrectionLevel: 'M', margin: 2, width: 480, color: { dark: '#000000', light: '#ffffff' } });
  key.fill(0);
  const groups = code.split('-');
  const lines: string[][] = [];
  for (let i = 0; i < groups.length; i += 3) lines.push(groups.slice(i, i + 3));
  return h(
    'article',
    { class: 'keycard', 'data-category': c.categoryId },
    h('header', { class: 'kc-head' }, h('span', { class: 'kc-ceremony' }, plain.ceremonyName), h('span', { class: 'kc-number' }, t('keycardNumber', { n: c.number }))),
    h('h2', { class: 'kc-category' }, c.categoryName),
    h(
      'div',
      { class: 'kc-body' },
      canvas,
      h(
        'div',
        { class: 'kc-text' },
        h('div', { class: 'kc-label' }, t('keycardCode')),
        h(
          'div',
          { class: 'kc-code mono', 'data-code': code },
          lines.map((l) => h('div', { class: 'kc-code-line' }, l.map((g) => h('span', { class: 'kc-group' }, g)))),
        ),
        h('div', { class: 'kc-label' }, t('keycardCommitment')),
        h('div', { class: 'kc-commitment mono' }, commitmentPrefix(c.commitment)),
      ),
    ),
    h('footer', { class: 'kc-foot' }, h('span', null, t('keycardHelp')), h('span', { class: 'kc-exported' }, formatDateTime(plain.exportedAt))),
  );
}
