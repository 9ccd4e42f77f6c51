import { ownMinutes } from '../detector-state.js';
import { finding } from '../finding.js';
import { alertedAt, countAt, countUse, dropMinutesBefore, markAlerted, usesBetween } from '../minute-counts.js';
import { type KeyRule, MINUTE_MS } from './key-use.js';

/**
 * rate_spike: the use's minute reaches max(spikeMinRequests, spikeFactor × mean per-minute rate over the
 * previous spikeBaselineMinutes), once the key has spikeMinBaselineMinutes of history.
 */
export const rateSpike: KeyRule = (key, use, t) => {
  const minute = Math.floor(use.atMs / MINUTE_MS);
  const latest = Math.max(minute, key.lastUseMs === null ? minute : Math.floor(key.lastUseMs / MINUTE_MS));
  // One minute of lateness is judged (uses from several instances interleave near minute boundaries),
  // so buckets are kept for the baseline of the minute before the latest too.
  const oldestKept = latest - t.spikeBaselineMinutes - 1;
  if (minute < oldestKept) return null;

  const minutes = ownMinutes(key);
  dropMinutesBefore(minutes, oldestKept);
  const bucket = countUse(minutes, minute);
  const count = countAt(minutes, bucket);

  if (alertedAt(minutes, bucket) || minute < latest - 1 || key.firstUseMs === null) return null;
  const baselineStart = Math.max(Math.floor(key.firstUseMs / MINUTE_MS), minute - t.spikeBaselineMinutes);
  const baselineMinutes = minute - baselineStart;
  if (baselineMinutes < t.spikeMinBaselineMinutes) return null;

  const baselineRequests = usesBetween(minutes, baselineStart, minute);
  const threshold = Math.max(t.spikeMinRequests, Math.ceil((t.spikeFactor * baselineRequests) / baselineMinutes));
  if (count < threshold) return null;

  markAlerted(minutes, bucket);
  return finding({
    rule: 'rate_spike',
    keyId: use.keyId,
    accountId: use.accountId,
    ip: null,
    evidence: {
      requests: count,
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
  });
};
