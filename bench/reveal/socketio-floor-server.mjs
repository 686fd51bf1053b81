// The socket.io floor (`--socketio-floor`): a bare socket.io server with the gateway's engine and
// options (namespace /live, websocket only, connection state recovery, same ping settings) and nothing
// of Laurel. On `POST /send` (JSON body `{ revealed, scene }`, the frames the gateway really sent in this
// round) it broadcasts `revealed`, then the winner `scene`, to every client — what the gateway's
// fan-out does, without the cue pipeline. The gap between the system and this floor is Laurel's own cost;
// the gap between this floor and the bare-ws baseline is socket.io's (server and client).
// Started by run.mjs pinned to the system's core. Prints `LISTENING <port>`.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
  pingInterval: 10000,
  pingTimeout: 8000,
});
const live = io.of('/live');
live.on('connection', (socket) => {
  void socket.join('show');
});
http.on('request', (req, res) => {
  if (req.method !== 'POST' || !req.url.startsWith('/send')) return;
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const { revealed, scene } = JSON.parse(body);
    live.to('show').emit('revealed', revealed);
    if (scene) live.to('show').emit('scene', scene);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sent: live.sockets.size }));
  });
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`LISTENING ${http.address().port}`));
process.on('SIGTERM', () => process.exit(0));
