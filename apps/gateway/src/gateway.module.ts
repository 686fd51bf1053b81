import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { MessagingModule, NatsBus } from '#messaging';
import { HealthModule, MetricsController } from '#observability';
import { AuthGuard } from './auth/auth.guard.js';
import { CeremoniesController } from './ceremonies/ceremonies.controller.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config.js';
import { RateLimits } from './edge/rate-limits.js';
import { BodyValidationPipe } from './http/body-validation.pipe.js';
import { ErrorFilter } from './http/error.filter.js';
import { JuryController } from './jury/jury.controller.js';
import { ScreeningController } from './jury/screening.controller.js';
import { DeliberationController } from './jury/deliberation.controller.js';
import { EntriesController } from './nominations/entries.controller.js';
import { IntakeController } from './nominations/intake.controller.js';
import { CeremonyDirectory } from './live/ceremony-directory.service.js';
import { ClockSync, GatewayClock } from './live/clock.js';
import { EventFeed } from './live/event-feed.service.js';
import { LiveGateway } from './live/live.gateway.js';
import { LiveState } from './live/live-state.service.js';
import { NatsStatusWatcher } from './live/nats-status.service.js';
import { RevealV2Controller } from './reveal/reveal-v2.controller.js';
import { ShowController } from './show/show.controller.js';
import { TokensController } from './tokens/tokens.controller.js';
import { VoteController } from './vote/vote.controller.js';
import { VoteSender } from './vote/vote-sender.js';
import { WebController } from './web/web.controller.js';
import { ReadYourWrites } from './writes/read-your-writes.service.js';
import { WritesController } from './writes/writes.controller.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MessagingModule.forGateway({ service: `gateway-${config.instance}`, natsUrl: config.natsUrl, natsAuth: { user: config.natsUser, pass: config.natsPassword, service: 'gateway', tls: config.natsTls } }),
        HealthModule.register({ inject: [NatsBus], useFactory: (bus: NatsBus) => [{ name: 'nats', check: () => bus.ping() }] }),
      ],
      controllers: [CeremoniesController, TokensController, ShowController, RevealV2Controller, JuryController, ScreeningController, DeliberationController, VoteController, EntriesController, IntakeController, WritesController, MetricsController, WebController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useClass: BodyValidationPipe },
        CeremonyDirectory,
        GatewayClock,
        ClockSync,
        LiveState,
        LiveGateway,
        EventFeed,
        NatsStatusWatcher,
        ReadYourWrites,
        RateLimits,
        VoteSender,
      ],
    };
  }
}
