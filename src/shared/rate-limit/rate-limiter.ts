import { gcra, levelAt, type RateDecision, type RateLimit, type RateState } from './gcra.js';

const SWEEP_EVERY = 10_000;

/**
 * Per-subject GCRA state in process memory. With several instances each keeps its own state,
 * so a key's effective limit is its limit times the number of instances it is spread over.
 */
export class RateLimiter {
  private readonly states = new Map<string, RateState>();
  private decisionsSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request against the subject's limit. */
  consume(subject: string, limit: RateLimit): RateDecision {
    const now = this.now();
    const state = this.states.get(subject);
    const decision = gcra(limit, state, now);
    // A refusal keeps the state, except one dated after now (the clock stepped back): it would drain only once the
    // clock is back at its date, so a 3/1 s key spent an hour before a one-hour step back was refused for an hour.
    if (decision.allowed || (state !== undefined && state.at > now)) this.states.set(subject, decision.state);
    this.sweepNowAndThen(now);
    return decision;
  }

  /** What the subject has spent and not yet drained now: requests, possibly fractional. */
  undrained(subject: string, limit: RateLimit): number {
    return levelAt(limit, this.states.get(subject), this.now());
  }

  /** Every subject with something not yet drained now: what it has spent (at the interval it drains at). */
  *undrainedStates(): Iterable<{ subject: string; level: number; intervalMs: number }> {
    const now = this.now();
    for (const [subject, { level, at, intervalMs }] of this.states) {
      const left = level - Math.max(0, now - at) / intervalMs;
      if (left > 1e-6) yield { subject, level: left, intervalMs };
    }
  }

  /** A state drained empty (at its own interval, the slowest it drains at) is the same as no state: dropped to bound memory. */
  private sweepNowAndThen(now: number): void {
    if (++this.decisionsSinceSweep < SWEEP_EVERY) return;
    this.decisionsSinceSweep = 0;
    for (const [subject, { level, at, intervalMs }] of this.states) if (at + level * intervalMs <= now) this.states.delete(subject);
  }
}
