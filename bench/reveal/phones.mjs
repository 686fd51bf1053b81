// Load generator child for the public side: a share of the public clients as a MINIMAL Engine.IO v4 client
// over `ws` (what a phone's page must do and nothing more), plus the same number of bare `ws` clients for the
// baseline. It records, on CLOCK_MONOTONIC, when each client receives a frame. Same IPC interface as
// clients.mjs (which drives socket.io-client), so run.mjs can use either (`--phones engineio|socketio`).
//
// Why: socket.io-client on one core mostly measured its own decoding of two frames per client (issue 11).
// This client speaks the wire protocol directly: the Engine.IO open packet, ping → pong, the socket.io
// CONNECT to `/live` with the handshake auth (`v: 2` for protocol v2), and it parses only the frames a phone
// must act on: `snapshot`, `scene`, `revealed` (and, v2, `envelope`, kept as a phone keeps it); every other
// frame is recognised by its prefix and dropped unparsed. A reveal is timed when its frame arrives (decrypting
// a v2 envelope is the phone's own work after that: see docs/performance.md for its cost).
import WebSocket from 'ws';
import { now, serveIpc, sleep } from './lib.mjs';

const phones = [];
const bare = [];
let lastSeq = new Int32Array(0);
let disconnects = 0;
let reconnects = 0;
const reasons = {};
let bareCloses = 0;
let armed = null;
/** The last `revealed` frame client 0 got (run.mjs reports its size). */
let lastRevealed = null;

const NSP = '/live';
const EVENT_PREFIX = `42${NSP},[`;

function arm(kind, key, size) {
  armed = { kind, key, times: new Float64Array(size).fill(NaN), got: 0, waiters: [], bytes: 0 };
}

function record(kind, key, index, bytes) {
  const a = armed;
  if (!a || a.kind !== kind || a.key !== key || !Number.isNaN(a.times[index])) return;
  a.times[index] = now();
  if (bytes) a.bytes = bytes;
  a.got++;
}

async function pool(count, concurrency, open) {
  let next = 0;
  const errors = [];
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      try {
        await open(i);
      } catch (error) {
        errors.push(String(error?.message ?? error));
      }
    }
  });
  await Promise.all(lanes);
  return errors;
}

/** The event name of a socket.io EVENT packet on /live (`42/live,["name",…]`), without parsing the rest. */
function eventOf(text) {
  if (!text.startsWith(EVENT_PREFIX)) return null;
  const start = EVENT_PREFIX.length + 1; // after `["`
  const end = text.indexOf('"', start);
  return end < 0 ? null : text.slice(start, end);
}

/** The payload of an EVENT packet: `[name, payload, offset?]` (connection-state recovery appends an offset). */
function payloadOf(text) {
  return JSON.parse(text.slice(EVENT_PREFIX.length - 1))[1];
}

/** One phone: opens, joins /live with `auth`, answers pings, reconnects like a page after a drop. */
function openPhone(i, url, auth, onFirstSnapshot, onError) {
  const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const phone = { ws: null, envelopes: new Map(), snapshots: 0 };
  phones[i] = phone;
  let first = true;
  const start = () => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    phone.ws = ws;
    ws.on('message', (data) => {
      const text = data.toString();
      const type = text.charCodeAt(0);
      if (type === 50 /* '2' ping */) {
        ws.send('3');
        return;
      }
      if (type === 48 /* '0' open */) {
        ws.send(`40${NSP},${JSON.stringify(auth)}`);
        return;
      }
      if (type !== 52 /* '4' message */) return;
      if (text.startsWith(`44${NSP}`)) {
        onError(new Error(`connect_error ${text.slice(NSP.length + 3)}`));
        ws.close();
        return;
      }
      const event = eventOf(text);
      if (event === 'revealed') {
        const r = payloadOf(text);
        record('system', r.seq, i, 0);
        if (i === 0) lastRevealed = { frame: r, bytes: Buffer.byteLength(text) };
        // v2: the category's envelope is now opened by the phone (not timed here).
        return;
      }
      if (event === 'scene') {
        const s = payloadOf(text);
        if (s.seq > lastSeq[i]) lastSeq[i] = s.seq;
        return;
      }
      if (event === 'envelope') {
        const e = payloadOf(text);
        phone.envelopes.set(e.categoryId, e);
        return;
      }
      if (event === 'snapshot') {
        const s = payloadOf(text);
        lastSeq[i] = Math.max(lastSeq[i], s?.scene?.seq ?? 0);
        for (const e of s.envelopes ?? []) phone.envelopes.set(e.categoryId, e);
        phone.snapshots++;
        if (first) {
          first = false;
          onFirstSnapshot();
        }
      }
      // sealed, gateway-status, …: not a phone's business here.
    });
    ws.on('error', (e) => {
      if (first) onError(e);
    });
    ws.on('close', () => {
      if (first || phone.closing) return;
      disconnects++;
      reasons['transport close'] = (reasons['transport close'] ?? 0) + 1;
      // Back like a page after a drop (it gets a snapshot); a reveal missed meanwhile counts as missing.
      setTimeout(() => {
        if (phone.closing) return;
        reconnects++;
        start();
      }, 2000);
    });
  };
  start();
}

serveIpc({
  /** Opens `count` public clients; resolves with start/last-snapshot times. */
  async connect({ url, ceremony, count, concurrency = 100, auth = {} }) {
    const start = now();
    lastSeq = new Int32Array(count);
    const snapshotAt = new Float64Array(count).fill(NaN);
    const errors = await pool(count, concurrency, (i) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no snapshot within 120 s')), 120000);
        openPhone(
          i,
          url,
          { ceremony, ...auth },
          () => {
            clearTimeout(timer);
            snapshotAt[i] = now();
            resolve();
          },
          (e) => {
            clearTimeout(timer);
            reject(e);
          },
        );
      }),
    );
    const got = snapshotAt.filter((t) => !Number.isNaN(t));
    return { start, firstSnapshot: Math.min(...got), lastSnapshot: Math.max(...got), connected: got.length, errors: errors.slice(0, 5), errorCount: errors.length };
  },

  /** Opens `count` bare ws clients to the baseline server. */
  async connectBaseline({ url, count, concurrency = 100 }) {
    const start = now();
    const errors = await pool(count, concurrency, (i) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        bare[i] = ws;
        ws.on('open', () => resolve());
        ws.on('error', (e) => reject(e));
        ws.on('close', () => bareCloses++);
        ws.on('message', (data) => {
          // Parsed as a phone parses the reveal.
          const msg = JSON.parse(data.toString());
          record('baseline', msg.round, i, data.length);
        });
      }),
    );
    return { start, end: now(), errorCount: errors.length, errors: errors.slice(0, 5) };
  },

  connectFloor() {
    throw new Error('--socketio-floor needs --phones socketio');
  },

  frames() {
    return { revealed: lastRevealed?.frame ?? null, scene: null, revealedBytes: lastRevealed?.bytes ?? 0, envelopes: phones[0]?.envelopes.size ?? 0 };
  },

  async waitScene({ seq, timeoutMs = 30000 }) {
    const until = now() + timeoutMs;
    for (;;) {
      let behind = 0;
      for (let i = 0; i < lastSeq.length; i++) if (lastSeq[i] < seq) behind++;
      if (behind === 0 || now() > until) return { behind };
      await sleep(20);
    }
  },

  arm({ kind, key }) {
    arm(kind, key, kind === 'system' ? phones.length : bare.length);
    return { armedAt: now() };
  },

  async collect({ timeoutMs = 30000, idleMs = 5000 }) {
    const a = armed;
    const until = now() + timeoutMs;
    let lastGot = -1;
    let lastChange = now();
    while (a.got < a.times.length && now() < until) {
      if (a.got !== lastGot) {
        lastGot = a.got;
        lastChange = now();
      } else if (a.got > 0 && now() - lastChange > idleMs) break;
      await sleep(50);
    }
    armed = null;
    return { times: Array.from(a.times).filter((t) => !Number.isNaN(t)), missing: a.times.length - a.got, bytes: a.bytes };
  },

  status() {
    return { sockets: phones.filter((p) => p?.ws?.readyState === WebSocket.OPEN).length, bare: bare.filter((b) => b?.readyState === WebSocket.OPEN).length, disconnects, reconnects, reasons, bareCloses };
  },

  async close() {
    for (const p of phones) {
      if (!p) continue;
      p.closing = true;
      p.ws?.terminate();
    }
    for (const b of bare) b?.terminate();
    await sleep(200);
    return { closed: phones.length + bare.length };
  },
});
