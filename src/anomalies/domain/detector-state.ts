import { type PersistentMap, emptyMap, entries } from './persistent-map.js';

/** One UTC minute of a key's uses; `alerted` keeps a spike minute to one finding. */
export interface MinuteBucket {
  readonly count: number;
  readonly alerted: boolean;
}

/** What the detector remembers of one key. Times are epoch milliseconds taken from the events. */
export interface KeyState {
  readonly accountId: string | null;
  readonly createdAtMs: number | null;
  readonly revokedAtMs: number | null;
  readonly firstUseMs: number | null;
  readonly lastUseMs: number | null;
  /** Uses counted towards an established pattern. */
  readonly uses: number;
  /** Minute index (epoch minutes) → bucket, for the spike baseline only: at most spikeBaselineMinutes + 2 entries. */
  readonly minutes: ReadonlyMap<number, MinuteBucket>;
  /** Canonical address → last time seen, only the most recent manyAddressesCount addresses inside the window. */
  readonly addresses: ReadonlyMap<string, number>;
  /** No many_addresses finding before this time: one finding per window. */
  readonly addressesQuietUntilMs: number | null;
  /** Networks the key was used from, at most maxKnownNetworks. */
  readonly networks: ReadonlySet<string>;
  /** Epoch hour of the last revoked_key_used finding. */
  readonly revokedAlertHour: number | null;
}

/** Failed authentications from one client address: the most recent failedAuthBurstCount times inside the window. */
export interface IpFailures {
  readonly times: readonly number[];
  readonly quietUntilMs: number | null;
}

export interface DetectorState {
  readonly keys: PersistentMap<KeyState>;
  readonly ips: PersistentMap<IpFailures>;
  /** Latest event time seen; addresses idle for a whole burst window are swept as it advances. */
  readonly latestMs: number | null;
  readonly ipsSweptAtMs: number | null;
}

export function initialDetectorState(): DetectorState {
  return { keys: emptyMap(), ips: emptyMap(), latestMs: null, ipsSweptAtMs: null };
}

export function newKeyState(accountId: string | null): KeyState {
  return {
    accountId,
    createdAtMs: null,
    revokedAtMs: null,
    firstUseMs: null,
    lastUseMs: null,
    uses: 0,
    minutes: new Map(),
    addresses: new Map(),
    addressesQuietUntilMs: null,
    networks: new Set(),
    revokedAlertHour: null,
  };
}

/** How much the state holds, for tests and for logging its footprint. */
export interface DetectorStateSize {
  keys: number;
  ips: number;
  maxMinuteBucketsPerKey: number;
  maxAddressesPerKey: number;
  maxNetworksPerKey: number;
  maxFailureTimesPerIp: number;
  totalEntries: number;
}

export function detectorStateSize(state: DetectorState): DetectorStateSize {
  const size: DetectorStateSize = {
    keys: state.keys.size,
    ips: state.ips.size,
    maxMinuteBucketsPerKey: 0,
    maxAddressesPerKey: 0,
    maxNetworksPerKey: 0,
    maxFailureTimesPerIp: 0,
    totalEntries: 0,
  };
  for (const [, key] of entries(state.keys)) {
    size.maxMinuteBucketsPerKey = Math.max(size.maxMinuteBucketsPerKey, key.minutes.size);
    size.maxAddressesPerKey = Math.max(size.maxAddressesPerKey, key.addresses.size);
    size.maxNetworksPerKey = Math.max(size.maxNetworksPerKey, key.networks.size);
    size.totalEntries += 1 + key.minutes.size + key.addresses.size + key.networks.size;
  }
  for (const [, ip] of entries(state.ips)) {
    size.maxFailureTimesPerIp = Math.max(size.maxFailureTimesPerIp, ip.times.length);
    size.totalEntries += 1 + ip.times.length;
  }
  return size;
}
