/** The longest wait between two automatic flushes while they fail. */
export const MAX_RETRY_DELAY_MS = 5000;

/**
 * Flushes failing in a row, as when the event store cannot be written: when the next automatic one is due (capped
 * exponential backoff, from the flush interval), and what to log. An outage is logged once when it starts, again
 * only if its reason changes, and once when a flush succeeds again, with the count: at a flush every 100 ms, a
 * warning per failure was ~20 lines a second under load.
 */
export class FailedFlushes {
  private failures = 0;
  private startedAt = 0;
  private reason = '';
  private retryAt = 0;

  constructor(
    private readonly firstDelayMs: number,
    // The monotonic clock: by the wall clock, a step back of an hour during an outage stopped every automatic flush for
    // that hour, the buffer filling to MAX_BUFFERED and dropping uses, though the store answered again.
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether an automatic flush may run now: always, unless flushes are failing and the backoff has not run out. */
  due(): boolean {
    return this.now() >= this.retryAt;
  }

  /** Counts a failed flush; the line to log, or null when this outage has already logged this reason. */
  failed(events: number, reason: string): string | null {
    this.failures += 1;
    this.retryAt = this.now() + Math.min(MAX_RETRY_DELAY_MS, this.firstDelayMs * 2 ** (this.failures - 1));
    if (this.failures === 1) {
      this.startedAt = this.now();
      this.reason = reason;
      return `Usage flush of ${events} events failed, will retry (at least every ${MAX_RETRY_DELAY_MS / 1000} s, logged again when it succeeds): ${reason}`;
    }
    if (reason === this.reason) return null;
    this.reason = reason;
    return `Usage flush of ${events} events still failing after ${this.failures} attempts, now: ${reason}`;
  }

  /** Ends an outage; the line to log when there was one, else null. */
  succeeded(): string | null {
    if (this.failures === 0) return null;
    const seconds = ((this.now() - this.startedAt) / 1000).toFixed(1);
    const line = `Usage flush succeeded again after ${this.failures} failed attempt(s) over ${seconds} s`;
    this.failures = 0;
    this.retryAt = 0;
    return line;
  }
}
