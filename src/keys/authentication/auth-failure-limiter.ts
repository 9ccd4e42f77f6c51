import { Inject, Injectable, Logger } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import type { RateDecision, RateLimit } from '../../shared/rate-limit/gcra.js';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';
import { AuthenticationMetrics } from './authentication-metrics.js';

/** Brute-force guard: each client address may fail authentication only so often. */
@Injectable()
export class AuthFailureLimiter {
  private readonly limiter = new RateLimiter();
  private readonly limit: RateLimit;
  private readonly logger = new Logger('Authentication');
  private readonly refused: CounterSeries;

  constructor(@Inject(Environment) config: Environment, metrics: AuthenticationMetrics) {
    this.limit = {
      requests: config.AUTH_FAILURE_LIMIT,
      perSeconds: config.AUTH_FAILURE_WINDOW_SECONDS,
    };
    this.refused = metrics.rateLimited.series({ limit: 'address' });
  }

  /** Refused when the address has used up its failures; nothing is spent by asking. */
  check(address: string): RateDecision {
    const decision = this.limiter.wouldAllow(address, this.limit);
    if (!decision.allowed) this.refused.inc();
    return decision;
  }

  recordFailure(address: string): void {
    const decision = this.limiter.consume(address, this.limit);
    // The failure that spends the address's last allowance trips the guard: logged once per burst, not per refusal.
    if (decision.allowed && decision.remaining === 0) {
      this.logger.warn({
        msg: 'failed-auth burst',
        address,
        failures: this.limit.requests,
        windowSeconds: this.limit.perSeconds,
        retryAfterSeconds: Math.max(1, decision.resetSeconds),
      });
    }
  }
}
