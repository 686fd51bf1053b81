import { messagingEntities } from '#messaging';
import { serviceDataSourceOptions } from '#persistence';
import { Vote, Tally } from './ballots/vote.entity.js';
import { VoteCategory, VoteCeremony } from './ceremonies/vote-ceremony.entity.js';
import { JuryPart } from './combined/jury-part.entity.js';
import { migrations } from './migrations/index.js';
import { Ticket } from './tickets/ticket.entity.js';
import { VoteWindow } from './windows/vote-window.entity.js';

export const SCHEMA = 'vote';
export const entities = [VoteCeremony, VoteCategory, Ticket, VoteWindow, Vote, Tally, JuryPart, ...messagingEntities];

export function voteDataSource(url: string) {
  return serviceDataSourceOptions({ schema: SCHEMA, url, entities, migrations });
}
