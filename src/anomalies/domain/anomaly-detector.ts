import { type KeyCreated, type KeyDisabled, type KeyEnabled, type KeyLeakReported, type KeyRevoked, type KeyRolled, type KeyUpdated, OCCURRED_AT_FIELD } from '../../keys/domain/api-key-events.js';
import type { AuthenticationFailed } from '../../usage/domain/authentication-failed.js';
import type { KeyUsed, KeyUsedData } from '../../usage/domain/key-used.js';
import type { AnomalyDetectedData } from './anomaly.js';
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from './anomaly-thresholds.js';
import { type DetectorState, type KeyState, NO_ADDRESSES, initialDetectorState, newKeyState } from './detector-state.js';
import { canonicalAddress, failureGuardSubject, networkOf } from '../../shared/domain/client-address.js';
import { addressBurstHourClosed, addressBurstHourDue, addressBurstHourPassed, pagedAddressBurst } from './rules/address-burst-paging.js';
import { dormantKey } from './rules/dormant-key.js';
import { burstHoursDue, burstHoursPassed } from './rules/burst-hours-by-clock.js';
import { expiredKeyBurstHourClosed, pagedExpiredKeyBurst } from './rules/expired-key-burst-paging.js';
import { failedAuthBurstFromAddress, failedAuthBurstOfKey } from './rules/failed-auth-burst.js';
import { expiryDue } from './expiry-queue.js';
import { enabled, expiriesDue, keyExpiring, plannedExpiry, rearmExpiryWarnings, rolled } from './rules/key-expiring.js';
import { HOUR_MS, type KeyRule, type KeyUse } from './rules/key-use.js';
import { manyAddresses } from './rules/many-addresses.js';
import { newNetwork } from './rules/new-network.js';
import { rateSpike } from './rules/rate-spike.js';
import { keyLeaked } from './rules/key-leaked.js';
import { revokedKeyUsed } from './rules/revoked-key-used.js';
import { forgetPastBursts, keyUsedAfterBurst, rememberAddressBurst } from './rules/key-used-after-burst.js';

export { addressBurstHourDue, addressBurstHourPassed, burstHoursDue, burstHoursPassed, initialDetectorState, rearmExpiryWarnings };
export type { DetectorState };

/** The events the detector reads, as recorded (only type and data matter). */
export type DetectorInput =
  | Pick<KeyUsed, 'type' | 'data'>
  | Pick<AuthenticationFailed, 'type' | 'data'>
  | Pick<KeyCreated, 'type' | 'data'>
  | Pick<KeyRevoked, 'type' | 'data'>
  | Pick<KeyUpdated, 'type' | 'data'>
  | Pick<KeyRolled, 'type' | 'data'>
  | Pick<KeyDisabled, 'type' | 'data'>
  | Pick<KeyEnabled, 'type' | 'data'>
  | Pick<KeyLeakReported, 'type' | 'data'>;

/** Applied in this order to every served use; first use, last use and the use count are updated only after all of them. */
const KEY_USE_RULES: readonly KeyRule[] = [dormantKey, newNetwork, rateSpike, manyAddresses, keyExpiring];

/**
 * Folds one event into the state, in place, and returns what it revealed. Deterministic: time comes only from
 * the event, and the same sequence from equal states leaves equal states and gives the same findings.
 * An event whose time is not an ISO timestamp with a zone is skipped, since parsing it would depend on the host.
 */
export function detect(
  state: DetectorState,
  event: DetectorInput,
  thresholds: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS,
): AnomalyDetectedData[] {
  const atMs = timeOf(event);
  if (atMs === null) return [];
  advanceTime(state, atMs, thresholds);
  const summaries = state.latestMs === null ? [] : hoursClosed(state, state.latestMs);
  const judged = judge(state, event, atMs, thresholds);
  const findings = summaries.length === 0 ? judged : [...summaries, ...judged];
  // After the event: a PATCH it carries may have moved an expiry whose window its time opens.
  return state.latestMs !== null && expiryDue(state.expiries, state.latestMs) ? findings.concat(expiriesDue(state, thresholds)) : findings;
}

/** The summaries of the hours of bursts (of addresses, then of each account's expired keys) that event time has left. */
function hoursClosed(state: DetectorState, latestMs: number): AnomalyDetectedData[] {
  const addresses = addressBurstHourClosed(state, latestMs);
  const expired = state.expiredKeyBurstHour === null ? [] : expiredKeyBurstHourClosed(state, latestMs);
  return addresses === null ? expired : [addresses, ...expired];
}

function judge(state: DetectorState, event: DetectorInput, atMs: number, thresholds: AnomalyThresholds): AnomalyDetectedData[] {
  switch (event.type) {
    case 'KeyUsed':
      return onKeyUsed(state, event.data, atMs, thresholds);
    case 'AuthenticationFailed':
      return onAuthenticationFailed(state, event.data, atMs, thresholds);
    case 'KeyCreated': {
      const key = keyState(state, event.data.keyId, event.data.accountId);
      key.accountId = event.data.accountId;
      key.createdAtMs = atMs;
      // Version 1 events (before keys could expire) have no expiresAt.
      const inherited = (event.data.rolledFromKeyId ?? null) !== null;
      plannedExpiry(state, event.data.keyId, key, { expiresAt: event.data.expiresAt ?? null, setAtMs: atMs, inherited }, thresholds);
      return [];
    }
    case 'KeyUpdated': {
      const { expiresAt } = event.data.changes;
      // Only a change of the expiry concerns the detector; a key it has no state for gets none for a rename.
      if (expiresAt === undefined) return [];
      const key = keyState(state, event.data.keyId, event.data.accountId);
      plannedExpiry(state, event.data.keyId, key, { expiresAt, setAtMs: atMs, inherited: false }, thresholds);
      return [];
    }
    case 'KeyRolled':
      rolled(keyState(state, event.data.keyId, event.data.accountId));
      return [];
    case 'KeyDisabled':
      keyState(state, event.data.keyId, event.data.accountId).disabled = true;
      return [];
    case 'KeyEnabled':
      enabled(state, event.data.keyId, keyState(state, event.data.keyId, event.data.accountId), thresholds);
      return [];
    case 'KeyRevoked': {
      const key = state.keys.get(event.data.keyId) ?? newKeyState(event.data.accountId);
      state.keys.set(event.data.keyId, revoked(key, atMs));
      return [];
    }
    // Stateless: the report is the finding (the action it took follows as its own event).
    case 'KeyLeakReported':
      return [keyLeaked(event.data, atMs)];
  }
}

/** The key's state, added to the detector's memory when it has none yet. */
function keyState(state: DetectorState, keyId: string, accountId: string | null): KeyState {
  let key = state.keys.get(keyId);
  if (key === undefined) state.keys.set(keyId, (key = newKeyState(accountId)));
  return key;
}

const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The event's own time, the only clock the detector reads. Null for an event of any other type: it is not the
 * detector's and leaves its notion of now where it was.
 */
export function timeOf(event: DetectorInput): number | null {
  const text = timeTextOf(event);
  if (typeof text !== 'string' || !ZONED_ISO.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** A use's and a refusal's time; a lifecycle event's is the field its history orders by (OCCURRED_AT_FIELD). */
function timeTextOf(event: DetectorInput): unknown {
  switch (event.type) {
    case 'KeyUsed':
      return event.data.usedAt;
    case 'AuthenticationFailed':
      return event.data.failedAt;
    default: {
      const field: string | undefined = OCCURRED_AT_FIELD[event.type];
      return field === undefined ? null : (event.data as Record<string, unknown>)[field];
    }
  }
}

const addressOf = (ip: string | null): string | null => (ip ? canonicalAddress(ip) : null);

function onKeyUsed(state: DetectorState, data: KeyUsedData, atMs: number, t: AnomalyThresholds): AnomalyDetectedData[] {
  const use: KeyUse = {
    keyId: data.keyId,
    accountId: data.accountId,
    requestId: data.requestId,
    atMs,
    address: addressOf(data.ip),
  };
  // Any outcome: a use refused for its policies still presented the key's right secret. No network parsed for a use
  // while no network has burst (the common case: the per-use cost is benchmarked).
  const wide = use.address === null || state.burstNetworks.size === 0 ? null : networkOf(use.address);
  const afterBurst = wide === null ? null : keyUsedAfterBurst(state, use, wide, data.outcome);
  const findings: AnomalyDetectedData[] = afterBurst === null ? [] : [afterBurst];
  // A use refused for the key's policies was not served: the key's traffic rules judge and learn from served uses
  // only (a prober would otherwise teach new_network its network, or wake a dormant key). Its AuthenticationFailed
  // is what the detector sees of it (failed_auth_burst).
  if (data.outcome === 'refused') return findings;
  const key = keyState(state, data.keyId, data.accountId);
  for (const rule of KEY_USE_RULES) {
    const found = rule(key, use, t);
    if (found !== null) findings.push(found);
  }
  key.accountId = data.accountId;
  key.firstUseMs = key.firstUseMs === null ? atMs : Math.min(key.firstUseMs, atMs);
  key.lastUseMs = key.lastUseMs === null ? atMs : Math.max(key.lastUseMs, atMs);
  key.uses += 1;
  return findings;
}

function onAuthenticationFailed(
  state: DetectorState,
  data: AuthenticationFailed['data'],
  atMs: number,
  t: AnomalyThresholds,
): AnomalyDetectedData[] {
  const address = addressOf(data.ip);
  const findings: AnomalyDetectedData[] = [];
  if (data.keyId !== null) {
    // A recognised key: its refused uses are its owner's to see, counted on the key, not on the address.
    const failure = { ...data, keyId: data.keyId };
    const key = keyState(state, data.keyId, data.accountId);
    const revokedUse = revokedKeyUsed(key, failure, atMs, address);
    if (revokedUse !== null) findings.push(revokedUse);
    // A revoked key's uses have their own alert (revoked_key_used, hourly): a burst of them would say it twice.
    const burst = failure.reason === 'revoked' ? null : failedAuthBurstOfKey(key, failure, address, atMs, t);
    // An expired key's bursts are grouped by account and bounded an hour (expired-key-burst-paging); no other reason's.
    if (burst !== null && (failure.reason !== 'expired' || pagedExpiredKeyBurst(state, burst.accountId, failure.keyId, atMs, t))) findings.push(burst);
  } else if (address !== null) {
    // Counted as the failed-auth guard counts it: an IPv6 client by its /64, any of whose addresses it may use.
    const subject = failureGuardSubject(address);
    let ip = state.ips.get(subject);
    if (ip === undefined) state.ips.set(subject, (ip = { times: [], quietUntilMs: null }));
    // One holder of a wide network has many subjects: grouped by it, and bounded an hour (address-burst-paging).
    const wide = networkOf(address) ?? subject;
    const found = failedAuthBurstFromAddress(ip, address, subject, wide, atMs, data.requestId, t);
    if (found !== null) rememberAddressBurst(state, wide, atMs);
    const paged = found === null ? null : pagedAddressBurst(state, wide, atMs, t);
    if (found !== null && paged !== null) findings.push({ ...found, evidence: { ...found.evidence, ...paged } });
  }
  return findings;
}

/**
 * A revoked key cannot be used again: its usage pattern is dropped so the state keeps only what rules still read
 * (its expiry too: a revoked key is not watched for key_expiring).
 */
function revoked(key: KeyState, atMs: number): KeyState {
  return {
    ...newKeyState(key.accountId),
    createdAtMs: key.createdAtMs,
    lastUseMs: key.lastUseMs,
    revokedAtMs: atMs,
    revokedAlertHour: key.revokedAlertHour,
    failures: key.failures,
  };
}

/** Moves the detector's notion of now forward and, once per burst window, forgets addresses idle for a window. */
function advanceTime(state: DetectorState, atMs: number, t: AnomalyThresholds): void {
  const previousMs = state.latestMs;
  const latestMs = previousMs === null ? atMs : Math.max(previousMs, atMs);
  state.latestMs = latestMs;
  if (previousMs !== null && Math.floor(latestMs / HOUR_MS) > Math.floor(previousMs / HOUR_MS)) {
    forgetIdleKeyAddresses(state, latestMs, t);
    forgetPastBursts(state, latestMs);
  }
  const windowMs = t.failedAuthBurstWindowSeconds * 1000;
  if (state.ipsSweptAtMs !== null && latestMs - state.ipsSweptAtMs < windowMs) return;
  for (const [address, failures] of state.ips) {
    if ((failures.times.at(-1) ?? -Infinity) <= latestMs - windowMs) state.ips.delete(address);
  }
  state.ipsSweptAtMs = latestMs;
}

/** How late a use may be logged (docs/operations.md, Usage retention): one this late still finds what the rule would have. */
const LATE_USE_MS = HOUR_MS;

/**
 * Once an hour of event time: each key's addresses idle for many_addresses' window (and the hour a use may be late) are
 * forgotten, as the rule forgets them at the key's next use. A key never used again kept its last ones in every
 * snapshot for good (docs/personal-data.md); now for at most the window and two hours.
 */
function forgetIdleKeyAddresses(state: DetectorState, latestMs: number, t: AnomalyThresholds): void {
  const idleBeforeMs = latestMs - t.manyAddressesWindowSeconds * 1000 - LATE_USE_MS;
  for (const key of state.keys.values()) {
    if (key.addresses.size === 0) continue;
    for (const [address, seenMs] of key.addresses) if (seenMs <= idleBeforeMs) key.addresses.delete(address);
    if (key.addresses.size === 0) key.addresses = NO_ADDRESSES;
  }
}
