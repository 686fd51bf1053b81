import { Module, type DynamicModule } from '@nestjs/common';
import { ceremonyRefsFrom, domainServiceBase, type DomainServiceConfig } from '#messaging';
import { VoteCounter } from './ballots/vote-counter.service.js';
import { VotesController } from './ballots/votes.controller.js';
import { VotesHandler } from './ballots/votes.handler.js';
import { VotesService } from './ballots/votes.service.js';
import { CeremoniesHandler } from './ceremonies/ceremonies.handler.js';
import { CeremoniesService } from './ceremonies/ceremonies.service.js';
import { JuryPartsHandler } from './combined/jury-parts.handler.js';
import { VoteCeremony } from './ceremonies/vote-ceremony.entity.js';
import { SCHEMA, voteDataSource } from './data-source.js';
import { TicketsController } from './tickets/tickets.controller.js';
import { TicketsService } from './tickets/tickets.service.js';
import { WindowsController } from './windows/windows.controller.js';
import { WindowsService } from './windows/windows.service.js';

@Module({})
export class VoteModule {
  static forRoot(config: DomainServiceConfig): DynamicModule {
    const base = domainServiceBase('vote', SCHEMA, voteDataSource, config);
    return {
      module: VoteModule,
      imports: base.imports,
      controllers: [...base.controllers, TicketsController, WindowsController, VotesController],
      providers: [ceremonyRefsFrom(VoteCeremony), CeremoniesService, CeremoniesHandler, TicketsService, WindowsService, VotesService, VotesHandler, VoteCounter, JuryPartsHandler],
    };
  }
}
