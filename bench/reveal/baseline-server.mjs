// The baseline: a bare `ws` server (bufferutil if installed, no compression) that, on
// `POST /send?round=<k>&bytes=<n>`, builds ONE text frame of n bytes and writes that same pre-built
// frame to every connected client — the least any WebSocket server on Node can do for a broadcast.
// Started by run.mjs pinned to the system's core (`taskset -c 0`). Prints `LISTENING <port>`.
import { createServer } from 'node:http';
import WebSocket, { Sender, WebSocketServer } from 'ws';

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/send') {
    const round = Number(url.searchParams.get('round'));
    const bytes = Number(url.searchParams.get('bytes'));
    const head = `{"round":${round},"pad":"`;
    const text = head + 'x'.repeat(Math.max(0, bytes - head.length - 2)) + '"}';
    // One frame, encoded once (the same technique socket.io uses for its broadcasts).
    const frame = Sender.frame(Buffer.from(text), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
    let sent = 0;
    const loopStart = process.hrtime.bigint();
    for (const client of wss.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      client._sender.sendFrame(frame);
      sent++;
    }
    // The loop's own time (the system's counterpart is the gateway's push.first-rooms-written → push.all-written hops).
    const loopMs = Number(process.hrtime.bigint() - loopStart) / 1e6;
    // Optional second frame to everyone afterwards (`bytes2`): the system follows `revealed` with the
    // winner `scene`, so this variant costs the transport what the system really sends.
    const bytes2 = Number(url.searchParams.get('bytes2') ?? 0);
    if (bytes2 > 0) {
      const head2 = `{"round":${-round},"pad":"`;
      const second = Sender.frame(Buffer.from(head2 + 'y'.repeat(Math.max(0, bytes2 - head2.length - 2)) + '"}'), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client._sender.sendFrame(second);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sent, bytes: Buffer.byteLength(text), loopMs }));
    return;
  }
  if (url.pathname === '/rss') {
    res.writeHead(200).end(String(process.memoryUsage().rss));
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: true });
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
