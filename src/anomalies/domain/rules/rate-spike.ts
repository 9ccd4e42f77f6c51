import { finding } from '../finding.js';
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

  const { minutes } = key;
  for (const m of minutes.keys()) if (m < oldestKept) minutes.delete(m);
  let bucket = minutes.get(minute);
  if (bucket === undefined) minutes.set(minute, (bucket = { count: 0, alerted: false }));
  bucket.count += 1;

  if (bucket.alerted || minute < latest - 1 || key.firstUseMs === null) return null;
  const baselineStart = Math.max(Math.floor(key.firstUseMs / MINUTE_MS), minute - t.spikeBaselineMinutes);
  const baselineMinutes = minute - baselineStart;
  if (baselineMinutes < t.spikeMinBaselineMinutes) return null;

  let baselineRequests = 0;
  for (let m = baselineStart; m < minute; m++) baselineRequests += minutes.get(m)?.count ?? 0;
  const threshold = Math.max(t.spikeMinRequests, Math.ceil((t.spikeFactor * baselineRequests) / baselineMinutes));
  if (bucket.count < threshold) return null;

  bucket.alerted = true;
  return finding({
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
  });
};
