import type { AnomalyDetectedData } from '../anomaly.js';
import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { IpFailures } from '../detector-state.js';
import { finding } from '../finding.js';

/**
 * failed_auth_burst: failedAuthBurstCount failed authentications from one address within the sliding window.
 * Only the most recent failedAuthBurstCount times are kept: that is all the count needs. Updates `ip` in place.
 */
export function failedAuthBurst(
  ip: IpFailures,
  address: string,
  atMs: number,
  requestId: string,
  t: AnomalyThresholds,
): AnomalyDetectedData | null {
  const windowMs = t.failedAuthBurstWindowSeconds * 1000;
  const { times } = ip;
  const now = Math.max(atMs, times.at(-1) ?? atMs);
  let kept = 0;
  for (const time of times) if (time > now - windowMs) times[kept++] = time;
  times.length = kept;
  if (atMs > now - windowMs) times.splice(insertionIndex(times, atMs), 0, atMs);
  if (times.length > t.failedAuthBurstCount) times.splice(0, times.length - t.failedAuthBurstCount);

  if ((ip.quietUntilMs !== null && atMs < ip.quietUntilMs) || times.length < t.failedAuthBurstCount) return null;
  ip.quietUntilMs = now + windowMs;
  return finding({
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
  });
}

function insertionIndex(sorted: readonly number[], value: number): number {
  let index = sorted.length;
  while (index > 0 && sorted[index - 1] > value) index--;
  return index;
}
