/**
 * Tiny DOM helpers. Text is always set with textContent: nominee names and motivations come from
 * the server and are untrusted, so nothing here ever touches innerHTML with data.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') {
      el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    } else if (k === 'class') {
      el.className = String(v);
    } else if (k === 'style' && (el instanceof HTMLElement || el instanceof SVGElement)) {
      // Through the CSSOM: the Content-Security-Policy refuses style attributes (no 'unsafe-inline').
      el.style.cssText = String(v);
    } else if (k === 'text') {
      el.textContent = String(v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replace(el: Element, ...children: (Child | Child[])[]): void {
  clear(el);
  append(el, children);
}

/** Inline SVG from a trusted, static markup string (our own artwork only, never server data). */
export function svg(markup: string, className?: string): Element {
  const tpl = document.createElement('template');
  tpl.innerHTML = markup.trim();
  const node = tpl.content.firstElementChild as Element;
  if (className) node.setAttribute('class', className);
  // Stagger indexes as `data-i`, set through the CSSOM: the CSP refuses style attributes.
  for (const el of node.querySelectorAll<SVGElement>('[data-i]')) el.style.setProperty('--i', el.dataset.i ?? '0');
  return node;
}

export function $(sel: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector(sel);
  if (!el) throw new Error(`missing ${sel}`);
  return el as HTMLElement;
}

/** A modal dialog built on <dialog>; resolves true on confirm. */
export function confirmDialog(opts: {
  title: string;
  body?: (Node | string)[];
  confirmLabel: string;
  cancelLabel: string;
  danger?: boolean;
  requireCheck?: string;
  className?: string;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const confirmBtn = h('button', { class: `btn ${opts.danger ? 'btn-danger' : 'btn-gold'} btn-lg`, type: 'button' }, opts.confirmLabel);
    const cancelBtn = h('button', { class: 'btn btn-ghost btn-lg', type: 'button' }, opts.cancelLabel);
    let check: HTMLInputElement | null = null;
    const parts: Node[] = [];
    if (opts.requireCheck) {
      check = h('input', { type: 'checkbox', id: 'dlg-check' });
      confirmBtn.disabled = true;
      check.addEventListener('change', () => (confirmBtn.disabled = !check!.checked));
      parts.push(h('label', { class: 'check', for: 'dlg-check' }, check, h('span', null, opts.requireCheck)));
    }
    const dlg = h(
      'dialog',
      { class: `dialog ${opts.className ?? ''}`, 'aria-labelledby': 'dlg-title' },
      h('h2', { id: 'dlg-title', class: 'dialog-title' }, opts.title),
      h('div', { class: 'dialog-body' }, ...(opts.body ?? [])),
      ...parts,
      h('div', { class: 'dialog-actions' }, cancelBtn, confirmBtn),
    );
    const done = (v: boolean): void => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    confirmBtn.addEventListener('click', () => done(true));
    cancelBtn.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    (check ?? confirmBtn).focus();
  });
}

export function debounce<A extends unknown[]>(fn: (...a: A) => void, ms: number): ((...a: A) => void) & { flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: A | null = null;
  const d = (...a: A): void => {
    lastArgs = a;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...(lastArgs as A));
    }, ms);
  };
  d.flush = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
      fn(...(lastArgs as A));
    }
  };
  d.cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return d;
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { class: 'sr-only' });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}
