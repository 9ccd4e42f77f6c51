import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { DetectorState, KeyState } from '../detector-state.js';
import { finding, iso } from '../finding.js';
import { HOUR_MS, type KeyRule } from './key-use.js';

/**
 * key_expiring: a served use of a key expiryWarningHours or less before its own expires_at, once per key and expiry
 * instant (the instant is the alert's id window, so a replay or a re-armed watch finds the same alert). A use at or
 * after the expiry raises nothing: the key has expired (its uses are refused, and the detector never sees a refused
 * use here). Updates `key.expiryWatch` in place.
 */
export const keyExpiring: KeyRule = (key, use, t) => {
  const expiresAtMs = key.expiresAtMs;
  if (expiresAtMs === null || key.expiryWatch !== 'armed') return null;
  const windowStartMs = expiresAtMs - t.expiryWarningHours * HOUR_MS;
  if (use.atMs < windowStartMs || use.atMs >= expiresAtMs) return null;
  key.expiryWatch = 'warned';
  return finding({
    rule: 'key_expiring',
    keyId: use.keyId,
    accountId: use.accountId,
    ip: use.address,
    evidence: {
      expiresAt: iso(expiresAtMs),
      secondsLeft: Math.floor((expiresAtMs - use.atMs) / 1000),
      warningHours: t.expiryWarningHours,
      requestId: use.requestId,
    },
    windowStartMs,
    windowEndMs: expiresAtMs,
    detectedAtMs: use.atMs,
    idWindow: iso(expiresAtMs),
  });
};

/**
 * The key's own expiry as set at creation or by a PATCH at `setAtMs` (an ISO text; null: none, the key is no longer
 * watched). A new instant arms the watch again, unless it was set already inside the warning window: a short-lived
 * key, or an end its owner has just chosen, is no news to warn of (GitHub warns of a token's expiry a week ahead, not
 * of a token made to last a day). A roll's successor inherits its predecessor's expiry (`inherited`): nobody chose
 * it then, so it is armed wherever it stands. A rolled key's watch stays off. A text that is not a time is no expiry.
 */
export function plannedExpiry(key: KeyState, expiresAt: string | null, setAtMs: number, t: AnomalyThresholds, inherited = false): void {
  const atMs = expiresAt === null ? NaN : Date.parse(expiresAt);
  const next = Number.isFinite(atMs) ? atMs : null;
  if (next === key.expiresAtMs) return;
  key.expiresAtMs = next;
  if (key.expiryWatch === 'rolled') return;
  const chosenInsideWindow = next !== null && !inherited && next - setAtMs <= t.expiryWarningHours * HOUR_MS;
  key.expiryWatch = chosenInsideWindow ? 'short' : 'armed';
}

/**
 * A roll records the old key's end as its grace end (KeyRolled.graceEndsAt, capped at its expires_at), not as an
 * expires_at: the owner chose it by rolling, and the successor, which carries the expiry, is the key watched from
 * then on. The predecessor is watched no more, even if its expires_at is changed later.
 */
export function rolled(key: KeyState): void {
  key.expiryWatch = 'rolled';
}

/**
 * After the state was rebuilt without raising anything (the events up to a snapshot that could not be restored were
 * judged already), each warned expiry is armed again: the rebuild may have followed a version that had no such rule,
 * so the warning may never have been recorded. At the key's next use in the window the finding comes again with the
 * same id, which the log refuses if it was recorded, and records if it was not.
 */
export function rearmExpiryWarnings(state: DetectorState): void {
  for (const key of state.keys.values()) if (key.expiryWatch === 'warned') key.expiryWatch = 'armed';
}
