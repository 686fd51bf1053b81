import { AsyncLocalStorage } from 'node:async_hooks';
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import type { Serializer } from '@nestjs/microservices';
import type { EventSubject, WrittenRecord } from '#contracts';
import type { OutboxRow } from './entities.js';

/**
 * Read-your-writes across services. A command's reply names what its transaction wrote to the outbox
 * (event ids with their subjects, KV puts by id) in this NATS header, so the gateway can wait until the
 * services that consume those events have applied them (`<service>.writes.status`) before it answers.
 */
export const WRITES_HEADER = 'laurel-writes';

const collector = new AsyncLocalStorage<WrittenRecord[]>();

/** Runs a command handler and collects what its committed transactions wrote to the outbox. */
export async function collectWrites<T>(work: () => Promise<T>): Promise<{ value: T; writes: WrittenRecord[] }> {
  const writes: WrittenRecord[] = [];
  const value = await collector.run(writes, work);
  return { value, writes };
}

/** Called by the outbox once a transaction committed its rows. */
export function noteWrites(rows: readonly OutboxRow[]): void {
  const writes = collector.getStore();
  if (!writes) return;
  // A KV put is named by id only: its key can be a token hash, which does not belong in a status link.
  for (const row of rows) writes.push(row.kind === 'event' ? { id: row.id, event: row.subject as EventSubject & `gala.${string}` } : { id: row.id });
}

/** A command's reply value and what it wrote; the serializer below moves `writes` into the header. */
export class ReplyWithWrites {
  constructor(
    readonly value: unknown,
    readonly writes: WrittenRecord[],
  ) {}
}

/** Nest's NATS reply serializer (a reply packet as JSON), plus the writes header for a ReplyWithWrites. */
export class WritesReplySerializer implements Serializer {
  serialize(packet: { response?: unknown } & Record<string, unknown>): { data: string; headers?: MsgHdrs } {
    if (!(packet?.response instanceof ReplyWithWrites)) return { data: JSON.stringify(packet), headers: undefined };
    const h = headers();
    h.set(WRITES_HEADER, JSON.stringify(packet.response.writes));
    return { data: JSON.stringify({ ...packet, response: packet.response.value }), headers: h };
  }
}

/** The writes a reply's header names (none when absent or unreadable). */
export function writesOf(h: MsgHdrs | undefined): WrittenRecord[] {
  const raw = h?.get(WRITES_HEADER);
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as WrittenRecord[]) : [];
  } catch {
    return [];
  }
}
