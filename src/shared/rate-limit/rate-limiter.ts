import { emissionIntervalMs, gcra, type RateDecision, type RateLimit, type RateState } from './gcra.js';

const SWEEP_EVERY = 10_000;

interface Spending {
  state: RateState;
  /** When the state drains empty at the limit it was last decided with: it can be forgotten then. */
  emptyAt: number;
}

/**
 * Per-subject GCRA state in process memory. With several instances each keeps its own state,
 * so a key's effective limit is its limit times the number of instances it is spread over.
 */
export class RateLimiter {
  private readonly spending = new Map<string, Spending>();
  private decisionsSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request against the subject's limit. */
  consume(subject: string, limit: RateLimit): RateDecision {
    const now = this.now();
    const decision = gcra(limit, this.spending.get(subject)?.state, now);
    if (decision.allowed) {
      this.spending.set(subject, { state: decision.state, emptyAt: now + decision.state.level * emissionIntervalMs(limit) });
    }
    this.sweepNowAndThen(now);
    return decision;
  }

  /** A state drained empty is the same as no state: drop it to bound memory. */
  private sweepNowAndThen(now: number): void {
    if (++this.decisionsSinceSweep < SWEEP_EVERY) return;
    this.decisionsSinceSweep = 0;
    for (const [subject, { emptyAt }] of this.spending) if (emptyAt <= now) this.spending.delete(subject);
  }
}
