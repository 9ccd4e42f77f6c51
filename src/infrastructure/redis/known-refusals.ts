import { type RateDecision, type RateLimit, sameLimit } from '../../shared/rate-limit/gcra.js';

/**
 * Subjects Redis refused, with the time before which nothing can be admitted at the limit then in force: refused
 * without a round trip while that limit holds.
 */
export class KnownRefusals {
  private readonly refusedUntil = new Map<string, { until: number; decision: RateDecision; limit: RateLimit }>();

  /** Redis refused `subject` at `at` (this clock). */
  remember(subject: string, limit: RateLimit, decision: RateDecision, at: number): void {
    this.refusedUntil.set(subject, { until: at + decision.nextAllowedInMs, decision, limit });
  }

  /** The refusal still in force at `now`, brought to it, or null. */
  refusal(subject: string, limit: RateLimit, now: number): RateDecision | null {
    const known = this.refusedUntil.get(subject);
    if (!known) return null;
    // Before the refusal (this clock stepped back since): it would hold for the step's length without asking Redis.
    if (known.until <= now || now < known.until - known.decision.nextAllowedInMs || !sameLimit(known.limit, limit)) {
      this.refusedUntil.delete(subject);
      return null;
    }
    const elapsedSeconds = (now - (known.until - known.decision.nextAllowedInMs)) / 1000;
    return {
      ...known.decision,
      resetSeconds: Math.max(0, Math.ceil(known.decision.resetSeconds - elapsedSeconds)),
      retryAfterSeconds: Math.max(1, Math.ceil((known.until - now) / 1000)),
      nextAllowedInMs: known.until - now,
    };
  }

  forgetEnded(now: number): void {
    for (const [subject, { until }] of this.refusedUntil) if (until <= now) this.refusedUntil.delete(subject);
  }
}
