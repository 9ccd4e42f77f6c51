import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { KeyState, MinuteBucket } from '../detector-state.js';
import { finding } from '../finding.js';
import { type KeyRuleResult, type KeyUse, MINUTE_MS } from './key-use.js';

/**
 * rate_spike: the use's minute reaches max(spikeMinRequests, spikeFactor × mean per-minute rate over the
 * previous spikeBaselineMinutes), once the key has spikeMinBaselineMinutes of history.
 */
export function rateSpike(key: KeyState, use: KeyUse, t: AnomalyThresholds): KeyRuleResult {
  const minute = Math.floor(use.atMs / MINUTE_MS);
  const latest = Math.max(minute, key.lastUseMs === null ? minute : Math.floor(key.lastUseMs / MINUTE_MS));
  // One minute of lateness is judged (uses from several instances interleave near minute boundaries),
  // so buckets are kept for the baseline of the minute before the latest too.
  const oldestKept = latest - t.spikeBaselineMinutes - 1;
  if (minute < oldestKept) return { key, finding: null };

  const minutes = new Map<number, MinuteBucket>();
  for (const [m, bucket] of key.minutes) if (m >= oldestKept) minutes.set(m, bucket);
  const bucket = { count: (minutes.get(minute)?.count ?? 0) + 1, alerted: minutes.get(minute)?.alerted ?? false };
  minutes.set(minute, bucket);
  const updated = { ...key, minutes };

  if (bucket.alerted || minute < latest - 1 || key.firstUseMs === null) return { key: updated, finding: null };
  const baselineStart = Math.max(Math.floor(key.firstUseMs / MINUTE_MS), minute - t.spikeBaselineMinutes);
  const baselineMinutes = minute - baselineStart;
  if (baselineMinutes < t.spikeMinBaselineMinutes) return { key: updated, finding: null };

  let baselineRequests = 0;
  for (let m = baselineStart; m < minute; m++) baselineRequests += minutes.get(m)?.count ?? 0;
  const threshold = Math.max(t.spikeMinRequests, Math.ceil((t.spikeFactor * baselineRequests) / baselineMinutes));
  if (bucket.count < threshold) return { key: updated, finding: null };

  minutes.set(minute, { count: bucket.count, alerted: true });
  return {
    key: updated,
    finding: finding({
      rule: 'rate_spike',
      keyId: use.keyId,
      accountId: use.accountId,
      ip: null,
      evidence: {
        requests: bucket.count,
        threshold,
        baselinePerMinute: Math.round((baselineRequests / baselineMinutes) * 100) / 100,
        baselineMinutes,
        spikeFactor: t.spikeFactor,
        minRequests: t.spikeMinRequests,
        requestId: use.requestId,
      },
      windowStartMs: minute * MINUTE_MS,
      windowEndMs: (minute + 1) * MINUTE_MS,
      detectedAtMs: use.atMs,
    }),
  };
}
