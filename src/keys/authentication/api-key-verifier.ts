import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../shared/runtime/clock.js';
import { isoTimestamp } from '../../shared/runtime/iso-timestamp.js';
import type { RateDecision } from '../../shared/rate-limit/gcra.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { AUTHENTICATION_FAILURE_REASONS, type AuthenticationFailureReason } from '../../usage/domain/authentication-failed.js';
import type { UsageOutcome } from '../../usage/domain/key-used.js';
import { type RequestDetails, recordedRequestDetails } from '../../usage/domain/recorded-request.js';
import { UsageRecorder } from '../../usage/recording/usage-recorder.js';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import { AuthenticationMetrics } from './authentication-metrics.js';
import { hashApiKey, isWellFormedApiKey } from '../domain/api-key-secret.js';
import { missingPermissions } from '../domain/permissions.js';
import { IdleRetirement } from './idle-retirement.js';
import { KeyTable, type KnownKey } from './key-table.js';
import { KeyTableCaughtUpOnMiss } from './key-table-caught-up-on-miss.js';

/** The request a key was presented with; its details are recorded redacted (recordedRequestDetails). */
export interface UseContext extends RequestDetails {
  requestId: string;
  /**
   * For a caller answered with the check's result (verify): false once nobody is left to answer, when a check that
   * waited (the rate limit's Redis round trip) ends after its client left. Its use is then not recorded, as its
   * answer is not written: a use recorded is an answer written.
   */
  answerable?: () => boolean;
}

/** A key refused for what it is: no longer usable (the same answer as revoked to an API caller). */
export type EndedCode = 'REVOKED' | 'EXPIRED' | 'DISABLED';

export type Verification =
  | { valid: true; key: KnownKey; rate: RateDecision }
  | { valid: false; code: 'RATE_LIMITED'; key: KnownKey; rate: RateDecision }
  | { valid: false; code: EndedCode | 'FORBIDDEN'; key: KnownKey }
  /** Unknown here (KnownKey.changedByNewerVersion): refused, and no failure of the caller's. */
  | { valid: false; code: 'CHANGED_BY_NEWER_VERSION'; key: KnownKey }
  | { valid: false; code: 'INSUFFICIENT_PERMISSIONS'; key: KnownKey; missing: string[]; rate: RateDecision }
  | { valid: false; code: 'MALFORMED' | 'NOT_FOUND' };

const FAILURE_REASONS = {
  MALFORMED: 'malformed',
  NOT_FOUND: 'unknown',
  REVOKED: 'revoked',
  EXPIRED: 'expired',
  DISABLED: 'disabled',
  FORBIDDEN: 'forbidden_address',
  INSUFFICIENT_PERMISSIONS: 'insufficient_permissions',
} as const;

const NO_PERMISSIONS: readonly string[] = [];

/**
 * The hot path shared by the /v1 routes and the verify endpoint: checksum, hash, in-memory lookup, the key's
 * state (revoked, expired at its instant even before its KeyExpired event, disabled), its address restriction
 * and permissions, the key's rate limit, and a buffered usage record. No store call for a known key (an unknown
 * one reads the log's head first: KeyTableCaughtUpOnMiss); one Redis round trip for the rate limit when limits
 * are shared (REDIS_URL), none otherwise.
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
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IdleRetirement) private readonly idle: IdleRetirement,
    @Inject(KeyTableCaughtUpOnMiss) private readonly caughtUp: KeyTableCaughtUpOnMiss,
  ) {
    this.failures = Object.fromEntries(
      AUTHENTICATION_FAILURE_REASONS.map((reason) => [reason, metrics.failures.series({ reason })]),
    ) as Record<AuthenticationFailureReason, CounterSeries>;
    this.overLimit = metrics.rateLimited.series({ limit: 'key' });
  }

  /**
   * Checks a presented key for a request from `context.ip` that needs `required` permissions (all of them);
   * failures are recorded as AuthenticationFailed, uses as KeyUsed (a known key refused for its address or a
   * permission as both).
   */
  async verify(presented: string, context: UseContext, required: readonly string[] = NO_PERMISSIONS): Promise<Verification> {
    const verification = await this.check(presented, context, required);
    if (!verification.valid && verification.code !== 'RATE_LIMITED' && verification.code !== 'CHANGED_BY_NEWER_VERSION') {
      const key = 'key' in verification ? verification.key : null;
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
      failedAt: isoTimestamp(this.clock.now()),
      requestId: context.requestId,
      ...recordedRequestDetails(context),
      reason,
      keyId: key?.keyId ?? null,
      accountId: key?.accountId ?? null,
    });
  }

  private async check(presented: string, context: UseContext, required: readonly string[]): Promise<Verification> {
    if (!isWellFormedApiKey(presented)) return { valid: false, code: 'MALFORMED' };
    const hash = hashApiKey(presented);
    const key = this.keys.lookup(hash) ?? (await this.caughtUp.lookupAfterCatchingUp(hash));
    if (!key) return { valid: false, code: 'NOT_FOUND' };
    if (key.status === 'revoked') return { valid: false, code: 'REVOKED', key };
    // Revoked or expired by its events, a key is ended whatever a newer version changed; otherwise its state is unknown.
    if (key.changedByNewerVersion && key.status !== 'expired') return { valid: false, code: 'CHANGED_BY_NEWER_VERSION', key };
    const now = this.clock.now();
    // At its end instant a key is refused, whether or not its KeyExpired event has been appended yet.
    if (key.status === 'expired' || now >= key.endsAtMs || (key.rotation !== null && this.idle.hasGoneIdle(key, now))) return { valid: false, code: 'EXPIRED', key };
    if (key.disabled) return { valid: false, code: 'DISABLED', key };
    // Refused for its policies, the key was still presented and known: a use (its owner sees it in `usage`),
    // recorded besides the AuthenticationFailed that verify() appends for the failed-auth alerts.
    if (key.addresses !== null && !key.addresses.allows(context.ip)) {
      this.recordUse(key, now, context, 'refused');
      return { valid: false, code: 'FORBIDDEN', key };
    }
    // A request refused for a permission is an authenticated request too: it counts against the key's limit.
    const rate = await this.limits.consume(key.rateLimitSubject, key.rateLimit);
    if (rate.allowed && required.length > 0) {
      const missing = missingPermissions(key.permissions, required);
      if (missing.length > 0) {
        this.recordUse(key, now, context, 'refused');
        return { valid: false, code: 'INSUFFICIENT_PERMISSIONS', key, missing, rate };
      }
    }
    this.recordUse(key, now, context, rate.allowed ? 'accepted' : 'rate_limited');
    if (!rate.allowed) this.overLimit.inc();
    return rate.allowed ? { valid: true, key, rate } : { valid: false, code: 'RATE_LIMITED', key, rate };
  }

  private recordUse(key: KnownKey, now: number, context: UseContext, outcome: UsageOutcome): void {
    if (context.answerable !== undefined && !context.answerable()) return;
    // Every use counts as the key's last, as the usage view's last_used_at does: a key still presented is not idle.
    if (key.rotation !== null) this.idle.used(key, now);
    this.usage.record({
      keyId: key.keyId,
      accountId: key.accountId,
      usedAt: isoTimestamp(now),
      requestId: context.requestId,
      ...recordedRequestDetails(context),
      outcome,
    });
  }
}
