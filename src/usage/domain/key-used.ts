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

const MAX_TEXT = 512;

/** Caller-supplied text is bounded so one request cannot bloat the log. */
export function boundedText(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}
