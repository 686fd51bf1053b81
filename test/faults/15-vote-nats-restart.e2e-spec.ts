import { describeVoteBurstFault } from './vote-burst.js';

/**
 * Fault 15 (issue 16): NATS is restarted (stopped, then started 2 s later on the same store) in the middle of a burst
 * of votes, while the phones keep voting. Every ticket ends with a receipt or "already voted"; the sealed tally
 * equals the votes the voters made: none lost, none counted twice (vote-burst.ts).
 */
describeVoteBurstFault({
  fault: '15',
  title: 'fault 15: NATS restarted mid-burst of votes',
  slug: 'publikgalan-fault-nats',
  label: 'fault_vote_nats',
  voteProcess: 'same',
  timeoutMs: 300_000,
  async strike({ system }) {
    await system.nats.stop();
    return { back: new Promise<void>((r) => setTimeout(r, 2000)).then(() => system.nats.start()) };
  },
});
