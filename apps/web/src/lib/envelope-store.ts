/**
 * The sealed envelopes a page holds (protocol v2), per ceremony and audience, kept across reloads in IndexedDB.
 * Reads are synchronous from memory (a reveal or a key card must not wait for a database); writes go through
 * to IndexedDB in the background. Where IndexedDB is missing or refused (private windows, quota), the store
 * keeps working in memory only. Holds ciphertexts and public commitments only: no key is ever stored here.
 *
 * Also the queue of card reveals made while the system was down (to report once it is back).
 */
import type { EnvelopeAudience, EnvelopeFrame } from '@laurel/contracts';

const DB_NAME = 'laurel-envelopes';
const DB_VERSION = 1;
const ENVELOPES = 'envelopes';
const CARD_REVEALS = 'card-reveals';

export interface StoredEnvelope extends EnvelopeFrame {
  /** `<ceremony as in the page's URL>|<audience>|<categoryId>` */
  id: string;
  /** The ceremony as the page's URL names it (slug or id): a page reloaded with the gateway down knows only that. */
  ceremony: string;
  audience: EnvelopeAudience;
  storedAt: number;
}

/** A reveal made from a key card, to report with POST card-reveals (idempotent) once the network is back. */
export interface QueuedCardReveal {
  id: string;
  ceremony: string;
  categoryId: string;
  key: string;
  idempotencyKey: string;
  at: number;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    let r: IDBOpenDBRequest;
    try {
      r = indexedDB.open(DB_NAME, DB_VERSION);
    } catch {
      resolve(null);
      return;
    }
    r.onupgradeneeded = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains(ENVELOPES)) db.createObjectStore(ENVELOPES, { keyPath: 'id' }).createIndex('ceremony', 'ceremony');
      if (!db.objectStoreNames.contains(CARD_REVEALS)) db.createObjectStore(CARD_REVEALS, { keyPath: 'id' }).createIndex('ceremony', 'ceremony');
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => resolve(null);
    r.onblocked = () => resolve(null);
  });
}

export class EnvelopeStore {
  private readonly envelopes = new Map<string, StoredEnvelope>();
  private readonly queue = new Map<string, QueuedCardReveal>();

  private db: IDBDatabase | null = null;
  /** Called whenever the set of held envelopes changes (the page shows how many it holds). */
  onchange: ((count: number) => void) | null = null;
  /** Settles once what this ceremony's page kept before (a reload, a standby laptop) is loaded. */
  readonly ready: Promise<void>;

  constructor(
    readonly ceremony: string,
    readonly audience: EnvelopeAudience,
  ) {
    this.ready = openDb().then(async (db) => {
      this.db = db;
      await this.load();
      this.onchange?.(this.envelopes.size);
      // What arrived while the database was opening goes to it now.
      this.write(ENVELOPES, [...this.envelopes.values()]);
      this.write(CARD_REVEALS, [...this.queue.values()]);
    });
  }

  /** Opens the store and loads what this ceremony's page kept before. */
  static async open(ceremony: string, audience: EnvelopeAudience): Promise<EnvelopeStore> {
    const store = new EnvelopeStore(ceremony, audience);
    await store.ready;
    return store;
  }

  get persistent(): boolean {
    return this.db !== null;
  }

  private async load(): Promise<void> {
    if (!this.db) return;
    try {
      const tx = this.db.transaction([ENVELOPES, CARD_REVEALS], 'readonly');
      const [envelopes, queued] = await Promise.all([
        request(tx.objectStore(ENVELOPES).index('ceremony').getAll(this.ceremony) as IDBRequest<StoredEnvelope[]>),
        request(tx.objectStore(CARD_REVEALS).index('ceremony').getAll(this.ceremony) as IDBRequest<QueuedCardReveal[]>),
      ]);
      for (const e of envelopes) if (e.audience === this.audience && !this.envelopes.has(e.categoryId)) this.envelopes.set(e.categoryId, e);
      for (const q of queued) if (!this.queue.has(q.id)) this.queue.set(q.id, q);
    } catch {
      /* a broken database: work from memory */
    }
  }

  private write(store: string, put: object[], del: string[] = []): void {
    if (!this.db || (!put.length && !del.length)) return;
    try {
      const tx = this.db.transaction(store, 'readwrite');
      const os = tx.objectStore(store);
      for (const v of put) os.put(v);
      for (const k of del) os.delete(k);
    } catch {
      /* quota or a closed database: memory still has it */
    }
  }

  /** Keep envelopes (an `envelope` frame, a snapshot's envelopes, a kit file). A newer commitment replaces an older one. */
  put(frames: readonly EnvelopeFrame[]): void {
    const changed: StoredEnvelope[] = [];
    for (const f of frames) {
      const held = this.envelopes.get(f.categoryId);
      if (held && held.ceremonyId === f.ceremonyId && held.commitment === f.commitment && held.ciphertext === f.ciphertext && held.iv === f.iv) continue;
      const e: StoredEnvelope = {
        ceremonyId: f.ceremonyId,
        categoryId: f.categoryId,
        commitment: f.commitment,
        iv: f.iv,
        ciphertext: f.ciphertext,
        id: `${this.ceremony}|${this.audience}|${f.categoryId}`,
        ceremony: this.ceremony,
        audience: this.audience,
        storedAt: Date.now(),
      };
      this.envelopes.set(f.categoryId, e);
      changed.push(e);
    }
    this.write(ENVELOPES, changed);
    if (changed.length) this.onchange?.(this.envelopes.size);
  }

  get(categoryId: string): StoredEnvelope | undefined {
    return this.envelopes.get(categoryId);
  }

  all(): StoredEnvelope[] {
    return [...this.envelopes.values()];
  }

  /** A revealed category's envelope is no longer needed (the snapshot carries the plaintext from now on). */
  drop(categoryIds: readonly string[]): void {
    const gone = categoryIds.filter((id) => this.envelopes.delete(id));
    if (gone.length) this.onchange?.(this.envelopes.size);
    this.write(
      ENVELOPES,
      [],
      gone.map((id) => `${this.ceremony}|${this.audience}|${id}`),
    );
  }

  queueCardReveal(q: Omit<QueuedCardReveal, 'id' | 'ceremony'>): QueuedCardReveal {
    const item: QueuedCardReveal = { ...q, id: `${this.ceremony}|${q.categoryId}`, ceremony: this.ceremony };
    this.queue.set(item.id, item);
    this.write(CARD_REVEALS, [item]);
    return item;
  }

  queuedCardReveals(): QueuedCardReveal[] {
    return [...this.queue.values()];
  }

  cardRevealReported(id: string): void {
    this.queue.delete(id);
    this.write(CARD_REVEALS, [], [id]);
  }
}
