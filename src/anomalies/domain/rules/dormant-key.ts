import { finding } from '../finding.js';
import { DAY_MS, type KeyRule } from './key-use.js';

/** dormant_key_active: a use dormantDays or more after the previous use, or after creation if never used. */
export const dormantKey: KeyRule = (key, use, t) => {
  const previousMs = key.lastUseMs ?? key.createdAtMs;
  if (previousMs === null || use.atMs - previousMs < t.dormantDays * DAY_MS) return null;
  return finding({
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
  });
};
