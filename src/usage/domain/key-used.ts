/**
 * One use of a known, usable key, by this service's /v1 routes or through the verify endpoint: served
 * (`accepted`), over its limit (`rate_limited`), or refused for its policies (`refused`: a permission it lacks,
 * an address it may not be used from). Uses go to their own stream per key, so loading a key's lifecycle never
 * reads its uses.
 */
export const KEY_USED = 'KeyUsed';

// `refused` came later (2026-12-05): an outcome added, none changed, so uses recorded before read as they did.
export type UsageOutcome = 'accepted' | 'rate_limited' | 'refused';

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

export const KEY_USAGE_STREAM_PREFIX = 'api_key_usage-';

export const keyUsageStreamId = (keyId: string): string => `${KEY_USAGE_STREAM_PREFIX}${keyId}`;
