// @ts-check
// Ports on 127.0.0.1: free ones for a test, a preferred one for the launcher, and waiting for a listener.
import net from 'node:net';

/**
 * True when nothing listens on `port`.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS has just handed out (free now; a test binds it at once). */
export function freePort(host = '127.0.0.1') {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ port: 0, host }, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    })
  );
}

/**
 * `preferred` when nothing listens there, else `preferred+1…+9`, else any free port; never one in `avoid`.
 * @param {number | undefined} preferred
 * @param {{ host?: string, avoid?: number[] }} [options]
 */
export async function pickPort(preferred, { host = '127.0.0.1', avoid = [] } = {}) {
  if (preferred) {
    for (let port = preferred; port < preferred + 10; port++) {
      if (!avoid.includes(port) && (await portFree(port, host))) return port;
    }
  }
  for (;;) {
    const port = await freePort(host);
    if (!avoid.includes(port)) return port;
  }
}

/**
 * True when something accepts a TCP connection on `port` within `timeoutMs`.
 * @param {number} port
 */
export function tcpReachable(port, host = '127.0.0.1', timeoutMs = 1000) {
  return /** @type {Promise<boolean>} */ (
    new Promise((resolve) => {
      const socket = net.connect({ port, host });
      /** @param {boolean} ok */
      const done = (ok) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    })
  );
}
