import { Inject, Injectable } from '@nestjs/common';
import { ProjectionsService } from '../projections/projections.service.js';
import { withinTime } from '../../shared/runtime/within-time.js';

export type StoreName = 'event_store' | 'read_model';

/** How long a readiness check waits for the projections it woke to resume before it reports on them. */
const RESUME_WAIT_MS = 1000;

/**
 * What the pings of readiness and of the monitor saw of each store. A store seen down and then answering again
 * has the projections waiting out a retry delay (up to 5 s, mostly for that store) retry at once: they follow
 * the store back rather than the end of their delay.
 */
@Injectable()
export class StoreRecoveries {
  private readonly down = new Set<StoreName>();

  constructor(@Inject(ProjectionsService) private readonly projections: ProjectionsService) {}

  /** Resolves once this thread's projections have resumed, when the store was seen coming back (bounded). */
  async seen(store: StoreName, up: boolean): Promise<void> {
    if (!up) {
      this.down.add(store);
      return;
    }
    if (!this.down.delete(store)) return;
    await withinTime(() => this.projections.retryNow(), RESUME_WAIT_MS).catch(() => undefined);
  }
}
