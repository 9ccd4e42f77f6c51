import type { AnomalyThresholds } from './anomaly-thresholds.js';
import {
  type AddressBurstHour,
  type BurstNetwork,
  type DetectorState,
  type ExpiredKeyBurstHour,
  type FailureBurst,
  type KeyState,
  NO_ADDRESSES,
  NO_FAILURES,
  NO_MINUTES,
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
 * hour of bursts: the grouping by network starts with the upgrade). 8: the state in parts (detectorSnapshotParts),
 * each a bounded JSON text, so that neither a save nor a restore holds the whole text (at 100,000 keys that text, ~1.8
 * times the state, ran a 160 MiB projection thread out of heap at stop); and, for key_used_after_burst, the wide
 * networks that burst in the last hour (`burstNetworks`) and the keys alerted for a use from one
 * (`keysAlertedAfterBurst`), and the hour's `loudestAlerted` (address-burst-paging.ts). A version-7 snapshot, one whole
 * text, is converted: no networks that burst nor keys alerted after one (the rule watches the bursts from the upgrade
 * on), the hour's loudestAlerted from its alerted networks. 9: the hour of expired keys' bursts by account
 * (`expiredKeyBurstHour`, rules/expired-key-burst-paging.ts: its hour in the header, a section `expiredKeyBursts` of
 * one entry a key), without which a restart in the hour could alert each account's first keys again. A version-8
 * snapshot (parts, no such section) is converted with none, as a version-7 or 6 one: the grouping starts with the upgrade.
 */
export const SNAPSHOT_VERSION = 9;

/**
 * The most characters a part holds (a part is longer only for one entry longer than this, which no key's bounded
 * record is): 1 Mi characters, at most 3 MiB of UTF-8, well inside a MongoDB document's 16 MB.
 */
export const SNAPSHOT_PART_CHARACTERS = 1024 * 1024;

/** Version 6's minute entry, in the order the key's uses added them. */
type MinuteEntryV6 = [number, { count: number; alerted: boolean }];

interface KeyStateJson extends Omit<KeyState, 'minutes' | 'addresses' | 'networks' | 'failures'> {
  minutes: MinuteCounts | MinuteEntryV6[];
  addresses: [string, number][];
  networks: string[];
  failures: [string, FailureBurst][];
}

type HourNetworkJson = [string, { bursts: number; alerted: boolean }];

/** Versions 6 and 7: the whole state in one text. */
interface WholeSnapshotJson {
  version: 6 | 7;
  thresholds: AnomalyThresholds;
  latestMs: number | null;
  ipsSweptAtMs: number | null;
  keys: [string, KeyStateJson][];
  ips: [string, FailureBurst][];
  burstHour?: (Omit<AddressBurstHour, 'networks' | 'loudestAlerted'> & { networks: HourNetworkJson[] }) | null;
  expiries: ExpiryQueue;
}

/**
 * The first part from version 8: what is not per entry, and how many entries each section holds (a part lost shows).
 * Version 8 had neither expiredKeyBurstHour nor the expiredKeyBursts section.
 */
interface HeaderJson {
  version: typeof SNAPSHOT_VERSION | 8;
  thresholds: AnomalyThresholds;
  latestMs: number | null;
  ipsSweptAtMs: number | null;
  burstHour: Omit<AddressBurstHour, 'networks'> | null;
  /** The hour of keysAlertedAfterBurst; its keys are a section. */
  keysAlertedAfterBurst: { hour: number } | null;
  /** The hour of expiredKeyBurstHour; its keys are a section. From version 9. */
  expiredKeyBurstHour?: { hour: number } | null;
  counts: Partial<Record<Section, number>>;
}

interface SectionEntries {
  keys: [string, KeyStateJson];
  ips: [string, FailureBurst];
  expiries: ExpiryQueue[number];
  /** burstHour's networks. */
  hourNetworks: HourNetworkJson;
  burstNetworks: [string, BurstNetwork];
  keysAlertedAfterBurst: string;
  /** expiredKeyBurstHour's keys: account ('' for none), key, its bursts this hour. An account's alerts are its keys alerted. */
  expiredKeyBursts: [string, string, { bursts: number; alerted: boolean }];
}
type Section = keyof SectionEntries;
const SECTIONS: readonly Section[] = ['keys', 'ips', 'expiries', 'hourNetworks', 'burstNetworks', 'keysAlertedAfterBurst', 'expiredKeyBursts'];

/** The parts of a snapshot, as a store hands them back: read one at a time. */
export type SnapshotPartsSource = Iterable<string> | AsyncIterable<string>;

/**
 * The detector's whole memory as parts, with the thresholds it was built under: a header, then each section's entries
 * in parts of at most `budget` characters (`{"keys":[…]}`, …), made as they are asked for. The state must not change
 * until the last part is taken.
 */
export function* detectorSnapshotParts(state: DetectorState, thresholds: AnomalyThresholds, budget = SNAPSHOT_PART_CHARACTERS): Generator<string> {
  const hourNetworks = state.burstHour?.networks ?? new Map<string, HourNetworkJson[1]>();
  const alertedKeys = state.keysAlertedAfterBurst?.keys ?? new Set<string>();
  const header: HeaderJson = {
    version: SNAPSHOT_VERSION,
    thresholds,
    latestMs: state.latestMs,
    ipsSweptAtMs: state.ipsSweptAtMs,
    burstHour: state.burstHour && { hour: state.burstHour.hour, alerts: state.burstHour.alerts, loudestAlerted: state.burstHour.loudestAlerted },
    keysAlertedAfterBurst: state.keysAlertedAfterBurst && { hour: state.keysAlertedAfterBurst.hour },
    expiredKeyBurstHour: state.expiredKeyBurstHour && { hour: state.expiredKeyBurstHour.hour },
    counts: {
      keys: state.keys.size,
      ips: state.ips.size,
      expiries: state.expiries.length,
      hourNetworks: hourNetworks.size,
      burstNetworks: state.burstNetworks.size,
      keysAlertedAfterBurst: alertedKeys.size,
      expiredKeyBursts: expiredKeysHeld(state.expiredKeyBurstHour),
    },
  };
  yield JSON.stringify(header);
  yield* sectionParts('keys', keyEntries(state.keys), budget);
  yield* sectionParts('ips', state.ips, budget);
  yield* sectionParts('expiries', state.expiries, budget);
  yield* sectionParts('hourNetworks', hourNetworks, budget);
  yield* sectionParts('burstNetworks', state.burstNetworks, budget);
  yield* sectionParts('keysAlertedAfterBurst', alertedKeys, budget);
  yield* sectionParts('expiredKeyBursts', expiredKeyEntries(state.expiredKeyBurstHour), budget);
}

function expiredKeysHeld(hour: ExpiredKeyBurstHour | null): number {
  let held = 0;
  for (const account of hour?.accounts.values() ?? []) held += account.keys.size;
  return held;
}

function* expiredKeyEntries(hour: ExpiredKeyBurstHour | null): Generator<SectionEntries['expiredKeyBursts']> {
  for (const [accountId, account] of hour?.accounts ?? []) for (const [keyId, key] of account.keys) yield [accountId, keyId, key];
}

/** The hour of expired keys' bursts from the header's hour and the section's entries; each account's alerts, its keys alerted. */
function expiredKeyBurstHourOf(header: HeaderJson, entries: SectionEntries['expiredKeyBursts'][]): ExpiredKeyBurstHour | null {
  if (!header.expiredKeyBurstHour) return null;
  const accounts: ExpiredKeyBurstHour['accounts'] = new Map();
  for (const [accountId, keyId, key] of entries) {
    let account = accounts.get(accountId);
    if (account === undefined) accounts.set(accountId, (account = { alerts: 0, keys: new Map() }));
    account.keys.set(keyId, { bursts: key.bursts, alerted: key.alerted });
    if (key.alerted) account.alerts += 1;
  }
  return { hour: header.expiredKeyBurstHour.hour, accounts };
}

function* keyEntries(keys: Map<string, KeyState>): Generator<SectionEntries['keys']> {
  for (const [id, key] of keys) {
    yield [id, { ...key, addresses: [...key.addresses], networks: [...key.networks], failures: [...key.failures] }];
  }
}

function* sectionParts<S extends Section>(section: S, entries: Iterable<SectionEntries[S]>, budget: number): Generator<string> {
  const open = `{"${section}":[`;
  const close = ']}';
  let held: string[] = [];
  let length = open.length + close.length;
  for (const entry of entries) {
    const text = JSON.stringify(entry);
    if (held.length > 0 && length + 1 + text.length > budget) {
      yield open + held.join(',') + close;
      held = [];
      length = open.length + close.length;
    }
    length += text.length + (held.length > 0 ? 1 : 0);
    held.push(text);
  }
  if (held.length > 0) yield open + held.join(',') + close;
}

/**
 * Reads a snapshot part by part: `read` takes the next part and says whether it wants another; `state` is the state
 * once every part it wanted is read, or null when it cannot be used as is: not JSON, a version before 6 or after this
 * one, other thresholds (windows and limits shape what the state keeps, so the log is replayed under the new ones), or
 * parts missing (a save that replaced them meanwhile). A version-6 or version-7 snapshot is one whole text.
 */
export class DetectorSnapshotReader {
  private header: HeaderJson | null = null;
  private result: DetectorState | null | undefined;
  private readonly entries: { [S in Section]: SectionEntries[S][] } = { keys: [], ips: [], expiries: [], hourNetworks: [], burstNetworks: [], keysAlertedAfterBurst: [], expiredKeyBursts: [] };
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly thresholds: AnomalyThresholds) {}

  read(part: string): boolean {
    if (this.result !== undefined) return false;
    let json: unknown;
    try {
      json = JSON.parse(part);
    } catch {
      return this.end(null);
    }
    if (typeof json !== 'object' || json === null) return this.end(null);
    if (this.header === null) return this.readFirst(json as HeaderJson | WholeSnapshotJson);
    const sections = Object.keys(json as object) as Section[];
    const [section] = sections;
    if (sections.length !== 1 || !SECTIONS.includes(section) || !Array.isArray((json as Record<string, unknown>)[section])) return this.end(null);
    if (section === 'keys') {
      // An entry that is no [id, key] pair, or a key without its arrays (a store's damage): rebuilt from the log, rather
      // than a TypeError at every start.
      try {
        for (const [id, key] of (json as { keys: SectionEntries['keys'][] }).keys) this.keys.set(id, restoredKey(key, SNAPSHOT_VERSION));
      } catch {
        return this.end(null);
      }
    } else {
      for (const entry of (json as Record<string, unknown[]>)[section]) (this.entries[section] as unknown[]).push(entry);
    }
    return true;
  }

  state(): DetectorState | null {
    if (this.result !== undefined) return this.result;
    const { header, keys, entries } = this;
    if (header === null) return null;
    const held: Record<Section, number> = {
      keys: keys.size,
      ips: entries.ips.length,
      expiries: entries.expiries.length,
      hourNetworks: entries.hourNetworks.length,
      burstNetworks: entries.burstNetworks.length,
      keysAlertedAfterBurst: entries.keysAlertedAfterBurst.length,
      expiredKeyBursts: entries.expiredKeyBursts.length,
    };
    // A version-8 header counts no expiredKeyBursts: it had none.
    const counted = (section: Section) => header.counts[section] ?? (header.version === 8 && section === 'expiredKeyBursts' ? 0 : null);
    if (SECTIONS.some((section) => held[section] !== counted(section))) return null;
    // A Map section's entry that is no pair (a store's damage) makes new Map() throw: rebuilt from the log instead.
    try {
      return this.stateOf(header, keys, entries);
    } catch {
      return null;
    }
  }

  private stateOf(header: HeaderJson, keys: Map<string, KeyState>, entries: DetectorSnapshotReader['entries']): DetectorState {
    const burstHour = header.burstHour && { ...header.burstHour, networks: new Map(entries.hourNetworks) };
    const alerted = header.keysAlertedAfterBurst;
    return {
      keys,
      ips: new Map(entries.ips),
      latestMs: header.latestMs,
      ipsSweptAtMs: header.ipsSweptAtMs,
      burstHour,
      expiries: entries.expiries,
      burstNetworks: new Map(entries.burstNetworks),
      keysAlertedAfterBurst: alerted && { hour: alerted.hour, keys: new Set(entries.keysAlertedAfterBurst) },
      expiredKeyBurstHour: expiredKeyBurstHourOf(header, entries.expiredKeyBursts),
    };
  }

  private readFirst(first: HeaderJson | WholeSnapshotJson): boolean {
    const version = first?.version as number;
    // Version 6 knew no failedAuthBurstAlertsPerHour: it shapes only the hour of bursts, which a version-6 state lacks.
    const compared = version === 6 ? withoutHourCap(this.thresholds) : this.thresholds;
    if (![6, 7, 8, SNAPSHOT_VERSION].includes(version) || !sameThresholds(first.thresholds, compared)) return this.end(null);
    if (version === 6 || version === 7) return this.end(restoreWhole(first as WholeSnapshotJson));
    // A version-8 text without counts (a whole text some builds of this session wrote, never released) is rebuilt.
    if (typeof (first as HeaderJson).counts !== 'object' || (first as HeaderJson).counts === null) return this.end(null);
    this.header = first as HeaderJson;
    return true;
  }

  private end(result: DetectorState | null): false {
    this.result = result;
    return false;
  }
}

/** The state of a snapshot's parts (DetectorSnapshotReader), read one at a time and no further than needed. */
export async function restoreDetectorSnapshot(parts: SnapshotPartsSource, thresholds: AnomalyThresholds): Promise<DetectorState | null> {
  const reader = new DetectorSnapshotReader(thresholds);
  for await (const part of parts) if (!reader.read(part)) break;
  return reader.state();
}

/** The same, for parts at hand (tests; a version-6 or version-7 text is `[text]`). */
export function restoreDetectorState(parts: readonly string[], thresholds: AnomalyThresholds): DetectorState | null {
  const reader = new DetectorSnapshotReader(thresholds);
  for (const part of parts) if (!reader.read(part)) break;
  return reader.state();
}

function restoreWhole(snapshot: WholeSnapshotJson): DetectorState {
  const keys = new Map<string, KeyState>();
  for (const [id, key] of snapshot.keys) keys.set(id, restoredKey(key, snapshot.version));
  const ips = new Map<string, FailureBurst>(snapshot.ips);
  const burstHour = snapshot.burstHour ? { ...snapshot.burstHour, loudestAlerted: loudestAlerted(snapshot.burstHour.networks), networks: new Map(snapshot.burstHour.networks) } : null;
  return {
    keys,
    ips,
    latestMs: snapshot.latestMs,
    ipsSweptAtMs: snapshot.ipsSweptAtMs,
    burstHour,
    expiries: snapshot.expiries,
    // Not kept before version 8: key_used_after_burst watches the bursts from the upgrade on.
    burstNetworks: new Map(),
    keysAlertedAfterBurst: null,
    // Not kept before version 9: the grouping of expired keys' bursts starts with the upgrade.
    expiredKeyBurstHour: null,
  };
}

/** The hour's loudestAlerted, which version 7 did not save: the most bursts of a network it alerted. */
function loudestAlerted(networks: HourNetworkJson[]): number {
  return networks.reduce((most, [, network]) => (network.alerted ? Math.max(most, network.bursts) : most), 0);
}

function restoredKey(key: KeyStateJson, version: number): KeyState {
  return {
    ...key,
    minutes: key.minutes.length === 0 ? NO_MINUTES : version === 6 ? minuteCountsOfV6(key.minutes as MinuteEntryV6[]) : (key.minutes as MinuteCounts),
    // None is the shared empty value, as the detector holds it (detector-state.ts, KEY_COLLECTIONS_WHY).
    addresses: key.addresses.length === 0 ? NO_ADDRESSES : new Map(key.addresses),
    networks: key.networks.length === 0 ? NO_NETWORKS : new Set(key.networks),
    failures: key.failures.length === 0 ? NO_FAILURES : new Map(key.failures),
  };
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
