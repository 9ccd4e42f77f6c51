import type { AnomalyDetectedData } from '../anomaly.js';
import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { IpFailures } from '../detector-state.js';
import { finding } from '../finding.js';

/**
 * failed_auth_burst: failedAuthBurstCount failed authentications from one address within the sliding window.
 * Only the most recent failedAuthBurstCount times are kept: that is all the count needs.
 */
export function failedAuthBurst(
  ip: IpFailures | undefined,
  address: string,
  atMs: number,
  requestId: string,
  t: AnomalyThresholds,
): { ip: IpFailures; finding: AnomalyDetectedData | null } {
  const windowMs = t.failedAuthBurstWindowSeconds * 1000;
  const previous = ip?.times ?? [];
  const now = Math.max(atMs, previous.at(-1) ?? atMs);
  const times = previous.filter((time) => time > now - windowMs);
  if (atMs > now - windowMs) times.splice(insertionIndex(times, atMs), 0, atMs);
  if (times.length > t.failedAuthBurstCount) times.splice(0, times.length - t.failedAuthBurstCount);

  const quietUntilMs = ip?.quietUntilMs ?? null;
  if ((quietUntilMs !== null && atMs < quietUntilMs) || times.length < t.failedAuthBurstCount) {
    return { ip: { times, quietUntilMs }, finding: null };
  }
  return {
    ip: { times, quietUntilMs: now + windowMs },
    finding: finding({
      rule: 'failed_auth_burst',
      keyId: null,
      accountId: null,
      ip: address,
      evidence: {
        failures: times.length,
        threshold: t.failedAuthBurstCount,
        windowSeconds: t.failedAuthBurstWindowSeconds,
        requestId,
      },
      windowStartMs: now - windowMs,
      windowEndMs: now,
      detectedAtMs: atMs,
    }),
  };
}

function insertionIndex(sorted: readonly number[], value: number): number {
  let index = sorted.length;
  while (index > 0 && sorted[index - 1] > value) index--;
  return index;
}
