// Stage-screen child: a few screen-role socket.io clients in their own process. Each keeps an
// NTP-style clock offset to the gateway (`clock:ping`, lowest-RTT sample of a burst), and on `revealed`
// schedules its flip at `showAt` on its own clock (offset applied), recording the real flip instant on
// CLOCK_MONOTONIC, so run.mjs can report receive latency and the spread of the flips.
import { io } from 'socket.io-client';
import { now, serveIpc, sleep } from './lib.mjs';

const screens = [];
const wall = () => performance.timeOrigin + performance.now();

let armed = null;
let frameBytes = 0;
let sceneBytes = 0;

async function syncClock(screen, samples) {
  let best = null;
  for (let k = 0; k < samples; k++) {
    const t0 = wall();
    let reply;
    try {
      if (!screen.socket.connected) return;
      reply = await screen.socket.timeout(500).emitWithAck('clock:ping', t0);
    } catch {
      continue; // a lost sample; keep the best so far
    }
    const t1 = wall();
    const rtt = t1 - t0;
    if (!best || rtt < best.rtt) best = { rtt, offset: reply.serverTime - (t0 + t1) / 2 };
    await sleep(10);
  }
  if (!best) return;
  screen.offset = best.offset;
  screen.rtt = best.rtt;
}

serveIpc({
  async connect({ url, ceremony, tokens, v = 1 }) {
    await Promise.all(
      tokens.map(
        (token, i) =>
          new Promise((resolve, reject) => {
            const socket = io(`${url}/live`, { auth: { ceremony, token, label: `bench-screen-${i + 1}`, ...(v === 2 ? { v: 2 } : {}) }, transports: ['websocket'], forceNew: true, reconnection: false });
            const screen = { socket, offset: 0, rtt: NaN, index: i };
            screens[i] = screen;
            socket.on('snapshot', () => resolve());
            // The WebSocket payload size of the revealed frame, so the baseline sends the same size.
            socket.io.engine.on('packet', (p) => {
              if (p.type === 'message' && typeof p.data === 'string' && p.data.startsWith('2/live,["revealed"')) frameBytes = Buffer.byteLength('4' + p.data);
              if (p.type === 'message' && typeof p.data === 'string' && p.data.startsWith('2/live,["scene"') && p.data.includes('"kind":"winner"')) sceneBytes = Buffer.byteLength('4' + p.data);
            });
            socket.on('connect_error', reject);
            socket.on('revealed', (r) => {
              const received = now();
              const a = armed;
              if (!a || a.seq !== r.seq || a.recv[i] !== undefined) return;
              a.recv[i] = received;
              // The instant showAt names, on this machine's monotonic clock (gateway and screen share the wall clock here).
              // v1: ISO string; v2: epoch ms (both in the gateway's clock).
              const showAt = typeof r.showAt === 'number' ? r.showAt : Date.parse(r.showAt);
              a.showAtTrue = showAt - (wall() - now());
              const flipWall = showAt - screen.offset;
              const delay = flipWall - wall();
              a.late[i] = delay < 0;
              setTimeout(() => {
                a.flip[i] = now();
                if (a.flip.filter((f) => f !== undefined).length === tokens.length) a.done?.();
              }, Math.max(0, delay));
            });
          }),
      ),
    );
    return { screens: screens.length };
  },

  /** A fresh offset estimate for every screen (as a stage page does periodically). */
  async sync({ samples = 10 }) {
    for (const s of screens) await syncClock(s, samples);
    return { offsets: screens.map((s) => s.offset), rtts: screens.map((s) => s.rtt) };
  },

  arm({ seq }) {
    armed = { seq, recv: [], flip: [], late: [], showAtTrue: NaN, done: null };
    return {};
  },

  async collect({ timeoutMs = 10000 }) {
    const a = armed;
    if (a.flip.filter((f) => f !== undefined).length < screens.length) await Promise.race([new Promise((r) => (a.done = r)), sleep(timeoutMs)]);
    armed = null;
    return { frameBytes, sceneBytes, recv: a.recv, flip: a.flip, late: a.late, showAtTrue: a.showAtTrue, offsets: screens.map((s) => s.offset), rtts: screens.map((s) => s.rtt) };
  },

  close() {
    for (const s of screens) s.socket.close();
    return {};
  },
});
