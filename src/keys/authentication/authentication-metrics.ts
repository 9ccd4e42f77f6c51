import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Counter, Metrics } from '../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { AUTHENTICATION_FAILURE_REASONS } from '../../usage/domain/authentication-failed.js';

/** The authentication counters, declared once and shared by the guard, the verifier, the failure limiter and the verify route. */
@Injectable()
export class AuthenticationMetrics {
  readonly rateLimited: Counter<'limit'>;
  readonly failures: Counter<'reason'>;

  constructor(@Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS) {
    this.rateLimited = metrics.counter({
      name: 'parsesphere_rate_limited_total',
      help: 'Requests refused for going too fast: a key over its rate limit (limit=key), an address over its failed-authentication allowance (limit=address).',
      labelNames: ['limit'],
    });
    this.failures = metrics.counter({
      name: 'parsesphere_auth_failures_total',
      help: `Failed authentications (API routes and verify), by reason: ${AUTHENTICATION_FAILURE_REASONS.join(', ')}; service_credential for a wrong VERIFY_TOKEN.`,
      labelNames: ['reason'],
    });
  }
}
