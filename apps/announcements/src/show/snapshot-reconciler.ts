import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { contextLogger } from '#observability';
import { JetStreamReconciler } from '#messaging';
import { ShowService } from './show.service.js';

/** When the JetStream store is found reset, every show's snapshot is put back in KV from Postgres. */
@Injectable()
export class SnapshotReconciler implements OnApplicationBootstrap {
  private readonly logger = contextLogger('SnapshotReconciler');

  constructor(
    private readonly reconciler: JetStreamReconciler,
    private readonly show: ShowService,
  ) {}

  onApplicationBootstrap(): void {
    this.reconciler.onStoreReset(async () => {
      const shows = await this.show.reputSnapshots();
      this.logger.warn(`show snapshots put back in KV for ${shows} show(s)`);
    });
  }
}
