import { type RateLimit, sameLimit } from '../../shared/rate-limit/gcra.js';
import type { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';

/** Decisions between two sweeps of what is kept per subject. */
export const SWEEP_EVERY = 10_000;

/** What a subject was admitted alone that is still to be spent in Redis. */
export interface UnspentAlone {
  subject: string;
  limit: RateLimit;
  spend: number;
}

/**
 * What each subject was admitted while this instance decided alone (its own limiter counting): spent in Redis once it
 * answers again, so that the window's total stays within the limit for this instance (a stall otherwise nearly doubled it).
 */
export class AdmittedAlone {
  private admitted = new Map<string, { limit: RateLimit; count: number }>();
  private decisionsSinceSweep = 0;

  constructor(private readonly local: RateLimiter) {}

  get size(): number {
    return this.admitted.size;
  }

  keep(subject: string, limit: RateLimit, count: number): void {
    const admitted = this.admitted.get(subject);
    if (admitted && sameLimit(admitted.limit, limit)) admitted.count += count;
    else this.admitted.set(subject, { limit, count });
  }

  /**
   * One more decision alone. A long outage meets many subjects (a failed-authentication guard counts each client
   * address): what has drained would not be spent at its end, so it is not kept (300,000 addresses kept 58 MB until
   * Redis answered).
   */
  decided(): void {
    if (++this.decisionsSinceSweep < SWEEP_EVERY) return;
    this.decisionsSinceSweep = 0;
    for (const [subject, { limit }] of this.admitted) if (this.local.undrained(subject, limit) < 1e-6) this.admitted.delete(subject);
  }

  /**
   * Takes what is to be spent: as much of each subject's count as has not drained yet (an hour-long outage's uses are
   * over, and spending them again would refuse a key for a whole window). What a caller fails to spend it keeps again.
   */
  takeUndrained(): UnspentAlone[] {
    const admitted = this.admitted;
    this.admitted = new Map();
    const unspent: UnspentAlone[] = [];
    for (const [subject, { limit, count }] of admitted) {
      // Rounded up: a part of a request still in the window is counted whole, so no window ever exceeds the limit.
      const spend = Math.min(count, Math.ceil(this.local.undrained(subject, limit) - 1e-6));
      if (spend >= 1) unspent.push({ subject, limit, spend });
    }
    return unspent;
  }
}
