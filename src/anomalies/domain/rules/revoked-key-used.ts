import type { AuthenticationFailedData } from '../../../usage/domain/authentication-failed.js';
import type { AnomalyDetectedData } from '../anomaly.js';
import type { KeyState } from '../detector-state.js';
import { finding, iso } from '../finding.js';
import { HOUR_MS } from './key-use.js';

/** revoked_key_used: someone presented a revoked key; one finding per key per UTC hour. Updates `key` in place. */
export function revokedKeyUsed(
  key: KeyState,
  failure: AuthenticationFailedData & { keyId: string },
  atMs: number,
  address: string | null,
): AnomalyDetectedData | null {
  const hour = Math.floor(atMs / HOUR_MS);
  // Later hours only: a late attempt for an hour already passed never re-raises an older window.
  if (failure.reason !== 'revoked' || (key.revokedAlertHour !== null && hour <= key.revokedAlertHour)) return null;
  key.revokedAlertHour = hour;
  return finding({
    rule: 'revoked_key_used',
    keyId: failure.keyId,
    accountId: failure.accountId ?? key.accountId,
    ip: address,
    evidence: {
      reason: failure.reason,
      revokedAt: key.revokedAtMs === null ? null : iso(key.revokedAtMs),
      requestId: failure.requestId,
    },
    windowStartMs: hour * HOUR_MS,
    windowEndMs: (hour + 1) * HOUR_MS,
    detectedAtMs: atMs,
  });
}
