/**
 * URL and session state. Links carry the token in the fragment (`#token=…`), which the browser never
 * sends to a server or proxy. It is read once, as this module loads (main.ts imports it first), kept in
 * sessionStorage (per page kind) and removed from the address bar at once, so it does not end up on a
 * projected screen, in the history or in a shared link. A legacy `?token=` (a QR code printed by an older
 * version) is taken and scrubbed the same way; the server never reads it (it only knows the
 * Authorization header and the socket's auth), see docs/operations.md.
 */
const params = new URLSearchParams(location.search);
/** Fragment parameters (`#token=…&x=y`); a fragment that is not a parameter list yields none. */
function fragmentParams(hash: string): URLSearchParams {
  return new URLSearchParams(hash.replace(/^#/, ''));
}

const PENDING = 'laurel.token.pending';

/** Takes `token` out of the fragment and the query, rewrites the address bar without it, returns it. */
function scrubToken(): string | null {
  const url = new URL(location.href);
  const fragment = fragmentParams(url.hash);
  const token = fragment.get('token') ?? url.searchParams.get('token');
  if (!fragment.has('token') && !url.searchParams.has('token')) return null;
  fragment.delete('token');
  url.searchParams.delete('token');
  const rest = fragment.toString();
  history.replaceState(null, '', url.pathname + url.search + (rest ? `#${rest}` : ''));
  params.delete('token');
  return token || null;
}

let fromUrl = scrubToken();
if (fromUrl === null) {
  // A token that arrived by a fragment-only navigation (see below), kept over the reload.
  fromUrl = getStored(PENDING);
  setStored(PENDING, null);
}

// Following another link to the same page only changes the fragment: the page does not reload, so take
// the new token, scrub it, and load the page again with it.
addEventListener('hashchange', () => {
  const token = scrubToken();
  if (token === null) return;
  setStored(PENDING, token);
  location.reload();
});

export function param(name: string): string | null {
  return params.get(name);
}

export function takeToken(kind: string): string | null {
  const key = `laurel.token.${kind}`;
  if (fromUrl) {
    setStored(key, fromUrl);
    // Storage may be disabled (kiosk mode): the token still works for this page load.
    return fromUrl;
  }
  return getStored(key);
}

export function getStored(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function setStored(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    /* ignore */
  }
}

export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `?rehearsal=1`: this page follows the rehearsal show (watermarked, never press or public). */
export function rehearsalParam(): boolean {
  return params.get('rehearsal') === '1';
}

/** A page link with its token in the fragment, never in the query (`#token=…`). */
export function tokenLink(url: string, token: string): string {
  return `${url}#token=${encodeURIComponent(token)}`;
}
