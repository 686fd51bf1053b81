import type { Namespace, Socket } from 'socket.io';
import WebSocket from 'ws';

/** socket.io's EVENT packet type (socket.io-parser). */
const EVENT_PACKET = 2;

interface Encoder {
  encode(packet: { type: number; nsp: string; data: unknown[] }): (string | Buffer)[];
}

interface WriteOptions {
  preEncoded: true;
  volatile?: boolean;
  compress?: boolean;
  /** The whole WebSocket frame, built once (engine.io sends it as is when the socket does not deflate). */
  wsPreEncodedFrame?: Buffer[];
}

/** What PrebuiltFrame reads of socket.io's client and its Engine.IO connection (socket.io 4, engine.io 6). */
interface EngineClient {
  conn: {
    readyState: string;
    writeBuffer: unknown[];
    transport: { name: string; writable: boolean; opts?: { perMessageDeflate?: unknown }; socket?: { _sender?: { sendFrame(frame: Buffer[], cb?: () => void): void } } };
  };
  writeToEngine(packets: string[], options: WriteOptions): void;
}

/**
 * One socket.io event encoded once, with its WebSocket frame built once, written to as many sockets as
 * needed: the same bytes for every socket. This is what socket.io's own broadcast does per `emit` call
 * (in-memory adapter `_encode`); writing it ourselves lets one encoding serve several rooms in the order we
 * choose (stage screens first) without computing room unions and exclusions per call. The packet carries no
 * connection-state-recovery offset: a reconnecting v2 client gets the reveal in its snapshot instead.
 */
export class PrebuiltFrame {
  private constructor(
    /** The socket.io packet as text (`2/live,["revealed",{…}]`). */
    readonly packet: string,
    private readonly options: WriteOptions,
    /** Header and payload of the WebSocket frame in one buffer: one `write` per socket (ws's own two-buffer frame corks, writes twice, uncorks). */
    private readonly whole: [Buffer],
  ) {}

  static of(namespace: Namespace<never, never, never, unknown> | Namespace, event: string, payload: unknown): PrebuiltFrame {
    const encoder = (namespace.adapter as unknown as { encoder: Encoder }).encoder;
    const encoded = encoder.encode({ type: EVENT_PACKET, nsp: namespace.name, data: [event, payload] });
    const packet = encoded[0];
    if (encoded.length !== 1 || typeof packet !== 'string') throw new Error(`${event}: a pre-built frame must be one text packet (no binary)`);
    // "4" is the Engine.IO message packet type.
    const frame = (WebSocket as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender.frame(Buffer.from(`4${packet}`), {
      readOnly: false,
      mask: false,
      rsv1: false,
      opcode: 1,
      fin: true,
    });
    return new PrebuiltFrame(packet, { preEncoded: true, wsPreEncodedFrame: frame }, [frame.length === 1 ? frame[0] : Buffer.concat(frame)]);
  }

  /** Bytes of the Engine.IO message on the wire (without the WebSocket header). */
  get size(): number {
    return Buffer.byteLength(this.packet) + 1;
  }

  /**
   * Writes the frame to one socket. On a WebSocket connection with nothing queued in Engine.IO (its buffer
   * empty, its transport writable) the pre-built frame goes straight to the `ws` sender, header and payload
   * as one buffer (one socket `write`, no cork/uncork): no Engine.IO packet object, no `packetCreate`/`flush`/`drain` events, no send
   * callback per socket. Engine.IO's own pre-encoded path ends in the same `sendFrame`, so the bytes and their
   * order on the connection are the same; anything queued (a write still in flight, long-polling, a closing
   * connection) takes Engine.IO's path behind what is queued.
   */
  writeTo(socket: Socket): void {
    const client = (socket as unknown as { client: EngineClient }).client;
    const conn = client.conn;
    const transport = conn.transport;
    const sender = transport.socket?._sender;
    if (conn.readyState === 'open' && transport.writable && conn.writeBuffer.length === 0 && !transport.opts?.perMessageDeflate && sender !== undefined && transport.name === 'websocket') {
      sender.sendFrame(this.whole);
      return;
    }
    client.writeToEngine([this.packet], this.options);
  }
}
