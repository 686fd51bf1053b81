import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { contextLogger } from '#observability';
import { NatsBus } from '#messaging';
import { LiveGateway } from './live.gateway.js';

/**
 * Watches this gateway's NATS link: when it drops, clients are told the gateway is stale (what they
 * show may be behind); when it heals, they are told it is fresh, and the feeds catch up by themselves.
 */
@Injectable()
export class NatsStatusWatcher implements OnApplicationBootstrap {
  private readonly logger = contextLogger('NatsStatus');

  constructor(
    private readonly bus: NatsBus,
    private readonly live: LiveGateway,
  ) {}

  onApplicationBootstrap(): void {
    void (async () => {
      for await (const status of this.bus.nc.status()) {
        if (status.type === 'disconnect' || status.type === 'staleConnection') {
          this.logger.warn(`NATS ${status.type}: clients told the gateway is stale`);
          this.live.setStale(true, 'the gateway lost its connection to the show');
        } else if (status.type === 'reconnect') {
          this.logger.log('NATS reconnected');
          this.live.setStale(false);
        }
      }
    })();
  }
}
