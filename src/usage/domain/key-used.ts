/**
 * One authenticated use of a key, by this service's /v1 routes or through the verify endpoint.
 * Uses go to their own stream per key, so loading a key's lifecycle never reads its uses.
 */
export const KEY_USED = 'KeyUsed';

export type UsageOutcome = 'accepted' | 'rate_limited';

export interface KeyUsedData {
  keyId: string;
  accountId: string;
  usedAt: string;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  method: string | null;
  path: string | null;
  outcome: UsageOutcome;
}

export interface KeyUsed {
  type: typeof KEY_USED;
  schemaVersion: 1;
  data: KeyUsedData;
}

export const keyUsageStreamId = (keyId: string): string => `api_key_usage-${keyId}`;
