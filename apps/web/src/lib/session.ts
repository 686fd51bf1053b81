/**
 * URL and session state: `?token=` is read once, kept in sessionStorage (per page kind) and removed
 * from the address bar so it does not end up on a projected screen or in a shared link.
 */
const params = new URLSearchParams(location.search);

export function param(name: string): string | null {
  return params.get(name);
}

export function takeToken(kind: string): string | null {
  const key = `laurel.token.${kind}`;
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(key, fromUrl);
    } catch {
      /* storage may be disabled (kiosk mode); the token still works for this page load */
    }
    const url = new URL(location.href);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
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
