import { Inject, Injectable } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import type { RateLimit } from '../../shared/rate-limit/gcra.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';

export interface FailureGuard {
  allowed: boolean;
  retryAfterSeconds: number;
}

const SWEEP_EVERY = 10_000;

/**
 * Brute-force guard: each client address may fail authentication only so often. Failures are counted in
 * the rate-limit store (shared by every instance with Redis); the check costs no round trip: it answers from
 * what the address's last recorded failure on this instance said. With N instances an address can so make
 * at most limit + N - 1 failed attempts in a window: each instance learns of the block at its own next failure.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly limit: RateLimit;
  /** Addresses with no failure left, and until when (this clock). */
  private readonly blockedUntil = new Map<string, number>();
  private recordsSinceSweep = 0;

  constructor(
    @Inject(Environment) config: Environment,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
  ) {
    this.limit = {
      requests: config.AUTH_FAILURE_LIMIT,
      perSeconds: config.AUTH_FAILURE_WINDOW_SECONDS,
    };
  }

  /** Refused when the address has used up its failures; nothing is spent by asking. */
  check(address: string): FailureGuard {
    const until = this.blockedUntil.get(address);
    const now = Date.now();
    if (until === undefined || until <= now) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** Counts a failure; callers wait for it before answering, so the address's next request sees the block. */
  recordFailure(address: string): Promise<void> {
    return this.store.consume(`auth:${address}`, this.limit).then((decision) => {
      const now = Date.now();
      if (decision.nextAllowedInMs > 0) this.blockedUntil.set(address, now + decision.nextAllowedInMs);
      else this.blockedUntil.delete(address);
      this.sweepNowAndThen(now);
    });
  }

  private sweepNowAndThen(now: number): void {
    if (++this.recordsSinceSweep < SWEEP_EVERY) return;
    this.recordsSinceSweep = 0;
    for (const [address, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(address);
  }
}
