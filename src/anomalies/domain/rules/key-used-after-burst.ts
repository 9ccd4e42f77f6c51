import { ipv6Groups } from '../../../shared/domain/ipv6-text.js';
import type { AnomalyDetectedData } from '../anomaly.js';
import type { BurstNetwork } from '../detector-state.js';
import type { DetectorState } from '../detector-state.js';
import { finding, iso } from '../finding.js';
import { HOUR_MS, type KeyUse } from './key-use.js';

/** How long after a network's last address burst a key used from it is reported: the burst hour's span. */
export const AFTER_BURST_MS = HOUR_MS;
/**
 * Networks remembered at most: ~100 B each, so ~1 MB at most whatever an attacker holds, where each one costs
 * failedAuthBurstCount failures. Past it, the least recent network of the holder with the most is forgotten (forgetOne).
 */
export const MAX_BURST_NETWORKS = 10_000;

/**
 * Remembers that a wide network (IPv4 /24, IPv6 /48) completed a burst of failed authentications naming no key, at
 * `atMs`, whether or not the burst was alerted on its own (address-burst-paging.ts caps those an hour): a key used
 * from that network afterwards is what keyUsedAfterBurst reports.
 */
export function rememberAddressBurst(state: DetectorState, wide: string, atMs: number): void {
  const networks = state.burstNetworks;
  const known = networks.get(wide);
  const lastMs = Math.max(known?.lastMs ?? atMs, atMs);
  const since = known !== undefined && known.lastMs > atMs - AFTER_BURST_MS ? known : null;
  // Re-inserted, so the map's order is the order of last bursts, and the first entry the one to forget.
  const holders = holdersOf(networks);
  if (known !== undefined) forget(networks, holders, wide);
  networks.set(wide, { firstMs: Math.min(since?.firstMs ?? atMs, atMs), lastMs, bursts: (since?.bursts ?? 0) + 1 });
  const holder = holderOf(wide);
  let held = holders.get(holder);
  if (held === undefined) holders.set(holder, (held = new Set()));
  held.add(wide);
  if (networks.size > MAX_BURST_NETWORKS) forgetOne(networks, holders);
}

/**
 * At the cap: the holder (IPv6 /32, IPv4 /16) with the most networks remembered (of those tied, the one whose least
 * recent is oldest) has its least recent network folded into an entry of the holder itself (two when it has none yet),
 * which keyUsedAfterBurst consults when the use's own network is not remembered. Until 2026-12-07 the least recent of
 * all was forgotten: a search from one /48, then 10,000 decoy bursts from /48s of one /32 (any IPv6 allocation holds
 * 65,536), forgot the search, and the key it found was used unalerted (anomaly-detector.spec.ts). Now a flood from the
 * search's holder leaves that holder remembered, one from others forgets theirs, and forgetting the search takes
 * networks of 10,000 holders (10,000 /32s or /16s). One pass over the holders, at the cap only.
 */
function forgetOne(networks: Map<string, BurstNetwork>, holders: Map<string, Set<string>>): void {
  let widest: Set<string> | null = null;
  let widestOldestMs = Infinity;
  for (const held of holders.values()) {
    const oldestMs = networks.get(held.values().next().value!)!.lastMs;
    if (widest === null || held.size > widest.size || (held.size === widest.size && oldestMs < widestOldestMs)) {
      widest = held;
      widestOldestMs = oldestMs;
    }
  }
  const holder = holderOf(widest!.values().next().value!);
  const coarse = networks.get(holder);
  const fine: string[] = [];
  for (const wide of widest!) {
    if (wide !== holder) fine.push(wide);
    if (fine.length === 2) break;
  }
  // A text that is no address, a holder's entry alone, or a holder with one network: nothing to fold it into.
  if (fine.length === 0) return forget(networks, holders, holder);
  if (coarse === undefined && fine.length < 2) return forget(networks, holders, fine[0]);
  let merged = coarse;
  for (const wide of coarse === undefined ? fine : fine.slice(0, 1)) {
    const network = networks.get(wide)!;
    merged = merged === undefined ? { ...network } : { firstMs: Math.min(merged.firstMs, network.firstMs), lastMs: Math.max(merged.lastMs, network.lastMs), bursts: merged.bursts + network.bursts };
    forget(networks, holders, wide);
  }
  if (coarse !== undefined) forget(networks, holders, holder);
  networks.set(holder, merged!);
  let held = holders.get(holder);
  if (held === undefined) holders.set(holder, (held = new Set()));
  held.add(holder);
}

function forget(networks: Map<string, BurstNetwork>, holders: Map<string, Set<string>>, wide: string): void {
  networks.delete(wide);
  const holder = holderOf(wide);
  const held = holders.get(holder);
  held?.delete(wide);
  if (held?.size === 0) holders.delete(holder);
}

/**
 * The networks remembered by holder, each holder's in order of last burst: derived from the map (so not in the
 * snapshot), made at its first use and kept by every change made here.
 */
const HOLDERS = new WeakMap<Map<string, BurstNetwork>, Map<string, Set<string>>>();

function holdersOf(networks: Map<string, BurstNetwork>): Map<string, Set<string>> {
  let holders = HOLDERS.get(networks);
  if (holders !== undefined) return holders;
  holders = new Map();
  for (const wide of networks.keys()) {
    const holder = holderOf(wide);
    let held = holders.get(holder);
    if (held === undefined) holders.set(holder, (held = new Set()));
    held.add(wide);
  }
  HOLDERS.set(networks, holders);
  return holders;
}

/** The holder of a wide network: `a.b.0.0/16` of an IPv4 /24, `x:y::/32` of an IPv6 /48; any other text itself. */
export function holderOf(wide: string): string {
  const [address] = wide.split('/');
  if (wide.endsWith('/24')) return `${address.split('.').slice(0, 2).join('.')}.0.0/16`;
  const groups = wide.endsWith('/48') ? ipv6Groups(address, () => null) : null;
  return groups === null ? wide : `${groups[0].toString(16)}:${groups[1].toString(16)}::/32`;
}

/**
 * key_used_after_burst: a key was presented with its right secret (a use served, rate limited or refused for its
 * policies) from a network that completed a burst of failed authentications naming no known key within the hour
 * before: the failures were a search for keys, and this use is one it found, so it is alerted to the key's owner
 * whatever the hourly cap of address bursts hid. Decoys cannot hide it (nor make it: only a working key does), short of
 * bursts from 10,000 holders' networks (forgetOne). One per key per
 * UTC hour of the use, as revoked_key_used; a use logged late, in an hour already passed, raises none.
 */
export function keyUsedAfterBurst(state: DetectorState, use: KeyUse, wide: string, outcome: string): AnomalyDetectedData | null {
  // The use's own network, else its holder's entry (forgetOne: a network folded into it at the cap).
  let found = wide;
  let network = state.burstNetworks.get(wide);
  if (network === undefined) network = state.burstNetworks.get((found = holderOf(wide)));
  if (network === undefined || use.atMs < network.firstMs || use.atMs - network.lastMs > AFTER_BURST_MS) return null;
  const hour = Math.floor(use.atMs / HOUR_MS);
  const alerted = state.keysAlertedAfterBurst;
  if (alerted !== null && hour < alerted.hour) return null;
  if (alerted === null || hour > alerted.hour) state.keysAlertedAfterBurst = { hour, keys: new Set() };
  const keys = state.keysAlertedAfterBurst!.keys;
  if (keys.has(use.keyId)) return null;
  keys.add(use.keyId);
  return finding({
    rule: 'key_used_after_burst',
    keyId: use.keyId,
    accountId: use.accountId,
    ip: use.address,
    evidence: {
      wideNetwork: found,
      bursts: network.bursts,
      firstBurstAt: iso(network.firstMs),
      lastBurstAt: iso(network.lastMs),
      outcome,
      requestId: use.requestId,
    },
    windowStartMs: hour * HOUR_MS,
    windowEndMs: (hour + 1) * HOUR_MS,
    detectedAtMs: use.atMs,
  });
}

/**
 * Forgets the networks whose last burst is more than AFTER_BURST_MS before `latestMs`. The keys alerted stay until an
 * alert of a later hour replaces them: a use logged late, in their hour, must still find them.
 */
export function forgetPastBursts(state: DetectorState, latestMs: number): void {
  for (const [wide, network] of state.burstNetworks) {
    // In order of last burst: the first one still recent ends the sweep.
    if (network.lastMs >= latestMs - AFTER_BURST_MS) break;
    forget(state.burstNetworks, holdersOf(state.burstNetworks), wide);
  }
}
