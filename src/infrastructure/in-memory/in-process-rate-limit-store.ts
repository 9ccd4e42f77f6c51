import type { RateDecision, RateLimit } from '../../shared/rate-limit/gcra.js';
import type { RateLimitSharing, RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { RateLimiter } from '../../shared/rate-limit/rate-limiter.js';

/** Limits counted in this process only: without REDIS_URL, each instance gives a key its whole limit. */
export class InProcessRateLimitStore implements RateLimitStore {
  private readonly limiter: RateLimiter;

  constructor(now: () => number = Date.now) {
    this.limiter = new RateLimiter(now);
  }

  async consume(subject: string, limit: RateLimit): Promise<RateDecision> {
    return this.limiter.consume(subject, limit);
  }

  sharing(): RateLimitSharing {
    return { mode: 'in-process' };
  }

  async close(): Promise<void> {}
}
