import { gcra, type RateDecision, type RateLimit } from './gcra.js';

const SWEEP_EVERY = 10_000;

/**
 * Per-subject GCRA state in process memory. With several instances each keeps its own state,
 * so a key's effective limit is its limit times the number of instances it is spread over.
 */
export class RateLimiter {
  private readonly tats = new Map<string, number>();
  private decisionsSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request against the subject's limit. */
  consume(subject: string, limit: RateLimit): RateDecision {
    const now = this.now();
    const decision = gcra(limit, this.tats.get(subject), now);
    if (decision.allowed) this.tats.set(subject, decision.tat);
    this.sweepNowAndThen(now);
    return decision;
  }

  /** Whether the subject has quota left, without spending any. */
  wouldAllow(subject: string, limit: RateLimit): RateDecision {
    return gcra(limit, this.tats.get(subject), this.now());
  }

  /** A state whose arrival time has passed is the same as no state: drop it to bound memory. */
  private sweepNowAndThen(now: number): void {
    if (++this.decisionsSinceSweep < SWEEP_EVERY) return;
    this.decisionsSinceSweep = 0;
    for (const [subject, tat] of this.tats) if (tat <= now) this.tats.delete(subject);
  }
}
