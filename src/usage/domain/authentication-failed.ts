/**
 * A request that presented no valid key, or a key not valid for this request (from an address it may not be
 * used from, or without a permission the request needs). Never carries the presented secret: only the key id
 * and account when the key was recognised, else nulls.
 */
export const AUTHENTICATION_FAILED = 'AuthenticationFailed';

export const AUTHENTICATION_FAILURE_REASONS = [
  'missing',
  'malformed',
  'unknown',
  'revoked',
  'expired',
  'disabled',
  'forbidden_address',
  'insufficient_permissions',
] as const;
export type AuthenticationFailureReason = (typeof AUTHENTICATION_FAILURE_REASONS)[number];

export interface AuthenticationFailedData {
  failedAt: string;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  method: string | null;
  path: string | null;
  reason: AuthenticationFailureReason;
  keyId: string | null;
  accountId: string | null;
}

export interface AuthenticationFailed {
  type: typeof AUTHENTICATION_FAILED;
  schemaVersion: 1;
  data: AuthenticationFailedData;
}

/** Failures go to one stream per UTC day, so no stream grows without bound. */
export const AUTHENTICATION_FAILURES_STREAM_PREFIX = 'auth_failures-';

export const authenticationFailuresStreamId = (at: string): string => `${AUTHENTICATION_FAILURES_STREAM_PREFIX}${at.slice(0, 10)}`;
