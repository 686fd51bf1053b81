import { io, type Socket } from 'socket.io-client';
import type { LiveClientEvents, LiveClientEventsV2, LiveServerEvents, LiveServerEventsV2 } from '#contracts';
import { eventually } from './eventually.js';

export interface RecordedFrame {
  event: string;
  payload: unknown;
  at: number;
}

type ServerEventName = keyof LiveServerEvents | keyof LiveServerEventsV2;

export interface LiveClient {
  socket: Socket<LiveServerEvents, LiveClientEvents & LiveClientEventsV2>;
  frames: RecordedFrame[];
  of<T = unknown>(event: ServerEventName): T[];
  waitFor<T = unknown>(event: ServerEventName, predicate?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): void;
}

/** A socket.io client on `/live` that records every frame it receives. */
export async function connectLive(gatewayUrl: string, auth: { ceremony: string; token?: string; rehearsal?: boolean; v?: 2 }, options: { waitForSnapshot?: boolean } = {}): Promise<LiveClient> {
  const socket: Socket<LiveServerEvents, LiveClientEvents & LiveClientEventsV2> = io(`${gatewayUrl}/live`, { auth, transports: ['websocket'], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 1000 });
  const frames: RecordedFrame[] = [];
  socket.onAny((event: string, payload: unknown) => frames.push({ event, payload, at: Date.now() }));
  const client: LiveClient = {
    socket,
    frames,
    of: <T>(event: ServerEventName) => frames.filter((f) => f.event === event).map((f) => f.payload as T),
    waitFor: <T>(event: ServerEventName, predicate: (p: T) => boolean = () => true, timeoutMs = 10000) =>
      eventually(
        () => {
          const found = frames.find((f) => f.event === event && predicate(f.payload as T));
          if (!found) throw new Error(`no ${String(event)} frame matching within ${timeoutMs} ms; got ${frames.map((f) => f.event).join(',')}`);
          return found.payload as T;
        },
        { timeoutMs },
      ),
    close: () => socket.close(),
  };
  if (options.waitForSnapshot !== false) {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect_error', (err) => reject(err));
      socket.once('snapshot', () => resolve());
    });
  }
  return client;
}
