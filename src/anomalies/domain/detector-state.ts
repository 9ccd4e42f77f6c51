import type { ExpiryQueue } from './expiry-queue.js';
import { type MinuteCounts, minutesHeld } from './minute-counts.js';

/*
 * The detector's memory is changed in place, one event at a time. A copy per use (of the key's record, its minute
 * and address maps, and the path to it in a persistent map) left ~1.4 KB a use alive past the young generation:
 * measured on 200,000 uses over 10,000 keys, 3.6 KB allocated a use and 4.8 µs of garbage collection, and in the
 * service a fifth of a verify's CPU went to collecting the projection thread's heap.
 */

/**
 * key_expiring's watch on a key's own expiry: `armed` until a served use inside the warning window of that expiry is
 * alerted, then `warned` (a new expiry arms it again); `short` for an expiry set already inside the window (a
 * short-lived key: nothing to warn of); `rolled` for a key that was rolled, whose end is the roll's grace end and
 * never watched again.
 */
export type ExpiryWatch = 'armed' | 'warned' | 'short' | 'rolled';

/** What the detector remembers of one key. Times are epoch milliseconds taken from the events. */
export interface KeyState {
  accountId: string | null;
  createdAtMs: number | null;
  revokedAtMs: number | null;
  firstUseMs: number | null;
  lastUseMs: number | null;
  /** Uses counted towards an established pattern. */
  uses: number;
  /**
   * Uses by minute (epoch minutes), for the spike baseline only: at most spikeBaselineMinutes + 2 minutes.
   * NO_MINUTES before the first use (KEY_COLLECTIONS_WHY); write through ownMinutes.
   */
  minutes: MinuteCounts;
  /**
   * Canonical address → last time seen, only the most recent manyAddressesCount addresses inside the window.
   * NO_ADDRESSES while there are none (KEY_COLLECTIONS_WHY); write through ownAddresses.
   */
  addresses: Map<string, number>;
  /** No many_addresses finding before this time: one finding per window. */
  addressesQuietUntilMs: number | null;
  /** Networks the key was used from, at most maxKnownNetworks. NO_NETWORKS before the first; add through ownNetworks. */
  networks: Set<string>;
  /** Epoch hour of the last revoked_key_used finding. */
  revokedAlertHour: number | null;
  /**
   * Refused uses of this key, by reason (failed_auth_burst of a recognised key); reasons idle a window are dropped.
   * NO_FAILURES before the first; write through ownFailures.
   */
  failures: Map<string, FailureBurst>;
  /** key_expiring: the key's own planned expiry (expires_at, at creation or by PATCH); null for none, or revoked. */
  expiresAtMs: number | null;
  expiryWatch: ExpiryWatch;
  /** Disabled by its owner: its uses are refused, so key_expiring does not warn of it as time passes. */
  disabled: boolean;
}

/**
 * Failed authentications of one subject (a client address, or a recognised key and reason): the most recent
 * failedAuthBurstCount times inside the window.
 */
export interface FailureBurst {
  /** Sorted, oldest first. */
  readonly times: number[];
  /** No failed_auth_burst finding for this subject before this time: one finding per window. */
  quietUntilMs: number | null;
}

/** failed_auth_burst of addresses in one UTC hour of event time (rules/address-burst-paging.ts). */
export interface AddressBurstHour {
  /** Epoch hour. */
  hour: number;
  /** Bursts alerted on their own this hour: failedAuthBurstAlertsPerHour, and the few far louder ones past it. */
  alerts: number;
  /** The most bursts of a network alerted this hour: past the cap, a network is alerted at LOUDER_FACTOR times it. */
  loudestAlerted: number;
  /** Wide network (IPv4 /24, IPv6 /48) → its completed bursts this hour, and whether one of them was alerted. */
  readonly networks: Map<string, { bursts: number; alerted: boolean }>;
}

/**
 * failed_auth_burst of keys refused as expired in one UTC hour of event time, by account
 * (rules/expired-key-burst-paging.ts).
 */
export interface ExpiredKeyBurstHour {
  /** Epoch hour. */
  hour: number;
  /** Account id ('' for a key of no known account) → its expired keys' bursts this hour. */
  readonly accounts: Map<string, AccountExpiredKeyBursts>;
}

export interface AccountExpiredKeyBursts {
  /** Keys alerted on their own this hour: at most failedAuthBurstAlertsPerHour. */
  alerts: number;
  /** Key id → its completed bursts this hour, and whether one of them was alerted. */
  readonly keys: Map<string, { bursts: number; alerted: boolean }>;
}

/** A wide network's address bursts within AFTER_BURST_MS of each other (rules/key-used-after-burst.ts). */
export interface BurstNetwork {
  firstMs: number;
  lastMs: number;
  bursts: number;
}

export interface DetectorState {
  readonly keys: Map<string, KeyState>;
  /** Failures that named no recognised key, by client address as the failed-auth guard counts it (IPv6 by its /64). */
  readonly ips: Map<string, FailureBurst>;
  /** Latest event time seen; addresses idle for a whole burst window are swept as it advances. */
  latestMs: number | null;
  ipsSweptAtMs: number | null;
  /** The hour of address bursts still open, or null before the first of a new hour. */
  burstHour: AddressBurstHour | null;
  /** The hour of expired keys' bursts still open, or null before the first of a new hour. */
  expiredKeyBurstHour: ExpiredKeyBurstHour | null;
  /** key_expiring: the watched expiries by the start of their warning window. */
  readonly expiries: ExpiryQueue;
  /** Wide networks with an address burst in the last hour, in order of their last burst: at most MAX_BURST_NETWORKS. */
  readonly burstNetworks: Map<string, BurstNetwork>;
  /** key_used_after_burst: the keys alerted in the latest UTC hour that alerted one. */
  keysAlertedAfterBurst: { hour: number; keys: Set<string> } | null;
}

export function initialDetectorState(): DetectorState {
  return {
    keys: new Map(),
    ips: new Map(),
    latestMs: null,
    ipsSweptAtMs: null,
    burstHour: null,
    expiredKeyBurstHour: null,
    expiries: [],
    burstNetworks: new Map(),
    keysAlertedAfterBurst: null,
  };
}

export function newKeyState(accountId: string | null): KeyState {
  return {
    accountId,
    createdAtMs: null,
    revokedAtMs: null,
    firstUseMs: null,
    lastUseMs: null,
    uses: 0,
    minutes: NO_MINUTES,
    addresses: NO_ADDRESSES,
    addressesQuietUntilMs: null,
    networks: NO_NETWORKS,
    revokedAlertHour: null,
    failures: NO_FAILURES,
    expiresAtMs: null,
    expiryWatch: 'armed',
    disabled: false,
  };
}

/*
 * KEY_COLLECTIONS_WHY: most keys of a large log are never used, or never refused, and three empty collections a key
 * held ~520 B of its ~0.8 KB (Map 184 B, Set 152 B, Map 184 B); a 100,000-key log's state went 103 → 64.6 MB (its
 * empty minutes array, 32 B, is shared the same way since snapshot version 8). Each key
 * shares one empty value of each until its first write gives it its own (and a sweep that empties its addresses gives
 * the shared one back). The shared values refuse writes, so a write that skipped own*() fails rather than reaching
 * every key; they are still Maps and a Set, so what reads a key's collections reads them as before.
 */

/**
 * An empty Map or Set whose one writing method throws. A plain Map or Set still (its own property, not a subclass), so
 * that a copy of the state (structuredClone) equals it as before; frozen, so the method cannot be put back.
 */
function readOnlyEmpty<C extends Map<unknown, unknown> | Set<unknown>>(collection: C, write: 'set' | 'add', own: string): C {
  Object.defineProperty(collection, write, {
    value: () => {
      throw new TypeError(`a key's shared empty collection is read-only: write through ${own}`);
    },
  });
  return Object.freeze(collection);
}

/** A frozen empty array: its writes (push, splice) throw in a module's strict mode. */
export const NO_MINUTES: MinuteCounts = Object.freeze([]) as unknown as MinuteCounts;
export const NO_ADDRESSES = readOnlyEmpty(new Map<string, number>(), 'set', 'ownAddresses');
export const NO_NETWORKS = readOnlyEmpty(new Set<string>(), 'add', 'ownNetworks');
export const NO_FAILURES = readOnlyEmpty(new Map<string, FailureBurst>(), 'set', 'ownFailures');

/** The key's own minutes, made at the first use. */
export function ownMinutes(key: KeyState): MinuteCounts {
  if (key.minutes === NO_MINUTES) key.minutes = [];
  return key.minutes;
}

/** The key's own addresses, made at the first write. */
export function ownAddresses(key: KeyState): Map<string, number> {
  if (key.addresses === NO_ADDRESSES) key.addresses = new Map();
  return key.addresses;
}

/** The key's own networks, made at the first write. */
export function ownNetworks(key: KeyState): Set<string> {
  if (key.networks === NO_NETWORKS) key.networks = new Set();
  return key.networks;
}

/** The key's own failures, made at the first write. */
export function ownFailures(key: KeyState): Map<string, FailureBurst> {
  if (key.failures === NO_FAILURES) key.failures = new Map();
  return key.failures;
}

/** How much the state holds, for tests and for logging its footprint. */
export interface DetectorStateSize {
  keys: number;
  ips: number;
  maxMinuteBucketsPerKey: number;
  maxAddressesPerKey: number;
  maxNetworksPerKey: number;
  maxFailureTimesPerIp: number;
  maxFailureTimesPerKey: number;
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
    maxFailureTimesPerKey: 0,
    totalEntries: 0,
  };
  for (const key of state.keys.values()) {
    size.maxMinuteBucketsPerKey = Math.max(size.maxMinuteBucketsPerKey, minutesHeld(key.minutes));
    size.maxAddressesPerKey = Math.max(size.maxAddressesPerKey, key.addresses.size);
    size.maxNetworksPerKey = Math.max(size.maxNetworksPerKey, key.networks.size);
    size.totalEntries += 1 + minutesHeld(key.minutes) + key.addresses.size + key.networks.size;
    let failureTimes = 0;
    for (const burst of key.failures.values()) failureTimes += burst.times.length;
    size.maxFailureTimesPerKey = Math.max(size.maxFailureTimesPerKey, failureTimes);
    size.totalEntries += key.failures.size + failureTimes;
  }
  for (const account of state.expiredKeyBurstHour?.accounts.values() ?? []) size.totalEntries += 1 + account.keys.size;
  size.totalEntries += (state.burstHour?.networks.size ?? 0) + state.burstNetworks.size + (state.keysAlertedAfterBurst?.keys.size ?? 0);
  for (const ip of state.ips.values()) {
    size.maxFailureTimesPerIp = Math.max(size.maxFailureTimesPerIp, ip.times.length);
    size.totalEntries += 1 + ip.times.length;
  }
  return size;
}
