import { Inject, Injectable } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import type { RateDecision, RateLimit } from '../../shared/rate-limit/gcra.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { AuthenticationMetrics } from './authentication-metrics.js';

/**
 * The limit of an account's requests to the /v1 routes, all its keys together (ACCOUNT_RATE_LIMIT_REQUESTS per
 * ACCOUNT_RATE_LIMIT_PER_SECONDS), beside each key's own: every key has its own limit, so an account holding many keys
 * had none, and one account paging through its keys or creating keys from many connections at once took the request
 * thread from every other account's requests, verify's included. Counted in the rate-limit store, shared by every
 * instance with Redis, as the keys' limits are. Verify (the gateways' route) is not counted.
 */
@Injectable()
export class AccountRequestLimiter {
  readonly limit: RateLimit;
  private readonly refused: CounterSeries;

  constructor(
    @Inject(Environment) config: Environment,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(AuthenticationMetrics) metrics: AuthenticationMetrics,
  ) {
    this.limit = { requests: config.ACCOUNT_RATE_LIMIT_REQUESTS, perSeconds: config.ACCOUNT_RATE_LIMIT_PER_SECONDS };
    this.refused = metrics.rateLimited.series({ limit: 'account' });
  }

  /** Counts one request of the account; a refusal is counted in parsesphere_rate_limited_total{limit="account"}. */
  async consume(accountId: string): Promise<RateDecision> {
    const decision = await this.store.consume(`account:${accountId}`, this.limit);
    if (!decision.allowed) this.refused.inc();
    return decision;
  }
}
