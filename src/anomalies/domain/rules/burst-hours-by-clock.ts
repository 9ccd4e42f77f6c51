import type { AnomalyDetectedData } from '../anomaly.js';
import type { DetectorState } from '../detector-state.js';
import { BURST_HOUR_GRACE_MS, addressBurstHourDue, addressBurstHourPassed } from './address-burst-paging.js';
import { expiredKeyBurstHourDue, expiredKeyBurstHourPassed } from './expired-key-burst-paging.js';

/** Whether burstHoursPassed would close an hour of bursts (of addresses, of expired keys) at `nowMs`. */
export function burstHoursDue(state: DetectorState, nowMs: number): boolean {
  return addressBurstHourDue(state, nowMs) || expiredKeyBurstHourDue(state, nowMs, BURST_HOUR_GRACE_MS);
}

/**
 * The summaries of the hours of bursts the clock closes at `nowMs` (the log read to its end, no event after the hour),
 * in the order the next event would raise them: the addresses' first, then each account's expired keys'.
 */
export function burstHoursPassed(state: DetectorState, nowMs: number): AnomalyDetectedData[] {
  const addresses = addressBurstHourPassed(state, nowMs);
  const expired = expiredKeyBurstHourPassed(state, nowMs, BURST_HOUR_GRACE_MS);
  return addresses === null ? expired : [addresses, ...expired];
}
