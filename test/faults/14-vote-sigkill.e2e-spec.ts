import { describeVoteBurstFault } from './vote-burst.js';

/**
 * Fault 14 (issue 16): the vote service, a real process, is killed with SIGKILL in the middle of a burst of votes
 * and started again 0.5 s later while the phones keep voting. Every ticket ends with a receipt or "already voted";
 * the sealed tally equals the votes the voters made: none lost, none counted twice (vote-burst.ts).
 */
describeVoteBurstFault({
  fault: '14',
  title: 'fault 14: the vote service SIGKILLed mid-burst',
  slug: 'publikgalan-fault',
  label: 'fault_vote_kill',
  voteProcess: 'new',
  timeoutMs: 240_000,
  async strike({ vote }) {
    await vote.kill();
    return { back: new Promise<void>((r) => setTimeout(r, 500)).then(() => vote.start()) };
  },
});
