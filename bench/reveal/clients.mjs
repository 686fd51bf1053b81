// Load generator child: holds a share of the public socket.io clients (and the same number of bare
// `ws` clients for the baseline) and records, on CLOCK_MONOTONIC, when each one receives a frame.
// Driven by run.mjs over IPC; started pinned with `taskset -c 1`.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { now, serveIpc, sleep } from './lib.mjs';

const sockets = [];
const bare = [];
const floor = [];
// The last `revealed` and winner `scene` payloads client 0 got from the system (replayed by the socket.io floor).
let lastFrames = { revealed: null, scene: null };
let lastSeq = new Int32Array(0);
let disconnects = 0;
let reconnects = 0;
const reasons = {};
let bareCloses = 0;

// The round being measured: which event, which seq (system) or round id (baseline), and receive times.
let armed = null;

function arm(kind, key, size) {
  armed = { kind, key, times: new Float64Array(size).fill(NaN), got: 0, waiters: [], bytes: 0 };
}

function record(kind, key, index, bytes) {
  const a = armed;
  if (!a || a.kind !== kind || a.key !== key || !Number.isNaN(a.times[index])) return;
  a.times[index] = now();
  if (bytes) a.bytes = bytes;
  a.got++;
  if (a.got === a.times.length) for (const w of a.waiters.splice(0)) w();
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

serveIpc({
  /** Opens `count` public socket.io clients; resolves with start/last-snapshot times. */
  async connect({ url, ceremony, count, concurrency = 100, auth = {} }) {
    const start = now();
    lastSeq = new Int32Array(count);
    const snapshotAt = new Float64Array(count).fill(NaN);
    const errors = await pool(count, concurrency, (i) =>
      new Promise((resolve, reject) => {
        const socket = io(`${url}/live`, {
          auth: { ceremony, ...auth },
          transports: ['websocket'],
          forceNew: true,
          // A client dropped under load comes back (and gets a snapshot) like a browser would; the
          // reveal it missed while away is counted as missing for that round.
          reconnection: true,
          reconnectionDelay: 2000,
          reconnectionDelayMax: 10000,
          timeout: 60000,
        });
        sockets[i] = socket;
        socket.on('snapshot', (s) => {
          lastSeq[i] = Math.max(lastSeq[i], s?.scene?.seq ?? 0);
          if (Number.isNaN(snapshotAt[i])) {
            snapshotAt[i] = now();
            resolve();
          }
        });
        socket.on('scene', (s) => {
          if (s.seq > lastSeq[i]) lastSeq[i] = s.seq;
          if (i === 0 && s.kind === 'winner') lastFrames.scene = s;
        });
        socket.on('revealed', (r) => {
          record('system', r.seq, i, 0);
          if (i === 0) lastFrames.revealed = r;
        });
        socket.on('connect_error', (e) => {
          if (Number.isNaN(snapshotAt[i])) {
            socket.io.reconnection(false);
            socket.close();
            reject(e);
          }
        });
        socket.on('disconnect', (reason) => {
          disconnects++;
          reasons[reason] = (reasons[reason] ?? 0) + 1;
        });
        socket.io.on('reconnect', () => reconnects++);
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
          // Parse it as a client would (socket.io-client parses every frame too).
          const msg = JSON.parse(data.toString());
          record('baseline', msg.round, i, data.length);
        });
      }),
    );
    return { start, end: now(), errorCount: errors.length, errors: errors.slice(0, 5) };
  },

  /** Opens `count` socket.io clients to the socket.io floor server (same client options as the public ones). */
  async connectFloor({ url, count, concurrency = 100 }) {
    const start = now();
    const errors = await pool(count, concurrency, (i) =>
      new Promise((resolve, reject) => {
        const socket = io(`${url}/live`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60000 });
        floor[i] = socket;
        socket.on('connect', () => resolve());
        socket.on('connect_error', (e) => reject(e));
        socket.on('scene', () => undefined);
        socket.on('revealed', (r) => record('floor', r.seq, i, 0));
      }),
    );
    return { start, end: now(), errorCount: errors.length, errors: errors.slice(0, 5) };
  },

  /** The frames client 0 last got from the system (for the floor to replay). */
  frames() {
    return lastFrames;
  },

  /** Resolves once every client has seen scene `seq` (or after timeoutMs). */
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
    arm(kind, key, kind === 'system' ? sockets.length : kind === 'floor' ? floor.length : bare.length);
    return { armedAt: now() };
  },

  /** Waits until every client of the armed round has the frame (or timeoutMs), returns the times. */
  async collect({ timeoutMs = 30000, idleMs = 5000 }) {
    const a = armed;
    // Every client, or — when some dropped off (reconnecting after a ping timeout on a starved machine) —
    // nothing new for 5 s; never more than timeoutMs.
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
    return { sockets: sockets.filter((s) => s?.connected).length, bare: bare.filter((b) => b?.readyState === WebSocket.OPEN).length, disconnects, reconnects, reasons, bareCloses };
  },

  async close() {
    for (const s of sockets) {
      s?.io.reconnection(false);
      s?.close();
    }
    for (const b of bare) b?.terminate();
    for (const f of floor) f?.close();
    await sleep(200);
    return { closed: sockets.length + bare.length };
  },
});
