import type { ImportCeremonyResult, IssuedTickets, IssuedToken, SealedEvent, VoteExport } from '#contracts';
import pg from 'pg';
import { COUNTER_ACK_WAIT_MS } from '../../apps/vote/src/ballots/vote-counter.service.js';
import { eventually } from '../support/eventually.js';
import { audienceGala } from '../support/fixtures.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { freePort } from '../support/nats-server.js';
import { SourceProcess } from '../support/source-process.js';
import { startSystem, type TestSystem } from '../support/system.js';
import { observe } from './support.js';

const VOTERS = 1500;

/**
 * A network error from fetch (`TypeError: fetch failed`, its cause e.g. `read ECONNRESET`). Not `instanceof TypeError`:
 * fetch is Node's, so its TypeError comes from another realm than the test's (jest runs tests in a vm context), and
 * that check never matched (the clean-clone CI run at 5b49d6c failed faults 14/15 on exactly this).
 */
export function isFetchFailure(error: unknown): error is Error & { cause?: unknown } {
  return typeof error === 'object' && error !== null && (error as Error).name === 'TypeError' && (error as Error).message === 'fetch failed';
}
const CONCURRENCY = 40;

/** What a vote fault does mid-burst: strike once a third of the voters hold receipts; `back` settles when the system is whole again. */
export interface VoteFault {
  /** The fault's number in test/faults (observe's key). */
  fault: string;
  title: string;
  slug: string;
  label: string;
  strike(ctx: { system: TestSystem; vote: SourceProcess }): Promise<{ back: Promise<void> }>;
  /** Whether the vote service is a new process after the fault (killed and started) or the same one (rode it out). */
  voteProcess: 'new' | 'same';
  timeoutMs: number;
}

/**
 * A burst of VOTERS votes, CONCURRENCY in flight, with `fault` striking once a third of them hold receipts, while
 * the phones keep voting (each retries its own vote, the same choice, on a 5xx, as the ballot page does). Every
 * ticket ends with a receipt or "already voted" (its vote was logged before the fault); the sealed tally equals
 * the votes the voters made, exactly: none lost, none counted twice.
 */
export function describeVoteBurstFault(f: VoteFault): void {
  const SLUG = f.slug;
  const BASE = `/api/v1/ceremonies/${SLUG}`;
  describe(f.title, () => {
    let system: TestSystem;
    let vote: SourceProcess;
    let db: pg.Client;
    let press: LiveClient;
    let imported: ImportCeremonyResult;
    let tickets: IssuedTickets;

    beforeAll(async () => {
      system = await startSystem({ label: f.label, services: ['nominations', 'jury', 'announcements', 'gateway'] });
      vote = new SourceProcess('vote', await freePort(), { NATS_URL: system.natsUrl, DATABASE_URL: system.db.serviceUrls.vote });
      await vote.start();
      imported = (await system.http<ImportCeremonyResult>('POST', '/api/v1/ceremonies', { token: system.adminToken, body: audienceGala(SLUG) })).body;
      // The import waited for every service (the vote's read model included) before answering.
      tickets = (await system.http<IssuedTickets>('POST', `${BASE}/tickets`, { token: system.adminToken, body: { count: VOTERS } })).body;
      expect(tickets.tickets).toHaveLength(VOTERS);
      db = new pg.Client({ connectionString: system.db.url });
      await db.connect();
      const pressToken = (await system.http<IssuedToken>('POST', `${BASE}/tokens`, { token: system.adminToken, body: { role: 'press' } })).body.token;
      press = await connectLive(system.gatewayUrl, { ceremony: SLUG, token: pressToken });
    }, 120_000);

    afterAll(async () => {
      press?.close();
      await vote?.kill();
      await db?.end().catch(() => undefined);
      await system?.dispose();
    });

    it('every voter ends voted, the tally equals the votes made, none counted twice', async () => {
      const category = imported.categories.find((c) => c.slug === 'publikpriset')!;
      const nominees = category.nominees.map((n) => n.id);
      const choice = (i: number) => nominees[i % nominees.length];
      const opened = await system.http('POST', `${BASE}/categories/publikpriset/vote/open`, { token: system.adminToken, body: { durationSeconds: 600 } });
      expect(opened.status).toBe(200);

      const outcome = new Map<number, { status: number; retries: number }>();
      let receipts = 0;
      let killed = false;
      let killedPid: number | undefined;
      let killedAt = 0;
      let restarted: Promise<void> = Promise.resolve();
      const castOne = async (i: number) => {
        for (let retries = 0; ; retries++) {
          // A connection reset under the fault is retried like a 5xx, as the ballot page does (its `network` errors).
          const res = await system.http<{ message: string }>('POST', `${BASE}/categories/${category.id}/votes`, { body: { ticket: tickets.tickets[i].token, nomineeId: choice(i) } }).catch((error: unknown) => {
            if (isFetchFailure(error)) return { status: 0, body: { message: String(error.cause) } };
            throw error;
          });
          if (res.status === 201) receipts++;
          if (res.status === 201 || res.status === 409) {
            if (res.status === 409) expect(res.body.message).toBe('this ticket has already voted in Publikpriset 2026');
            outcome.set(i, { status: res.status, retries });
            return;
          }
          expect([0, 502, 503, 504]).toContain(res.status);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      let next = 0;
      // One failed voter fails the burst: the others stop too, instead of voting on against a system being disposed.
      let failed = false;
      const worker = async () => {
        while (next < VOTERS && !failed) {
          const i = next++;
          // The fault strikes once a third of the burst has receipts; the rest keep voting through it.
          if (!killed && receipts >= VOTERS / 3) {
            killed = true;
            killedPid = vote.child!.pid;
            killedAt = Date.now();
            restarted = (await f.strike({ system, vote })).back;
          }
          await castOne(i).catch((error: unknown) => {
            failed = true;
            throw error;
          });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await restarted;
      expect(killed).toBe(true);
      if (f.voteProcess === 'new') expect(vote.child!.pid).not.toBe(killedPid);
      else expect(vote.child!.pid).toBe(killedPid); // the vote service rode it out
      expect(outcome.size).toBe(VOTERS);

      // Close; the seal waits for the log to be counted (the consumer resumed after the fault). A batch the counter
      // had taken and could not acknowledge (its process killed, or its acks lost with NATS) is handed out again
      // only after the counter's ack wait: the seal can come that long after the fault, however soon the burst ended
      // after it (kill → seal 29.5–31 s in targeted runs, close → seal 23–25 s; under CI's load close → seal passed 30 s).
      expect((await system.http('POST', `${BASE}/categories/publikpriset/vote/close`, { token: system.adminToken })).status).toBe(200);
      const sealWaitMs = 30_000 + COUNTER_ACK_WAIT_MS;
      const closedAt = Date.now();
      const sealed = await press.waitFor<SealedEvent>('sealed', (s) => s.categoryId === category.id, sealWaitMs).catch((error: unknown) => {
        // What the vote service said is the first thing to read when its seal does not come.
        throw new Error(`${(error as Error).message}\nthe vote service's last output:\n${vote.output}`);
      });
      const closeToSealMs = Date.now() - closedAt;
      const faultToSealMs = Date.now() - killedAt;
      expect(sealed.ballotCount).toBe(VOTERS);

      // The vote log in the vote schema: one row per ticket (the unique index), all accepted, tally = votes made.
      const perNominee = (await db.query<{ nominee_id: string; n: number }>('SELECT nominee_id, count(*)::int AS n FROM vote.votes WHERE category_id = $1 AND accepted GROUP BY nominee_id', [category.id])).rows;
      const expected = Object.fromEntries(nominees.map((n) => [n, 0]));
      for (let i = 0; i < VOTERS; i++) expected[choice(i)] += 1;
      expect(Object.fromEntries(perNominee.map((r) => [r.nominee_id, r.n]))).toEqual(expected);
      const tallies = (await db.query<{ nominee_id: string; count: number }>('SELECT nominee_id, count FROM vote.tallies WHERE category_id = $1', [category.id])).rows;
      expect(Object.fromEntries(tallies.map((r) => [r.nominee_id, r.count]))).toEqual(expected);
      const rejected = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vote.votes WHERE NOT accepted')).rows[0].n;
      expect(rejected).toBe(0);

      // After the reveal the organiser's log recounts to the seal.
      const gala = (body: Record<string, unknown>) => system.http('POST', `${BASE}/show/cues`, { token: system.adminToken, body: { idempotencyKey: `${Math.random()}`, ...body } });
      for (let i = 0; i < 4; i++) expect((await gala({ action: 'next' })).status).toBe(200);
      expect((await gala({ action: 'reveal', categoryId: category.id })).status).toBe(200);
      const log = await eventually(async () => {
        const res = await system.http<VoteExport>('GET', `${BASE}/categories/publikpriset/votes/export`, { token: system.adminToken });
        expect(res.status).toBe(200);
        return res.body;
      });
      expect(log.sealed.counts).toEqual(expected);
      // "Already voted" only ever answers a retry whose first try was logged before the fault.
      expect([...outcome.values()].filter((o) => o.status === 409 && o.retries === 0)).toEqual([]);
      const alreadyAfterRetry = [...outcome.values()].filter((o) => o.status === 409).length;
      observe(f.fault, { voters: VOTERS, killedPid, receipts, alreadyVotedAfterA5xx: alreadyAfterRetry, retried: [...outcome.values()].filter((o) => o.retries > 0).length, sealedCount: sealed.ballotCount, rejected, closeToSealMs, faultToSealMs });
    }, f.timeoutMs);
  });
}
