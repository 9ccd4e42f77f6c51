import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { AnomalyDetectedData } from '../anomaly.js';
import type { DetectorState, KeyState } from '../detector-state.js';
import { popDueExpiry, pushExpiry } from '../expiry-queue.js';
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
  const windowStartMs = expiresAtMs - windowMs(t);
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

/** An expiry as an event sets it: at creation (`inherited` for a roll's successor) or by a PATCH, at `setAtMs`. */
export interface ExpirySet {
  expiresAt: string | null;
  setAtMs: number;
  inherited: boolean;
}

/**
 * The key's own expiry as set (an ISO text; null: none, the key is no longer watched). A new instant arms the watch
 * again, unless it was set already inside the warning window: a short-lived key, or an end its owner has just
 * chosen, is no news to warn of (GitHub warns of a token's expiry a week ahead, not of a token made to last a day).
 * A roll's successor inherits its predecessor's expiry: nobody chose it then, so it is armed wherever it stands. A
 * rolled key's watch stays off. A text that is not a time is no expiry.
 */
export function plannedExpiry(state: DetectorState, keyId: string, key: KeyState, set: ExpirySet, t: AnomalyThresholds): void {
  const atMs = set.expiresAt === null ? NaN : Date.parse(set.expiresAt);
  const next = Number.isFinite(atMs) ? atMs : null;
  if (next === key.expiresAtMs) return;
  key.expiresAtMs = next;
  if (key.expiryWatch === 'rolled') return;
  const chosenInsideWindow = next !== null && !set.inherited && next - set.setAtMs <= windowMs(t);
  key.expiryWatch = chosenInsideWindow ? 'short' : 'armed';
  queueExpiry(state, keyId, key, t);
}

/** Queues the key's window to be opened as time passes, when its expiry is watched. */
function queueExpiry(state: DetectorState, keyId: string, key: KeyState, t: AnomalyThresholds): void {
  if (key.expiryWatch !== 'armed' || key.expiresAtMs === null) return;
  pushExpiry(state.expiries, { dueMs: key.expiresAtMs - windowMs(t), keyId, expiresAtMs: key.expiresAtMs });
}

/**
 * key_expiring as time passes: a key in use (it has served a use, and is not disabled) whose warning window the
 * detector's time has entered without a use of its own (a nightly or monthly job's key) is warned at the first event
 * of any key at or after the window's start, with the same id as at a use, so a use and the passing of time never
 * warn twice. The time is the events', as for every rule: a replay finds the same warnings. A key expired by then is
 * not warned.
 */
export function expiriesDue(state: DetectorState, t: AnomalyThresholds): AnomalyDetectedData[] {
  const nowMs = state.latestMs;
  if (nowMs === null) return [];
  const findings: AnomalyDetectedData[] = [];
  for (let due = popDueExpiry(state.expiries, nowMs); due !== undefined; due = popDueExpiry(state.expiries, nowMs)) {
    const key = state.keys.get(due.keyId);
    if (key === undefined || key.expiresAtMs !== due.expiresAtMs || key.expiryWatch !== 'armed') continue;
    if (key.lastUseMs === null || key.disabled || nowMs >= due.expiresAtMs) continue;
    key.expiryWatch = 'warned';
    findings.push(
      finding({
        rule: 'key_expiring',
        keyId: due.keyId,
        accountId: key.accountId,
        ip: null,
        evidence: {
          expiresAt: iso(due.expiresAtMs),
          secondsLeft: Math.floor((due.expiresAtMs - nowMs) / 1000),
          warningHours: t.expiryWarningHours,
          lastUsedAt: iso(key.lastUseMs),
        },
        windowStartMs: due.dueMs,
        windowEndMs: due.expiresAtMs,
        detectedAtMs: nowMs,
        idWindow: iso(due.expiresAtMs),
      }),
    );
  }
  return findings;
}

const windowMs = (t: AnomalyThresholds): number => t.expiryWarningHours * HOUR_MS;

/**
 * A key enabled again is in use again: its expiry is queued once more, so that a window opened while it was disabled
 * (its entry then dropped) warns at the next event.
 */
export function enabled(state: DetectorState, keyId: string, key: KeyState, t: AnomalyThresholds): void {
  key.disabled = false;
  queueExpiry(state, keyId, key, t);
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
 * judged already), each warned expiry is armed and queued again: the rebuild may have followed a version that had no
 * such rule, so the warning may never have been recorded. At the next event in the window (the key's use, or any
 * other's) the finding comes again with the same id, which the log refuses if it was recorded, and records if not.
 */
export function rearmExpiryWarnings(state: DetectorState, t: AnomalyThresholds): void {
  for (const [keyId, key] of state.keys) {
    if (key.expiryWatch !== 'warned') continue;
    key.expiryWatch = 'armed';
    queueExpiry(state, keyId, key, t);
  }
}
