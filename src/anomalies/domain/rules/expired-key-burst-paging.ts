import type { AnomalyDetectedData } from '../anomaly.js';
import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { AccountExpiredKeyBursts, DetectorState, ExpiredKeyBurstHour } from '../detector-state.js';
import { finding, iso } from '../finding.js';
import { HOUR_MS } from './key-use.js';
import { mostBurstsFirst } from './most-bursts-first.js';

/**
 * The keys a summary names, most bursts first, of those not alerted on their own in the hour (an alerted key's alert
 * named it; its later bursts are in the counts): enough to find the batch by, small enough to read on a pager.
 */
const SUMMARY_KEYS = 10;

/**
 * Whether a completed burst of refusals of a key as `expired` (failedAuthBurstOfKey) is alerted on its own, counting
 * it into the UTC hour of event time either way. A batch job whose keys ended together and that goes on retrying them
 * made one alert, and one webhook, per key, again every minute: 300 keys retried 21 times, 300 alerts. An expired
 * key is a client left on a key whose planned end came (a misconfiguration: the key no longer opens anything), so its
 * bursts are grouped as Alertmanager groups by label, here by account: in each UTC hour the first burst of a key is
 * alerted, the key's later ones only counted, and at most failedAuthBurstAlertsPerHour keys of one account are
 * alerted in the hour; the rest are said in one summary of the account when the hour ends (expiredKeyBurstHourClosed).
 * Only `expired` is grouped: a refusal as revoked (revoked_key_used), disabled (a leak report's action, or its owner's),
 * from a forbidden address or without a permission is someone still holding a key that should not be used, and is
 * alerted per key as before, so no batch of expired keys can take its place. Only the key's holder can make an
 * `expired` refusal of it, so one account's expired keys cannot fill another's hour.
 */
export function pagedExpiredKeyBurst(state: DetectorState, accountId: string | null, keyId: string, atMs: number, t: AnomalyThresholds): boolean {
  const hour = currentHour(state, atMs);
  const name = accountId ?? '';
  let account = hour.accounts.get(name);
  if (account === undefined) hour.accounts.set(name, (account = { alerts: 0, keys: new Map() }));
  let key = account.keys.get(keyId);
  if (key === undefined) account.keys.set(keyId, (key = { bursts: 0, alerted: false }));
  key.bursts += 1;
  if (key.alerted || account.alerts >= t.failedAuthBurstAlertsPerHour) return false;
  key.alerted = true;
  account.alerts += 1;
  return true;
}

/**
 * The summaries of the hour that event time has just left, one for each account with a burst it did not alert, in
 * order of account id; the hour is forgotten either way. Raised, as the address bursts' summary is, by the first event
 * after the hour or by the clock (expiredKeyBurstHourPassed), with an id from the account and the hour and the hour's
 * end as the time it was detected: the same alerts whichever raised them, and a replay finds the same ones.
 */
export function expiredKeyBurstHourClosed(state: DetectorState, latestMs: number): AnomalyDetectedData[] {
  const hour = state.expiredKeyBurstHour;
  if (hour === null || Math.floor(latestMs / HOUR_MS) <= hour.hour) return [];
  state.expiredKeyBurstHour = null;
  const startMs = hour.hour * HOUR_MS;
  return [...hour.accounts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([accountId, account]) => {
      const summary = accountSummary(account);
      if (summary === null) return [];
      return [
        finding({
          rule: 'failed_auth_burst',
          keyId: null,
          accountId: accountId === '' ? null : accountId,
          ip: null,
          evidence: summary,
          windowStartMs: startMs,
          windowEndMs: startMs + HOUR_MS,
          detectedAtMs: startMs + HOUR_MS,
          idWindow: `expired|${accountId}|summary|${iso(startMs)}`,
        }),
      ];
    });
}

function accountSummary(account: AccountExpiredKeyBursts): Record<string, unknown> | null {
  let bursts = 0;
  for (const key of account.keys.values()) bursts += key.bursts;
  const unalerted = bursts - account.alerts;
  if (unalerted === 0) return null;
  const keys = [...account.keys]
    .filter(([, key]) => !key.alerted)
    .sort(mostBurstsFirst)
    .slice(0, SUMMARY_KEYS)
    .map(([keyId, { bursts: count }]) => ({ keyId, bursts: count }));
  return { summary: true, reason: 'expired', bursts, alerted: account.alerts, unalerted, keyCount: account.keys.size, keys };
}

/**
 * The summaries by the clock, as addressBurstHourPassed raises the address bursts' (same grace, same reasons): closed
 * BURST_HOUR_GRACE_MS after the hour's end, and the next hour opened in its place.
 */
export function expiredKeyBurstHourPassed(state: DetectorState, nowMs: number, graceMs: number): AnomalyDetectedData[] {
  const hour = state.expiredKeyBurstHour;
  if (hour === null || !expiredKeyBurstHourDue(state, nowMs, graceMs)) return [];
  const summaries = expiredKeyBurstHourClosed(state, (hour.hour + 1) * HOUR_MS);
  state.expiredKeyBurstHour = { hour: hour.hour + 1, accounts: new Map() };
  return summaries;
}

/** Whether expiredKeyBurstHourPassed would close the open hour at `nowMs`. */
export function expiredKeyBurstHourDue(state: DetectorState, nowMs: number, graceMs: number): boolean {
  const hour = state.expiredKeyBurstHour;
  return hour !== null && hour.accounts.size > 0 && nowMs >= (hour.hour + 1) * HOUR_MS + graceMs;
}

/** The hour a burst counts in: the latest event's, so a refusal logged late counts in the hour still open. */
function currentHour(state: DetectorState, atMs: number): ExpiredKeyBurstHour {
  if (state.expiredKeyBurstHour === null) {
    state.expiredKeyBurstHour = { hour: Math.floor(Math.max(atMs, state.latestMs ?? atMs) / HOUR_MS), accounts: new Map() };
  }
  return state.expiredKeyBurstHour;
}
