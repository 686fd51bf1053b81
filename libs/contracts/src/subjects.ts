import type { ServiceIdentity } from './access.js';
import type { CommandContract, EventContract } from './contract.js';
import { announcementsCommands } from './commands/announcements.js';
import { juryCommands } from './commands/jury.js';
import { intakeCommands } from './commands/intake.js';
import { screeningCommands } from './commands/screening.js';
import { deliberationCommands } from './commands/deliberation.js';
import { nominationsCommands } from './commands/nominations.js';
import { voteCommands } from './commands/vote.js';
import { writesCommands } from './commands/writes.js';
import { announcementsEvents } from './events/announcements.js';
import { juryEvents } from './events/jury.js';
import { nominationsEvents } from './events/nominations.js';
import { voteEvents } from './events/vote.js';

/**
 * The one typed map from every NATS subject to its payload (STYLE.md habit 1). Publishing or handling
 * through `#messaging` goes through these maps, so a wrong payload type does not compile.
 */
export const eventContracts = { ...nominationsEvents, ...juryEvents, ...announcementsEvents, ...voteEvents } as const;
export const commandContracts = { ...nominationsCommands, ...intakeCommands, ...juryCommands, ...screeningCommands, ...deliberationCommands, ...announcementsCommands, ...voteCommands, ...writesCommands } as const;

export type EventSubject = keyof typeof eventContracts;
export type EventData<S extends EventSubject> = (typeof eventContracts)[S] extends EventContract<infer T> ? T : never;

export type CommandSubject = keyof typeof commandContracts;
export type CommandRequest<S extends CommandSubject> = (typeof commandContracts)[S] extends CommandContract<infer R, unknown> ? R : never;
export type CommandResponse<S extends CommandSubject> = (typeof commandContracts)[S] extends CommandContract<object, infer R> ? R : never;

/**
 * What each service identity (`Service <token>` credential) may call: exactly the subjects its own calls
 * need, nothing else (any other subject is refused with 403). The gateway's own requests: the show
 * snapshot a socket gets on connect when the gateway holds none yet, and the ceremony directory's
 * id/slug lookup (its fallback, `nominations.ceremony.get`, is public and needs no credential).
 */
export const SERVICE_GRANTS: Readonly<Record<ServiceIdentity, readonly CommandSubject[]>> = {
  // envelopes.kit: the staged envelopes (no keys) for a socket's snapshot when the gateway holds none yet;
  // clock: the gateway's offset to announcements' clock (showAt).
  gateway: ['announcements.show.snapshot', 'announcements.envelopes.kit', 'announcements.clock'],
};

/** Streams: public domain events, and sealed verdicts (a subject space the gateway's NATS user cannot read). */
export const STREAMS = {
  events: { name: 'GALA_EVENTS', subjects: ['gala.events.>'] },
  sealed: { name: 'GALA_SEALED', subjects: ['gala.sealed.>'] },
  /** Audience votes (issue 16): the vote log, read and written by the vote service only. */
  votes: { name: 'GALA_VOTES', subjects: ['gala.votes.>'], owner: 'vote' },
} as const;

/** The streams a service declares and watches: the shared ones, and those it owns (only its NATS user may touch them). */
export function streamsOf(service: string): (typeof STREAMS)[keyof typeof STREAMS][] {
  return Object.values(STREAMS).filter((s) => !('owner' in s) || s.owner === service);
}

/** KV buckets: the show's current state per ceremony, and access grants by token hash. */
export const KV_BUCKETS = { show: 'laurel_show', access: 'laurel_access' } as const;

/** The service that answers a command subject: its first token. */
export function serviceOf(subject: CommandSubject): string {
  return subject.slice(0, subject.indexOf('.'));
}

export function streamOf(subject: EventSubject): (typeof STREAMS)[keyof typeof STREAMS] {
  if (subject.startsWith('gala.votes.')) return STREAMS.votes;
  return subject.startsWith('gala.sealed.') ? STREAMS.sealed : STREAMS.events;
}
