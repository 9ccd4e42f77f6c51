import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { KeyState } from '../detector-state.js';
import { finding } from '../finding.js';
import { DAY_MS, type KeyRuleResult, type KeyUse } from './key-use.js';

/** dormant_key_active: a use dormantDays or more after the previous use, or after creation if never used. */
export function dormantKey(key: KeyState, use: KeyUse, t: AnomalyThresholds): KeyRuleResult {
  const previousMs = key.lastUseMs ?? key.createdAtMs;
  if (previousMs === null || use.atMs - previousMs < t.dormantDays * DAY_MS) return { key, finding: null };
  return {
    key,
    finding: finding({
      rule: 'dormant_key_active',
      keyId: use.keyId,
      accountId: use.accountId,
      ip: use.address,
      evidence: {
        dormantDays: Math.floor(((use.atMs - previousMs) / DAY_MS) * 100) / 100,
        thresholdDays: t.dormantDays,
        since: key.lastUseMs === null ? 'created' : 'last_use',
        requestId: use.requestId,
      },
      windowStartMs: previousMs,
      windowEndMs: use.atMs,
      detectedAtMs: use.atMs,
    }),
  };
}
