import { Controller, Get, Inject, Module, SetMetadata, type DynamicModule, type Provider } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';

/** A readiness dependency: resolves when reachable, throws with the reason when not. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Marks operations routes (health, metrics) that an edge's auth guard lets through without a token. */
export const OPS_ROUTE = 'laurel:ops-route';
export const OpsRoute = () => SetMetadata(OPS_ROUTE, true);

@OpsRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency (NATS, database) reachable. 503 otherwise. */
  @Get(['ready', ''])
  @HealthCheck()
  ready() {
    return this.health.check(
      this.checks.map((c) => async () => {
        const session = this.indicator.check(c.name);
        try {
          await c.check();
          return session.up();
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }
}

@Module({})
export class HealthModule {
  static register(checksProvider: Omit<Provider, 'provide'> & { inject?: unknown[]; useFactory: (...args: never[]) => ReadinessCheck[] }): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ ...checksProvider, provide: READINESS_CHECKS } as Provider],
    };
  }
}
