import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '#observability';

/** Votes taken by this process, by outcome (`accepted`, or the refusal's status): turnout is not a secret, choices are not here. */
export const votesCast = new Counter({
  name: 'laurel_votes_cast_total',
  help: 'Votes answered by the vote service, by outcome (accepted, 400, 401, 409, 503)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

/** From the vote's arrival at the vote service to its receipt (the vote log has it). */
export const voteSeconds = new Histogram({
  name: 'laurel_vote_seconds',
  help: 'Time the vote service took to take a vote: the checks and the vote log acknowledging it',
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Votes the counting consumer inserted, by whether they were accepted by the window rule. */
export const votesCounted = new Counter({
  name: 'laurel_votes_counted_total',
  help: 'Votes the vote log counter inserted, by acceptance (accepted, rejected)',
  labelNames: ['acceptance'],
  registers: [metricsRegistry],
});
