import { Inject, Injectable } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import type { RateDecision, RateLimit } from '../../shared/rate-limit/gcra.js';
import { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';

/** Brute-force guard: each client address may fail authentication only so often. */
@Injectable()
export class AuthFailureLimiter {
  private readonly limiter = new RateLimiter();
  private readonly limit: RateLimit;

  constructor(@Inject(Environment) config: Environment) {
    this.limit = {
      requests: config.AUTH_FAILURE_LIMIT,
      perSeconds: config.AUTH_FAILURE_WINDOW_SECONDS,
    };
  }

  /** Refused when the address has used up its failures; nothing is spent by asking. */
  check(address: string): RateDecision {
    return this.limiter.wouldAllow(address, this.limit);
  }

  recordFailure(address: string): void {
    this.limiter.consume(address, this.limit);
  }
}
