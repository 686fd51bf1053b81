import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { LaurelError, type WritesState, type WritesStatusSubject, type WrittenRecord } from '#contracts';
import { ServiceClient } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';

/** The services that consume events (and publish KV puts); each says what it has yet to apply. */
const SERVICES = ['nominations', 'jury', 'announcements', 'vote'] as const;
/**
 * Services a deployment may not run (yet): the audience vote is optional, and during a rolling upgrade the new
 * gateway may come up before it exists. When none of its instances answers at all (no responders) it holds nothing
 * of the writes; a slow or failing one still counts as pending.
 */
const OPTIONAL: ReadonlySet<string> = new Set(['vote']);
/** First pause between two looks; doubled up to the last. Most writes are applied within a few ms. */
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT = /^gala\.(events|sealed)\.[a-z0-9_.-]{1,200}$/;

/** A status link's token: the writes, compact and URL-safe (no data, only ids and event subjects). */
export function writesToken(writes: WrittenRecord[]): string {
  return Buffer.from(JSON.stringify(writes.map((w) => (w.event ? [w.id, w.event] : [w.id])))).toString('base64url');
}

export function writesFromToken(token: string): WrittenRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.length <= 100 &&
    parsed.every((w) => Array.isArray(w) && (w.length === 1 || w.length === 2) && typeof w[0] === 'string' && UUID.test(w[0]) && (w.length === 1 || (typeof w[1] === 'string' && EVENT.test(w[1]))));
  if (!ok) throw LaurelError.badRequest('not a writes status token', [{ path: 'token', message: 'as given in a 202 answer' }]);
  return (parsed as string[][]).map(([id, event]) => (event ? { id, event: event as WrittenRecord['event'] } : { id }));
}

/**
 * Read-your-writes across services. A command's reply names what it wrote (events, KV puts); once it is
 * answered, every endpoint must answer as if its effect were complete, also those another service serves
 * (jurors of a just-imported ceremony from jury, a just-published shortlist's nominees from jury and
 * announcements, a just-sealed verdict at announcements, a just-issued token at every gateway). So the
 * gateway asks the services (`<service>.writes.status`) until none has anything pending, at most
 * WRITES_WAIT_MS; past that it answers 202 with a status link instead of claiming the effect complete.
 */
@Injectable()
export class ReadYourWrites {
  constructor(
    private readonly services: ServiceClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Where each service stands with `writes` now (a service that cannot answer counts as pending). */
  async state(ceremony: string, writes: WrittenRecord[]): Promise<WritesState> {
    const href = `/api/v1/ceremonies/${encodeURIComponent(ceremony)}/writes/${writesToken(writes)}`;
    if (writes.length === 0) return { status: 'complete', pending: [], failed: [], href };
    const answers = await Promise.all(
      SERVICES.map(async (service) => {
        try {
          const subject: WritesStatusSubject = `${service}.writes.status`;
          // Public: the answer says only whether random event ids were applied yet (see writesCommands).
          return { service, ...(await this.services.request(subject, { writes }, { credential: null, timeoutMs: 2000 })) };
        } catch (error) {
          const absent = OPTIONAL.has(service) && error instanceof LaurelError && error.statusCode === 503 && /no instance is answering/.test(error.message);
          return { service, pending: absent ? [] : writes.map((w) => w.id), failed: [] };
        }
      }),
    );
    const failed = answers.filter((a) => a.failed.length > 0).map((a) => a.service);
    const pending = answers.filter((a) => a.pending.length > 0 && !failed.includes(a.service)).map((a) => a.service);
    return { status: failed.length ? 'failed' : pending.length ? 'pending' : 'complete', pending, failed, href };
  }

  /** Waits (bounded) until every service applied `writes`; the state at the end. */
  async settle(ceremony: string, writes: WrittenRecord[], waitMs = this.config.writesWaitMs): Promise<WritesState> {
    const deadline = Date.now() + waitMs;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      const state = await this.state(ceremony, writes);
      if (state.status !== 'pending' || Date.now() + pause > deadline) return state;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * Runs a command and answers it: with `status` (201/200) and its result once its effect is complete
   * everywhere, else 202 with the result, `writes` (the state) and a Location to ask again.
   */
  async answer<T>(res: Response, status: number, ceremony: (response: T) => string, call: Promise<{ response: T; writes: WrittenRecord[] }>): Promise<void> {
    const { response, writes } = await call;
    const state = await this.settle(ceremony(response), writes);
    if (state.status === 'complete') {
      res.status(status).json(response);
      return;
    }
    res.status(202).location(state.href).json({ ...(response as object), writes: state });
  }
}
