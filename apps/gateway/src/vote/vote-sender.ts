import { Injectable } from '@nestjs/common';
import { castVoteProblems, LaurelError, MAX_VOTES_PER_BATCH, type CastVoteOutcome, type LaurelErrorBody, type VoteReceipt } from '#contracts';
import { ServiceClient } from '#messaging';

/** Batches on their way to the vote service at once; votes arriving meanwhile wait for the next. */
const MAX_BATCHES_IN_FLIGHT = 2;

export interface VoteToCast {
  /** The ceremony's id (resolved at the edge). */
  ceremony: string;
  category: string;
  ticket: string;
  nomineeId: string;
}

interface Waiting {
  vote: VoteToCast;
  resolve: (receipt: VoteReceipt) => void;
  reject: (error: LaurelError) => void;
}

/**
 * The vote path from this gateway to the vote service, for REST and the socket alike. Votes that arrive while
 * batches are in flight are coalesced into one `vote.cast.batch` request (up to MAX_VOTES_PER_BATCH): one NATS
 * message, one Nest dispatch and one database round trip for many votes instead of one each. Each vote still gets
 * its own answer (receipt or error body), exactly as `vote.cast` would give it. When the vote service is idle a
 * vote leaves at once (the next turn of the event loop): batching costs no latency at low load, and grows with it.
 */
@Injectable()
export class VoteSender {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly services: ServiceClient) {}

  cast(vote: VoteToCast): Promise<VoteReceipt> {
    return new Promise<VoteReceipt>((resolve, reject) => {
      this.queue.push({ vote, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_BATCHES_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate: the votes whose requests were read in this turn of the event loop go together.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < MAX_BATCHES_IN_FLIGHT && this.queue.length > 0) void this.send(this.queue.splice(0, MAX_VOTES_PER_BATCH));
    });
  }

  private async send(batch: Waiting[]): Promise<void> {
    this.inFlight++;
    try {
      let outcomes: CastVoteOutcome[];
      try {
        // Public, as `vote.cast` is: the ticket is each vote's authority, checked by the vote service; the callers'
        // tokens were checked at this edge (REST guard, socket handshake).
        outcomes = await this.services.request('vote.cast.batch', { votes: batch.map((w) => w.vote) }, { credential: null });
        if (!Array.isArray(outcomes) || outcomes.length !== batch.length) throw new LaurelError(500, 'the vote service answered a batch of votes with the wrong number of outcomes');
      } catch (error) {
        const refusal = error instanceof LaurelError ? error : LaurelError.unavailable(`the vote service could not take the votes: ${(error as Error).message}`);
        for (const w of batch) w.reject(refusal);
        return;
      }
      outcomes.forEach((o, i) => ('receipt' in o ? batch[i].resolve(o.receipt) : batch[i].reject(fromBody(o.error))));
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

function fromBody(body: LaurelErrorBody): LaurelError {
  return new LaurelError(body.statusCode, body.message, body.details);
}

/** A vote's `{ ticket, nomineeId }` from a REST body or a socket payload, or the 400 the body's rules give. */
export function castVoteFields(body: unknown, extra: readonly string[] = []): { ticket: string; nomineeId: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) throw LaurelError.badRequest('body must be a JSON object');
  // REST v1 ignores a body's `actor` (the caller is the credential), as BodyValidationPipe does.
  const { actor: _ignored, ...fields } = body as Record<string, unknown>;
  const problems = castVoteProblems(fields, extra);
  if (problems.length) throw LaurelError.badRequest(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
  return fields as { ticket: string; nomineeId: string };
}
