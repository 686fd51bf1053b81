/**
 * "Reveal from card" (stage screen and presenter monitor, operator hotkey K): the key card's code, typed or
 * scanned from its QR (where a camera and BarcodeDetector exist), opens the envelope this page holds for the
 * category on stage (then any other held envelope), is verified against the commitment, and flips the page at
 * once — with the gateway, NATS and every service down: nothing here needs the network. The reveal is queued
 * (IndexedDB) and reported with POST card-reveals (idempotent) as soon as the system answers again.
 * A typo or a code that does not open the envelope shows a message and nothing else.
 */
import '../styles/card-reveal.css';
import type { EnvelopeAudience } from '@laurel/contracts';
import { Api, ApiError } from './api.js';
import { h } from './dom.js';
import type { EnvelopeStore } from './envelope-store.js';
import { t } from './i18n.js';
import type { LiveClient, TimelineDriver } from './live.js';
import { openWithCard, parseEnvelopeKit } from './reveal-open.js';
import { uuid } from './session.js';
import type { RevealInput } from './show-timeline.js';

export interface CardRevealOptions {
  ceremony: string;
  store: EnvelopeStore;
  audience: EnvelopeAudience;
  api: Api;
  live: LiveClient;
  /** What is on stage now (the category whose envelope is tried first) and the seq the page holds. */
  onStage(): { categoryId: string | null; seq: number };
  /** A category's name, for "this code does not open the envelope of <category>". */
  categoryName(categoryId: string): string | null;
  /** Hand the verified reveal to the page's ShowTimeline (it flips at once: showAt = now). */
  reveal(r: RevealInput): void;
  /** Gateway time now (the page's clock estimate; the local clock when the gateway never answered). */
  now(): number;
  /** The stage can load an envelope kit file (standby laptop). */
  allowKit?: boolean;
}

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorCtor = new (opts: { formats: string[] }) => BarcodeDetectorLike;

export interface CardReveal {
  open(): void;
  /** Report queued card reveals now (call when the connection comes back). */
  report(): void;
}

export function installCardReveal(opts: CardRevealOptions): CardReveal {
  const { store, api, live } = opts;
  const input = h('input', {
    class: 'card-code mono',
    id: 'card-code',
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    inputmode: 'text',
    'aria-describedby': 'card-error',
    placeholder: 'XXXXXX-XXXXXX-…',
  });
  const heading = h('p', { class: 'card-for' });
  const held = h('p', { class: 'card-held muted' });
  const error = h('p', { class: 'card-error', id: 'card-error', role: 'alert' });
  const status = h('p', { class: 'card-status muted', role: 'status' });
  const openBtn = h('button', { class: 'btn btn-gold', type: 'submit' }, t('cardOpen'));
  const cancelBtn = h('button', { class: 'btn btn-ghost', type: 'button' }, t('cancel'));
  const video = h('video', { class: 'card-video hidden', muted: true, playsinline: true });
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  const canScan = !!Detector && !!navigator.mediaDevices?.getUserMedia;
  const scanBtn = canScan ? h('button', { class: 'btn', type: 'button' }, t('cardScan')) : null;
  const kitInput = h('input', { type: 'file', accept: '.json,application/json', class: 'hidden', id: 'card-kit' });
  const kitBtn = opts.allowKit ? h('label', { class: 'btn btn-ghost', for: 'card-kit' }, t('cardLoadKit')) : null;
  const form = h(
    'form',
    { class: 'card-form', method: 'dialog', novalidate: true },
    h('h2', { class: 'dialog-title card-title' }, t('cardRevealTitle')),
    heading,
    held,
    h('label', { class: 'card-label', for: 'card-code' }, t('cardCodeLabel')),
    input,
    error,
    video,
    h('div', { class: 'dialog-actions card-actions' }, kitBtn, opts.allowKit ? kitInput : null, scanBtn, cancelBtn, openBtn),
    status,
  );
  const dialog = h('dialog', { class: 'dialog card-dialog', 'aria-labelledby': 'card-title' }, form);
  document.body.appendChild(dialog);

  let stream: MediaStream | null = null;

  function refresh(): void {
    const { categoryId } = opts.onStage();
    const name = categoryId ? opts.categoryName(categoryId) : null;
    heading.textContent = name ? t('cardRevealFor', { category: name }) : t('cardRevealAny');
    const n = store.all().length;
    held.textContent = n ? t('cardEnvelopesHeld', { n }) : t('cardEnvelopesNone');
    const queued = store.queuedCardReveals().length;
    status.textContent = queued ? t('cardQueued', { n: queued }) : '';
    document.body.dataset.cardQueued = String(queued);
  }

  function showError(text: string): void {
    error.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  function close(): void {
    stopScan();
    if (dialog.open) dialog.close();
  }

  function submit(code: string): void {
    const { categoryId, seq } = opts.onStage();
    const out = openWithCard(code, store.all(), opts.audience, categoryId, seq, opts.now());
    if (out.ok) {
      close();
      input.value = '';
      error.textContent = '';
      opts.reveal(out.reveal);
      store.queueCardReveal({ categoryId: out.reveal.result.categoryId, key: out.key, idempotencyKey: uuid(), at: Date.now() });
      report();
      return;
    }
    switch (out.kind) {
      case 'typo':
        showError(t('cardTypo'));
        return;
      case 'wrong': {
        const name = out.categoryId ? opts.categoryName(out.categoryId) : null;
        showError(name ? t('cardWrong', { category: name }) : t('cardWrongAny'));
        return;
      }
      case 'mismatch':
        live.reportAlarm(out.categoryId, out.reason);
        showError(t('cardMismatch'));
        return;
      case 'none':
        showError(t('cardEnvelopesNone'));
        return;
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(input.value);
  });
  input.addEventListener('input', () => {
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  });
  cancelBtn.addEventListener('click', close);
  dialog.addEventListener('close', stopScan);

  kitInput.addEventListener('change', () => {
    const file = kitInput.files?.[0];
    kitInput.value = '';
    if (!file) return;
    void file.text().then((text) => {
      let frames: ReturnType<typeof parseEnvelopeKit>;
      try {
        frames = parseEnvelopeKit(JSON.parse(text), opts.audience);
      } catch {
        frames = null;
      }
      if (!frames) {
        showError(t('cardKitBad'));
        return;
      }
      store.put(frames);
      error.textContent = '';
      refresh();
      status.textContent = t('cardKitLoaded', { n: frames.length });
    });
  });

  async function startScan(): Promise<void> {
    if (!Detector || stream) return;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch (err) {
      showError(err instanceof Error ? err.message : String(err));
      return;
    }
    video.srcObject = stream;
    video.classList.remove('hidden');
    if (scanBtn) scanBtn.textContent = t('cardScanStop');
    await video.play().catch(() => undefined);
    const detector = new Detector({ formats: ['qr_code'] });
    const tick = async (): Promise<void> => {
      if (!stream) return;
      try {
        const codes = await detector.detect(video);
        const hit = codes.find((c) => c.rawValue.startsWith('LAUREL-KEY:'));
        if (hit) {
          input.value = hit.rawValue;
          stopScan();
          submit(hit.rawValue);
          return;
        }
      } catch {
        /* a frame that could not be read */
      }
      setTimeout(() => void tick(), 150);
    };
    void tick();
  }

  function stopScan(): void {
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = null;
    video.srcObject = null;
    video.classList.add('hidden');
    if (scanBtn) scanBtn.textContent = t('cardScan');
  }
  scanBtn?.addEventListener('click', () => (stream ? stopScan() : void startScan()));

  function open(): void {
    if (dialog.open) return;
    error.textContent = '';
    refresh();
    dialog.showModal();
    input.focus();
  }

  document.addEventListener('keydown', (e) => {
    if (e.key !== 'k' && e.key !== 'K') return;
    if (e.ctrlKey || e.metaKey || e.altKey || dialog.open) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    e.preventDefault();
    open();
  });

  let reporting = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  function report(): void {
    if (reporting) return;
    const queued = store.queuedCardReveals();
    if (!queued.length) return;
    reporting = true;
    if (retry) clearTimeout(retry);
    retry = null;
    void (async () => {
      let again = false;
      for (const q of queued) {
        try {
          await api.cardReveal(opts.ceremony, { categoryId: q.categoryId, key: q.key, idempotencyKey: q.idempotencyKey });
          store.cardRevealReported(q.id);
          status.textContent = t('cardReported');
        } catch (err) {
          if (err instanceof ApiError && !err.network && err.status !== 0 && err.status !== 429) {
            // Refused for good (not on stage any more, a key the system does not know): say so, stop asking.
            store.cardRevealReported(q.id);
            status.textContent = t('cardReportRefused', { message: err.message });
          } else again = true;
        }
      }
      reporting = false;
      refresh();
      if (again) retry = setTimeout(report, 3000);
    })();
  }

  refresh();
  if (store.queuedCardReveals().length) void store.ready.then(report);
  return { open, report };
}


/**
 * The stage's and the presenter monitor's "reveal from key card" (hotkey K), wired to the page's timeline:
 * the category on stage is tried first, a verified reveal flips at once. Starts the live client once the
 * envelope store is open (the page's held envelopes count on `body[data-envelopes]`, for the operator and the tests).
 */
export function installScreenCardReveal(opts: { ceremony: string; envelopes: EnvelopeStore | null | undefined; token: string | null; live: LiveClient; drive: TimelineDriver; allowKit: boolean }): CardReveal | null {
  const { envelopes, live, drive } = opts;
  const categoryNames = new Map<string, string>();
  const card = envelopes
    ? installCardReveal({
        ceremony: opts.ceremony,
        store: envelopes,
        audience: 'screen',
        api: new Api(opts.token),
        live,
        onStage: () => {
          const v = drive.timeline.view(drive.now()).scene;
          if (v?.data?.category) categoryNames.set(v.data.category.id, v.data.category.name);
          const onStage = v && ['category', 'nominees', 'envelope'].includes(v.kind) ? (v.categoryId ?? null) : null;
          return { categoryId: onStage, seq: v?.seq ?? live.lastSeq };
        },
        categoryName: (id) => categoryNames.get(id) ?? null,
        reveal: (r) => drive.reveal(r),
        now: () => drive.now(),
        allowKit: opts.allowKit,
      })
    : null;
  if (envelopes) envelopes.onchange = (n) => (document.body.dataset.envelopes = String(n));
  void (envelopes?.ready ?? Promise.resolve()).then(() => live.start());
  return card;
}
