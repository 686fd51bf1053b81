// Voters' phones for bench/vote as a minimal Engine.IO v4 / socket.io v5 client over `ws` (the same wire as the
// ballot page's socket.io-client): open, join `/live` with the handshake auth, answer pings, send `vote:cast` with an
// ack id and read only the ack packets. A load generator that decodes every frame with socket.io-client spends its
// own core on that (bench/vote measured ~0.2 ms of driver CPU per vote), which then shows up as the system's latency.
import WebSocket from 'ws';

const NSP = '/live';
const ACK_PREFIX = `43${NSP},`;

/**
 * One phone. `open()` resolves once `/live` sent its snapshot (the phone is on the show, as a page would be).
 * `vote(payload, timeoutMs)` resolves with the ack's first argument (`{ status, body }`), or rejects on timeout or drop.
 */
export function voter(baseUrl, auth) {
  const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const waiting = new Map();
  let nextId = 0;
  let ws = null;
  const failAll = (error) => {
    for (const w of waiting.values()) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    waiting.clear();
  };
  return {
    open() {
      return new Promise((resolve, reject) => {
        ws = new WebSocket(wsUrl, { perMessageDeflate: false });
        let joined = false;
        ws.on('message', (data) => {
          const text = data.toString();
          const type = text.charCodeAt(0);
          if (type === 50 /* '2' ping */) return void ws.send('3');
          if (type === 48 /* '0' open */) return void ws.send(`40${NSP},${JSON.stringify(auth)}`);
          if (type !== 52 /* '4' message */) return;
          if (text.startsWith(ACK_PREFIX)) {
            const bracket = text.indexOf('[', ACK_PREFIX.length);
            const id = Number(text.slice(ACK_PREFIX.length, bracket));
            const w = waiting.get(id);
            if (!w) return;
            waiting.delete(id);
            clearTimeout(w.timer);
            w.resolve(JSON.parse(text.slice(bracket))[0]);
            return;
          }
          if (text.startsWith(`44${NSP}`)) return void reject(new Error(`connect_error ${text.slice(NSP.length + 3)}`));
          if (!joined && text.startsWith(`42${NSP},["snapshot"`)) {
            joined = true;
            resolve();
          }
        });
        ws.on('error', (e) => (joined ? failAll(e) : reject(e)));
        ws.on('close', () => failAll(new Error('socket closed')));
      });
    },
    vote(payload, timeoutMs = 30000) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`no ack within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, { resolve, reject, timer });
        ws.send(`42${NSP},${id}${JSON.stringify(['vote:cast', payload])}`);
      });
    },
    close() {
      ws?.close();
    },
  };
}
