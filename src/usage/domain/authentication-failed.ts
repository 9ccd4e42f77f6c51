/**
 * A request that presented no valid key. Never carries the presented secret: only the key id and
 * account when the key was recognised (revoked, or over its limit at the gateway), else nulls.
 */
export const AUTHENTICATION_FAILED = 'AuthenticationFailed';

export type AuthenticationFailureReason = 'missing' | 'malformed' | 'unknown' | 'revoked';

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
export const authenticationFailuresStreamId = (at: string): string => `auth_failures-${at.slice(0, 10)}`;
