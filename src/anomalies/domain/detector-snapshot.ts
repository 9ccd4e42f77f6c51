import type { AnomalyThresholds } from './anomaly-thresholds.js';
import {
  type AddressBurstHour,
  type BurstNetwork,
  type DetectorState,
  type FailureBurst,
  type KeyState,
  NO_ADDRESSES,
  NO_FAILURES,
  NO_NETWORKS,
} from './detector-state.js';
import type { ExpiryQueue } from './expiry-queue.js';
import type { MinuteCounts } from './minute-counts.js';

/**
 * Bump when DetectorState changes shape or meaning: an older snapshot is then ignored and the log replayed, silently
 * up to its position. 3: each key's expiry (expiresAtMs, expiryWatch) for key_expiring, which a version-2 state
 * never held (it did not read KeyUpdated), so it cannot be restored with the expiry unknown. 4: a short-lived key's
 * watch is `short`, where version 3 armed it (and warned at its first use). 5: the queue of watched expiries
 * (`expiries`), which the first builds of version 4 (e8b11a6) did not save: restored without it, the detector failed
 * on every event; and whether a key is disabled. 6: the bursts of failures that named no key are kept by client as the
 * failed-auth guard counts it (an IPv6 one by its /64), where version 5 kept them by address (f7c39e0 changed that
 * under version 5: restored, the /64 found no burst, so the minute after an alert could raise another). 7: the hour of
 * address bursts (`burstHour`: which wide networks were alerted, how many), without which a restart in the hour could
 * page each network again; and a key's minutes as flat numbers (MinuteCounts) where version 6 held
 * `[minute, {count, alerted}]` entries: the same facts, so a version-6 snapshot is converted, not rebuilt (with no
 * hour of bursts: the grouping by network starts with the upgrade). 8: the wide networks that burst in the last hour
 * (`burstNetworks`) and the keys alerted for a use from one (`keysAlertedAfterBurst`), for key_used_after_burst; a
 * version-7 snapshot is converted with none (the rule watches the bursts from the upgrade on: a key used in the hour
 * after one the version-7 state saw is not reported); and the hour's `loudestAlerted` (address-burst-paging.ts), which a
 * version-7 hour is converted to from its alerted networks.
 */
export const SNAPSHOT_VERSION = 8;

/** Version 6's minute entry, in the order the key's uses added them. */
type MinuteEntryV6 = [number, { count: number; alerted: boolean }];

interface KeyStateJson extends Omit<KeyState, 'minutes' | 'addresses' | 'networks' | 'failures'> {
  minutes: MinuteCounts | MinuteEntryV6[];
  addresses: [string, number][];
  networks: string[];
  failures: [string, FailureBurst][];
}

interface SnapshotJson {
  version: number;
  thresholds: AnomalyThresholds;
  latestMs: number | null;
  ipsSweptAtMs: number | null;
  keys: [string, KeyStateJson][];
  ips: [string, FailureBurst][];
  burstHour?: (Omit<AddressBurstHour, 'networks' | 'loudestAlerted'> & { loudestAlerted?: number; networks: [string, { bursts: number; alerted: boolean }][] }) | null;
  expiries: ExpiryQueue;
  /** From version 8. */
  burstNetworks?: [string, BurstNetwork][];
  keysAlertedAfterBurst?: { hour: number; keys: string[] } | null;
}

/** The detector's whole memory as one JSON text, with the thresholds it was built under. */
export function serializeDetectorState(state: DetectorState, thresholds: AnomalyThresholds): string {
  const snapshot: SnapshotJson = {
    version: SNAPSHOT_VERSION,
    thresholds,
    latestMs: state.latestMs,
    ipsSweptAtMs: state.ipsSweptAtMs,
    keys: [...state.keys].map(([id, key]) => [
      id,
      {
        ...key,
        minutes: key.minutes,
        addresses: [...key.addresses],
        networks: [...key.networks],
        failures: [...key.failures],
      },
    ]),
    ips: [...state.ips],
    burstHour: state.burstHour && { ...state.burstHour, networks: [...state.burstHour.networks] },
    expiries: state.expiries,
    burstNetworks: [...state.burstNetworks],
    keysAlertedAfterBurst: state.keysAlertedAfterBurst && { hour: state.keysAlertedAfterBurst.hour, keys: [...state.keysAlertedAfterBurst.keys] },
  };
  return JSON.stringify(snapshot);
}

/**
 * The state a snapshot holds, or null when it cannot be used as is: not JSON, a version before 6 or after this one, or
 * other thresholds (windows and limits shape what the state keeps, so the log is replayed under the new ones).
 */
export function restoreDetectorState(text: string, thresholds: AnomalyThresholds): DetectorState | null {
  let snapshot: SnapshotJson;
  try {
    snapshot = JSON.parse(text) as SnapshotJson;
  } catch {
    return null;
  }
  const { version } = snapshot;
  // Version 6 knew no failedAuthBurstAlertsPerHour: it shapes only the hour of bursts, which a version-6 state lacks.
  const compared = version === 6 ? withoutHourCap(thresholds) : thresholds;
  if ((version !== SNAPSHOT_VERSION && version !== 7 && version !== 6) || !sameThresholds(snapshot.thresholds, compared)) return null;
  const keys = new Map<string, KeyState>();
  for (const [id, key] of snapshot.keys) {
    keys.set(id, {
      ...key,
      minutes: version === 6 ? minuteCountsOfV6(key.minutes as MinuteEntryV6[]) : (key.minutes as MinuteCounts),
      // None is the shared empty value, as the detector holds it (detector-state.ts, KEY_COLLECTIONS_WHY).
      addresses: key.addresses.length === 0 ? NO_ADDRESSES : new Map(key.addresses),
      networks: key.networks.length === 0 ? NO_NETWORKS : new Set(key.networks),
      failures: key.failures.length === 0 ? NO_FAILURES : new Map(key.failures),
    });
  }
  const ips = new Map<string, FailureBurst>(snapshot.ips);
  const burstHour = snapshot.burstHour ? { ...snapshot.burstHour, loudestAlerted: loudestAlerted(snapshot.burstHour), networks: new Map(snapshot.burstHour.networks) } : null;
  const alertedAfterBurst = snapshot.keysAlertedAfterBurst ?? null;
  return {
    keys,
    ips,
    latestMs: snapshot.latestMs,
    ipsSweptAtMs: snapshot.ipsSweptAtMs,
    burstHour,
    expiries: snapshot.expiries,
    // None before version 8.
    burstNetworks: new Map(snapshot.burstNetworks ?? []),
    keysAlertedAfterBurst: alertedAfterBurst && { hour: alertedAfterBurst.hour, keys: new Set(alertedAfterBurst.keys) },
  };
}

/** The hour's loudestAlerted, which version 7 did not save: the most bursts of a network it alerted. */
function loudestAlerted(hour: NonNullable<SnapshotJson['burstHour']>): number {
  if (typeof hour.loudestAlerted === 'number') return hour.loudestAlerted;
  return hour.networks.reduce((most, [, network]) => (network.alerted ? Math.max(most, network.bursts) : most), 0);
}

/** Version 6's entries as MinuteCounts: sorted by minute (a late use had added its minute last), alerted negated. */
function minuteCountsOfV6(entries: MinuteEntryV6[]): MinuteCounts {
  return [...entries].sort(([a], [b]) => a - b).flatMap(([minute, { count, alerted }]) => [minute, alerted ? -count : count]);
}

function withoutHourCap(thresholds: AnomalyThresholds): Partial<AnomalyThresholds> {
  const { failedAuthBurstAlertsPerHour: _cap, ...rest } = thresholds;
  return rest;
}

function sameThresholds(a: Partial<AnomalyThresholds>, b: Partial<AnomalyThresholds>): boolean {
  const names = Object.keys(b) as (keyof AnomalyThresholds)[];
  return Object.keys(a).length === names.length && names.every((name) => a[name] === b[name]);
}
