import { Inject, Injectable } from '@nestjs/common';
import type { RateDecision } from '../../shared/rate-limit/gcra.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import type { AuthenticationFailureReason } from '../../usage/domain/authentication-failed.js';
import { type RequestDetails, recordedRequestDetails } from '../../usage/domain/recorded-request.js';
import { UsageRecorder } from '../../usage/recording/usage-recorder.js';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import { AuthenticationMetrics } from './authentication-metrics.js';
import { hashApiKey, isWellFormedApiKey } from '../domain/api-key-secret.js';
import { KeyTable, type KnownKey } from './key-table.js';

/** The request a key was presented with; its details are recorded redacted (recordedRequestDetails). */
export interface UseContext extends RequestDetails {
  requestId: string;
}

export type Verification =
  | { valid: true; key: KnownKey; rate: RateDecision }
  | { valid: false; code: 'RATE_LIMITED'; key: KnownKey; rate: RateDecision }
  | { valid: false; code: 'REVOKED'; key: KnownKey }
  | { valid: false; code: 'MALFORMED' | 'NOT_FOUND' };

const FAILURE_REASONS = { MALFORMED: 'malformed', NOT_FOUND: 'unknown', REVOKED: 'revoked' } as const;

/**
 * The hot path shared by the /v1 routes and the verify endpoint: checksum, hash, in-memory
 * lookup, the key's rate limit, and a buffered usage record. No store call; one Redis round trip
 * for the rate limit when limits are shared (REDIS_URL), none otherwise.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly failures: Record<AuthenticationFailureReason, CounterSeries>;
  private readonly overLimit: CounterSeries;

  constructor(
    @Inject(KeyTable) private readonly keys: KeyTable,
    @Inject(UsageRecorder) private readonly usage: UsageRecorder,
    @Inject(RATE_LIMIT_STORE) private readonly limits: RateLimitStore,
    @Inject(AuthenticationMetrics) metrics: AuthenticationMetrics,
  ) {
    const failure = (reason: AuthenticationFailureReason) => metrics.failures.series({ reason });
    this.failures = { missing: failure('missing'), malformed: failure('malformed'), unknown: failure('unknown'), revoked: failure('revoked') };
    this.overLimit = metrics.rateLimited.series({ limit: 'key' });
  }

  /** Checks a presented key; failures are recorded as AuthenticationFailed, uses as KeyUsed. */
  async verify(presented: string, context: UseContext): Promise<Verification> {
    const verification = await this.check(presented, context);
    if (!verification.valid && verification.code !== 'RATE_LIMITED') {
      const key = verification.code === 'REVOKED' ? verification.key : null;
      this.recordFailure(context, FAILURE_REASONS[verification.code], key);
    }
    return verification;
  }

  /** A request that presented no key at all. */
  recordMissing(context: UseContext): void {
    this.recordFailure(context, 'missing', null);
  }

  private recordFailure(context: UseContext, reason: AuthenticationFailureReason, key: KnownKey | null): void {
    this.failures[reason].inc();
    this.usage.recordFailure({
      failedAt: new Date().toISOString(),
      requestId: context.requestId,
      ...recordedRequestDetails(context),
      reason,
      keyId: key?.keyId ?? null,
      accountId: key?.accountId ?? null,
    });
  }

  private async check(presented: string, context: UseContext): Promise<Verification> {
    if (!isWellFormedApiKey(presented)) return { valid: false, code: 'MALFORMED' };
    const key = this.keys.lookup(hashApiKey(presented));
    if (!key) return { valid: false, code: 'NOT_FOUND' };
    if (key.status === 'revoked') return { valid: false, code: 'REVOKED', key };
    const rate = await this.limits.consume(`key:${key.keyId}`, key.rateLimit);
    this.usage.record({
      keyId: key.keyId,
      accountId: key.accountId,
      usedAt: new Date().toISOString(),
      requestId: context.requestId,
      ...recordedRequestDetails(context),
      outcome: rate.allowed ? 'accepted' : 'rate_limited',
    });
    if (!rate.allowed) this.overLimit.inc();
    return rate.allowed ? { valid: true, key, rate } : { valid: false, code: 'RATE_LIMITED', key, rate };
  }
}
