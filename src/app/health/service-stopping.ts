import { Injectable } from '@nestjs/common';

/**
 * Whether the service has been asked to stop (SIGTERM or SIGINT, graceful-shutdown.ts): readiness answers 503
 * from the signal on, so a balancer stops routing to the instance while it still serves (SHUTDOWN_DELAY_MS)
 * and drains.
 */
@Injectable()
export class ServiceStopping {
  private asked: { signal: string; since: string } | null = null;

  begin(signal: string): void {
    this.asked ??= { signal, since: new Date().toISOString() };
  }

  /** The signal and when it came, or null while the service is not stopping. */
  state(): { signal: string; since: string } | null {
    return this.asked;
  }
}
