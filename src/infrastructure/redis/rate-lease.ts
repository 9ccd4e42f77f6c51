import { gcra, type RateDecision, type RateLimit, type RateState, sameLimit } from '../../shared/rate-limit/gcra.js';

/**
 * Requests of one subject this instance reserved in Redis at once (GCRA_RESERVE_SCRIPT) and spends without a round
 * trip until they run out, the lease expires or the subject's limit changes. Reserved requests count against the
 * shared limit from the moment they are reserved, so the instances together never admit more than the limit; what
 * a lease leaves unspent when it ends is lost to the window (under-admission, bounded by the lease size).
 */
export class RateLease {
  private spent = 0;

  constructor(
    /** The limit the reservation was made at: a lease of another limit is not spent. */
    private readonly limit: RateLimit,
    /** The shared state before the reservation, on Redis's clock. */
    private readonly before: RateState,
    readonly granted: number,
    /** Redis's clock minus this instance's, when reserved. */
    private readonly clockOffset: number,
    readonly expiresAt: number,
  ) {}

  /** The decision for the next reserved request, as the exact path would have given it; null when none is left. */
  take(limit: RateLimit, now: number): RateDecision | null {
    if (this.spent >= this.granted || now >= this.expiresAt || !this.isFor(limit)) return null;
    const decision = gcra(limit, { ...this.before, level: this.before.level + this.spent }, now + this.clockOffset);
    this.spent++;
    // Reserved is admitted: the reservation already passed the check; only the numbers are recomputed for now.
    return decision.allowed ? decision : { ...decision, allowed: true, retryAfterSeconds: 0 };
  }

  isFor(limit: RateLimit): boolean {
    return sameLimit(limit, this.limit);
  }

  /** Nothing more is spent from it (what it left is given back). */
  close(): void {
    this.spent = this.granted;
  }

  get unspent(): number {
    return this.granted - this.spent;
  }
}

/**
 * How many requests to reserve next for a subject: what the limit accrues in one lease (rate × leaseMs, at least 1,
 * at most the burst), and no more than twice what this instance spent from its last lease, so an instance that
 * sees a trickle reserves a trickle (the adaptive size bounds what an expiring lease can waste).
 */
export function leaseSize(limit: RateLimit, leaseMs: number, lastSpent: number | undefined): number {
  const accrued = Math.floor((limit.requests * leaseMs) / (limit.perSeconds * 1000));
  const cap = Math.max(1, Math.min(accrued, limit.requests));
  return Math.max(1, Math.min(cap, lastSpent === undefined ? 1 : 2 * lastSpent));
}
