import { ServiceUnavailable } from '../../../shared/application/errors.js';
import { PositionWaiters } from '../../../shared/projections/position-waiters.js';
import type { ProjectionStatus } from '../../../shared/projections/projection-runner.js';

/** This thread's view of a projection that runs on the projection thread: its last reported status. */
export class ThreadProjection {
  private latest: ProjectionStatus;
  private readonly waiters = new PositionWaiters();

  constructor(
    readonly projection: { readonly name: string; readonly eventTypes: readonly string[] },
    /** Has the projection thread read the log now: a position waited for may be of a type whose append woke nothing there. */
    private readonly wakeThread: () => void,
  ) {
    this.latest = { name: projection.name, running: false, failing: false, position: null, lastError: null };
  }

  status(): ProjectionStatus {
    return this.latest;
  }

  waitUntilProcessed(position: number, timeoutMs: number): Promise<void> {
    if (this.latest.position !== null && this.latest.position >= position) return Promise.resolve();
    this.wakeThread();
    return this.waiters.wait(position, timeoutMs);
  }

  report(status: ProjectionStatus): void {
    this.latest = status;
    if (status.position !== null) this.waiters.advance(status.position);
  }

  stopped(): void {
    this.latest = { ...this.latest, running: false };
    this.waiters.rejectAll(new ServiceUnavailable('The service is shutting down.'));
  }
}
