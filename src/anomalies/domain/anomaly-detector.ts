import type { KeyCreated, KeyRevoked } from '../../keys/domain/api-key-events.js';
import type { AuthenticationFailed } from '../../usage/domain/authentication-failed.js';
import type { KeyUsed, KeyUsedData } from '../../usage/domain/key-used.js';
import type { AnomalyDetectedData } from './anomaly.js';
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from './anomaly-thresholds.js';
import { type DetectorState, type KeyState, initialDetectorState, newKeyState } from './detector-state.js';
import { canonicalAddress } from './ip-network.js';
import { entries, get, remove, set } from './persistent-map.js';
import { dormantKey } from './rules/dormant-key.js';
import { failedAuthBurst } from './rules/failed-auth-burst.js';
import type { KeyRuleResult, KeyUse } from './rules/key-use.js';
import { manyAddresses } from './rules/many-addresses.js';
import { newNetwork } from './rules/new-network.js';
import { rateSpike } from './rules/rate-spike.js';
import { revokedKeyUsed } from './rules/revoked-key-used.js';

export { initialDetectorState };
export type { DetectorState };

/** The events the detector reads, as recorded (only type and data matter). */
export type DetectorInput =
  | Pick<KeyUsed, 'type' | 'data'>
  | Pick<AuthenticationFailed, 'type' | 'data'>
  | Pick<KeyCreated, 'type' | 'data'>
  | Pick<KeyRevoked, 'type' | 'data'>;

export interface DetectorResult {
  state: DetectorState;
  findings: AnomalyDetectedData[];
}

/** Applied in this order to every use; first use, last use and the use count are updated only after all of them. */
const KEY_USE_RULES: readonly ((key: KeyState, use: KeyUse, t: AnomalyThresholds) => KeyRuleResult)[] = [
  dormantKey,
  newNetwork,
  rateSpike,
  manyAddresses,
];

/**
 * Folds one event into the state and returns what it revealed. Pure: the input state is never changed,
 * time comes only from the event, and the same sequence from the same state gives the same findings.
 * An event whose time is not an ISO timestamp with a zone is skipped, since parsing it would depend on the host.
 */
export function detect(
  state: DetectorState,
  event: DetectorInput,
  thresholds: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS,
): DetectorResult {
  const atMs = timeOf(event);
  if (atMs === null) return { state, findings: [] };
  const current = advanceTime(state, atMs, thresholds);
  switch (event.type) {
    case 'KeyUsed':
      return onKeyUsed(current, event.data, atMs, thresholds);
    case 'AuthenticationFailed':
      return onAuthenticationFailed(current, event.data, atMs, thresholds);
    case 'KeyCreated': {
      const key = get(current.keys, event.data.keyId) ?? newKeyState(event.data.accountId);
      const created: KeyState = { ...key, accountId: event.data.accountId, createdAtMs: atMs };
      return { state: { ...current, keys: set(current.keys, event.data.keyId, created) }, findings: [] };
    }
    case 'KeyRevoked': {
      const key = get(current.keys, event.data.keyId) ?? newKeyState(event.data.accountId);
      return { state: { ...current, keys: set(current.keys, event.data.keyId, revoked(key, atMs)) }, findings: [] };
    }
    default:
      return { state, findings: [] };
  }
}

const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function timeOf(event: DetectorInput): number | null {
  const text =
    event.type === 'KeyUsed'
      ? event.data.usedAt
      : event.type === 'AuthenticationFailed'
        ? event.data.failedAt
        : event.type === 'KeyCreated'
          ? event.data.createdAt
          : event.data.revokedAt;
  if (typeof text !== 'string' || !ZONED_ISO.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

const addressOf = (ip: string | null): string | null => (ip ? canonicalAddress(ip) : null);

function onKeyUsed(state: DetectorState, data: KeyUsedData, atMs: number, t: AnomalyThresholds): DetectorResult {
  const use: KeyUse = {
    keyId: data.keyId,
    accountId: data.accountId,
    requestId: data.requestId,
    atMs,
    address: addressOf(data.ip),
  };
  let key = get(state.keys, data.keyId) ?? newKeyState(data.accountId);
  const findings: AnomalyDetectedData[] = [];
  for (const rule of KEY_USE_RULES) {
    const result = rule(key, use, t);
    key = result.key;
    if (result.finding !== null) findings.push(result.finding);
  }
  key = {
    ...key,
    accountId: data.accountId,
    firstUseMs: key.firstUseMs === null ? atMs : Math.min(key.firstUseMs, atMs),
    lastUseMs: key.lastUseMs === null ? atMs : Math.max(key.lastUseMs, atMs),
    uses: key.uses + 1,
  };
  return { state: { ...state, keys: set(state.keys, data.keyId, key) }, findings };
}

function onAuthenticationFailed(
  state: DetectorState,
  data: AuthenticationFailed['data'],
  atMs: number,
  t: AnomalyThresholds,
): DetectorResult {
  const address = addressOf(data.ip);
  const findings: AnomalyDetectedData[] = [];
  let { keys, ips } = state;
  if (data.reason === 'revoked' && data.keyId !== null) {
    const key = get(keys, data.keyId) ?? newKeyState(data.accountId);
    const result = revokedKeyUsed(key, { ...data, keyId: data.keyId }, atMs, address);
    if (result.finding !== null) {
      keys = set(keys, data.keyId, result.key);
      findings.push(result.finding);
    }
  }
  if (address !== null) {
    const result = failedAuthBurst(get(ips, address), address, atMs, data.requestId, t);
    ips = set(ips, address, result.ip);
    if (result.finding !== null) findings.push(result.finding);
  }
  return { state: { ...state, keys, ips }, findings };
}

/** A revoked key cannot be used again: its usage pattern is dropped so the state keeps only what rules still read. */
function revoked(key: KeyState, atMs: number): KeyState {
  return {
    ...newKeyState(key.accountId),
    createdAtMs: key.createdAtMs,
    lastUseMs: key.lastUseMs,
    revokedAtMs: atMs,
    revokedAlertHour: key.revokedAlertHour,
  };
}

/** Moves the detector's notion of now forward and, once per burst window, forgets addresses idle for a window. */
function advanceTime(state: DetectorState, atMs: number, t: AnomalyThresholds): DetectorState {
  const latestMs = state.latestMs === null ? atMs : Math.max(state.latestMs, atMs);
  const windowMs = t.failedAuthBurstWindowSeconds * 1000;
  if (state.ipsSweptAtMs !== null && latestMs - state.ipsSweptAtMs < windowMs) {
    return latestMs === state.latestMs ? state : { ...state, latestMs };
  }
  let ips = state.ips;
  for (const [address, failures] of entries(state.ips)) {
    if ((failures.times.at(-1) ?? -Infinity) <= latestMs - windowMs) ips = remove(ips, address);
  }
  return { ...state, ips, latestMs, ipsSweptAtMs: latestMs };
}
