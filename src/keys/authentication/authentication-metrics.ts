import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Counter, Metrics } from '../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { AUTHENTICATION_FAILURE_REASONS } from '../../usage/domain/authentication-failed.js';

/** The reasons counted outside an API key's authentication: a wrong service credential, or a wrong scrape token. */
export const SERVICE_CREDENTIAL_FAILURE = 'service_credential';
export const METRICS_TOKEN_FAILURE = 'metrics_token';

/** The authentication counters, declared once and shared by the guard, the verifier, the failure limiter and the verify route. */
@Injectable()
export class AuthenticationMetrics {
  readonly rateLimited: Counter<'limit'>;
  readonly failures: Counter<'reason'>;

  constructor(@Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS) {
    this.rateLimited = metrics.counter({
      name: 'parsesphere_rate_limited_total',
      help: 'Requests refused for going too fast: a key over its rate limit (limit=key), an address over its failed-authentication allowance (limit=address), an account over ACCOUNT_RATE_LIMIT_REQUESTS (limit=account).',
      labelNames: ['limit'],
    });
    this.failures = metrics.counter({
      name: 'parsesphere_auth_failures_total',
      help: `Failed authentications (API routes, verify and /metrics), by reason: ${AUTHENTICATION_FAILURE_REASONS.join(', ')}; ${SERVICE_CREDENTIAL_FAILURE} for a wrong VERIFY_TOKEN; ${METRICS_TOKEN_FAILURE} for a wrong METRICS_TOKEN.`,
      labelNames: ['reason'],
    });
  }
}
