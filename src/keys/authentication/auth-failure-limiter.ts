import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AppConfigService, setting } from '../../shared/config/app-config.js';
import type { RateDecision, RateLimit } from '../../shared/rate-limit/gcra.js';
import { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';

/** Brute-force guard: each client address may fail authentication only so often. */
@Injectable()
export class AuthFailureLimiter {
  private readonly limiter = new RateLimiter();
  private readonly limit: RateLimit;

  constructor(@Inject(ConfigService) config: AppConfigService) {
    this.limit = {
      requests: setting(config, 'AUTH_FAILURE_LIMIT'),
      perSeconds: setting(config, 'AUTH_FAILURE_WINDOW_SECONDS'),
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
