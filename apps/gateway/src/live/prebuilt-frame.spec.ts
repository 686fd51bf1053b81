import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { PrebuiltFrame } from './prebuilt-frame.js';

/** A real socket.io server on a spare port and real clients: what a client receives, in order. */
describe('PrebuiltFrame: one encoded frame written to sockets', () => {
  let http: HttpServer;
  let server: Server;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    http = createServer();
    server = new Server(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/live`;
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await new Promise<void>((resolve) => {
      void server.close(() => resolve());
    });
  });

  async function connect(transports: ('websocket' | 'polling')[]): Promise<{ client: ClientSocket; socket: ServerSocket; got: unknown[][] }> {
    const joined = new Promise<ServerSocket>((resolve) => server.of('/live').once('connection', resolve));
    const client = io(url, { transports, upgrade: false, forceNew: true });
    clients.push(client);
    const got: unknown[][] = [];
    client.onAny((event: string, payload: unknown) => got.push([event, payload]));
    const socket = await joined;
    await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', () => resolve())));
    return { client, socket, got };
  }

  const until = async (done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('on an idle WebSocket: straight to the ws sender (no Engine.IO packet), received as the socket.io event', async () => {
    const { socket, got } = await connect(['websocket']);
    const packets: unknown[] = [];
    socket.conn.on('packetCreate', (p) => packets.push(p));
    const frame = PrebuiltFrame.of(server.of('/live'), 'revealed', { v: 2, seq: 7, key: 'k' });
    frame.writeTo(socket);
    await until(() => got.length === 1);
    expect(got).toEqual([['revealed', { v: 2, seq: 7, key: 'k' }]]);
    expect(packets).toEqual([]);
    expect(frame.size).toBe(Buffer.byteLength(frame.packet) + 1);
  });

  it('frames of every WebSocket header length (7-, 16- and 64-bit payload lengths) arrive whole, header and payload written as one buffer', async () => {
    const { socket, got } = await connect(['websocket']);
    const payloads = [{ pad: 'a'.repeat(50) }, { pad: 'b'.repeat(300) }, { pad: 'c'.repeat(70_000) }];
    for (const payload of payloads) PrebuiltFrame.of(server.of('/live'), 'revealed', payload).writeTo(socket);
    await until(() => got.length === 3);
    expect(got).toEqual(payloads.map((p) => ['revealed', p]));
  });

  it('keeps the order with what Engine.IO has queued: emits before and after it arrive around it', async () => {
    const { socket, got } = await connect(['websocket']);
    const frame = PrebuiltFrame.of(server.of('/live'), 'revealed', { seq: 2 });
    // The first emit leaves Engine.IO's transport busy (its write in flight), the second is queued behind it.
    socket.emit('scene', { seq: 1 });
    socket.emit('scene', { seq: 1.5 });
    frame.writeTo(socket);
    socket.emit('scene', { seq: 3 });
    await until(() => got.length === 4);
    expect(got).toEqual([['scene', { seq: 1 }], ['scene', { seq: 1.5 }], ['revealed', { seq: 2 }], ['scene', { seq: 3 }]]);
  });

  it('on long-polling: through Engine.IO, received the same', async () => {
    const { socket, got } = await connect(['polling']);
    PrebuiltFrame.of(server.of('/live'), 'revealed', { seq: 9 }).writeTo(socket);
    await until(() => got.length === 1);
    expect(got).toEqual([['revealed', { seq: 9 }]]);
  });
});
