import { Inject, Injectable } from '@nestjs/common';
import { Environment } from '../../../shared/config/environment.js';
import { AuthFailureLimiter } from '../../authentication/auth-failure-limiter.js';
import { AuthenticationMetrics, SERVICE_CREDENTIAL_FAILURE } from '../../authentication/authentication-metrics.js';
import { bearerToken } from '../../authentication/bearer-token.js';
import type { CounterSeries } from '../../../shared/metrics/metrics.port.js';
import { SecretDigest } from '../../../shared/security/secret-digest.js';

export type CredentialCheck =
  | { kind: 'accepted' }
  | { kind: 'refused' }
  | { kind: 'throttled'; retryAfterSeconds: number };

/**
 * Only ParseSphere's own gateways may verify keys: they present the service credential VERIFY_TOKEN.
 * It is checked as a digest (SecretDigest), so the time taken says nothing about it; wrong credentials count
 * against the caller's address like failed API keys.
 */
@Injectable()
export class ServiceCredential {
  private readonly expected: SecretDigest | null;
  private readonly refusals: CounterSeries;

  constructor(
    @Inject(Environment) config: Environment,
    private readonly failures: AuthFailureLimiter,
    metrics: AuthenticationMetrics,
  ) {
    const token = config.VERIFY_TOKEN;
    this.expected = token ? new SecretDigest(token) : null;
    this.refusals = metrics.failures.series({ reason: SERVICE_CREDENTIAL_FAILURE });
  }

  /** Without VERIFY_TOKEN configured the verify endpoint does not exist. */
  get configured(): boolean {
    return this.expected !== null;
  }

  async authenticate(authorization: string | undefined, address: string): Promise<CredentialCheck> {
    const guard = this.failures.check(address);
    if (!guard.allowed) return { kind: 'throttled', retryAfterSeconds: guard.retryAfterSeconds };
    const presented = bearerToken(authorization);
    if (presented === null || this.expected === null || !this.expected.matches(presented)) {
      await this.failures.recordFailure(address);
      this.refusals.inc();
      return { kind: 'refused' };
    }
    return { kind: 'accepted' };
  }
}
