import type { AuthenticationFailedData } from '../../../usage/domain/authentication-failed.js';
import type { AnomalyDetectedData } from '../anomaly.js';
import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import { type FailureBurst, type KeyState, ownFailures } from '../detector-state.js';
import { finding, iso } from '../finding.js';

/**
 * failed_auth_burst of an address: failedAuthBurstCount failures that named no recognised key (missing, malformed,
 * unknown) from one client within the sliding window, the client counted as the failed-auth guard counts it
 * (`subject`: an IPv4 address itself, an IPv6 one its /64, reported as `network`); `ip` is the address of the failure
 * that completed the burst, and the id is derived from it as every version before the /64 count derived it, so a burst
 * from one address is one alert whichever version judged it (a rolling upgrade, a detector rebuilt from the log). It
 * concerns no key, so it belongs to no account; `wide`, the client's IPv4 /24 or IPv6 /48, is what it is grouped by
 * (address-burst-paging.ts). Updates `ip` in place.
 */
export function failedAuthBurstFromAddress(
  ip: FailureBurst,
  address: string,
  subject: string,
  wide: string,
  atMs: number,
  requestId: string,
  t: AnomalyThresholds,
): AnomalyDetectedData | null {
  const windowEndMs = completedBurst(ip, atMs, t);
  if (windowEndMs === null) return null;
  return finding({
    rule: 'failed_auth_burst',
    keyId: null,
    accountId: null,
    ip: address,
    evidence: {
      ...(subject === address ? {} : { network: subject }),
      failures: ip.times.length,
      threshold: t.failedAuthBurstCount,
      windowSeconds: t.failedAuthBurstWindowSeconds,
      requestId,
      wideNetwork: wide,
    },
    windowStartMs: windowEndMs - t.failedAuthBurstWindowSeconds * 1000,
    windowEndMs,
    detectedAtMs: atMs,
  });
}

/**
 * failed_auth_burst of a key: failedAuthBurstCount refused uses of one recognised key for one reason (expired,
 * disabled, forbidden_address, insufficient_permissions; the detector sends no revoked one, which revoked_key_used
 * reports) within the sliding window, from any addresses.
 * It is the key's owner's to see, so it carries the key and its account; the reason is part of its id, so bursts
 * of two reasons in one window are two alerts. Updates `key` in place.
 */
export function failedAuthBurstOfKey(
  key: KeyState,
  failure: AuthenticationFailedData & { keyId: string },
  address: string | null,
  atMs: number,
  t: AnomalyThresholds,
): AnomalyDetectedData | null {
  const windowMs = t.failedAuthBurstWindowSeconds * 1000;
  const failures = ownFailures(key);
  let burst = failures.get(failure.reason);
  if (burst === undefined) failures.set(failure.reason, (burst = { times: [], quietUntilMs: null }));
  const windowEndMs = completedBurst(burst, atMs, t);
  // Reasons the key has not been refused for in a window count nothing more: dropped, so the state stays small.
  for (const [reason, other] of failures) {
    if (other !== burst && (other.times.at(-1) ?? -Infinity) <= atMs - windowMs) failures.delete(reason);
  }
  if (windowEndMs === null) return null;
  const windowStartMs = windowEndMs - windowMs;
  return finding({
    rule: 'failed_auth_burst',
    keyId: failure.keyId,
    accountId: failure.accountId ?? key.accountId,
    ip: address,
    evidence: {
      reason: failure.reason,
      failures: burst.times.length,
      threshold: t.failedAuthBurstCount,
      windowSeconds: t.failedAuthBurstWindowSeconds,
      requestId: failure.requestId,
    },
    windowStartMs,
    windowEndMs,
    detectedAtMs: atMs,
    idWindow: `${failure.reason}|${iso(windowStartMs)}`,
  });
}

/**
 * Counts one failure at `atMs` into the burst and returns the end of its window when it completes a burst not yet
 * alerted (and keeps the burst quiet for a window from then on), else null. Only the most recent
 * failedAuthBurstCount times are kept: that is all the count needs.
 */
function completedBurst(burst: FailureBurst, atMs: number, t: AnomalyThresholds): number | null {
  const windowMs = t.failedAuthBurstWindowSeconds * 1000;
  const { times } = burst;
  const now = Math.max(atMs, times.at(-1) ?? atMs);
  let kept = 0;
  for (const time of times) if (time > now - windowMs) times[kept++] = time;
  times.length = kept;
  if (atMs > now - windowMs) times.splice(insertionIndex(times, atMs), 0, atMs);
  if (times.length > t.failedAuthBurstCount) times.splice(0, times.length - t.failedAuthBurstCount);

  if ((burst.quietUntilMs !== null && atMs < burst.quietUntilMs) || times.length < t.failedAuthBurstCount) return null;
  burst.quietUntilMs = now + windowMs;
  return now;
}

function insertionIndex(sorted: readonly number[], value: number): number {
  let index = sorted.length;
  while (index > 0 && sorted[index - 1] > value) index--;
  return index;
}
