// Stage-screen child of bench/cue: a few screen-role socket.io clients in their own process, recording on
// CLOCK_MONOTONIC (shared by every process of the machine) when the first of them gets each scene and reveal.
import { io } from 'socket.io-client';
import { now, serveIpc, sleep } from '../reveal/lib.mjs';

const sockets = [];
/** `scene:<seq>` / `revealed:<seq>` → the first arrival on any screen. */
const arrivals = new Map();
const waiters = new Map();

function mark(key) {
  if (arrivals.has(key)) return;
  const at = now();
  arrivals.set(key, at);
  waiters.get(key)?.(at);
  waiters.delete(key);
}

serveIpc({
  async connect({ url, ceremony, tokens }) {
    await Promise.all(
      tokens.map(
        (token, i) =>
          new Promise((resolve, reject) => {
            const socket = io(`${url}/live`, { auth: { token, ceremony, label: `bench-screen-${i + 1}` }, transports: ['websocket'], forceNew: true, reconnection: false });
            socket.on('scene', (scene) => mark(`scene:${scene.seq}`));
            socket.on('revealed', (revealed) => mark(`revealed:${revealed.seq}`));
            socket.once('snapshot', () => resolve());
            socket.once('connect_error', (error) => reject(new Error(`screen ${i + 1}: ${error.message}`)));
            sockets.push(socket);
          }),
      ),
    );
    return { connected: sockets.length };
  },
  async arrival({ key, timeoutMs = 10000 }) {
    if (arrivals.has(key)) return arrivals.get(key);
    return Promise.race([
      new Promise((resolve) => waiters.set(key, resolve)),
      sleep(timeoutMs).then(() => {
        throw new Error(`no screen got ${key} within ${timeoutMs} ms`);
      }),
    ]);
  },
  async close() {
    sockets.forEach((s) => s.close());
    return true;
  },
});
