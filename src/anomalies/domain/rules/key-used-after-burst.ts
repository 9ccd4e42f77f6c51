import type { AnomalyDetectedData } from '../anomaly.js';
import type { DetectorState } from '../detector-state.js';
import { finding, iso } from '../finding.js';
import { HOUR_MS, type KeyUse } from './key-use.js';

/** How long after a network's last address burst a key used from it is reported: the burst hour's span. */
export const AFTER_BURST_MS = HOUR_MS;
/**
 * Networks remembered at most (the oldest burst forgotten first): ~100 B each, so ~1 MB at most whatever an attacker
 * holds, where each one costs failedAuthBurstCount failures.
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
  networks.delete(wide);
  networks.set(wide, { firstMs: Math.min(since?.firstMs ?? atMs, atMs), lastMs, bursts: (since?.bursts ?? 0) + 1 });
  if (networks.size > MAX_BURST_NETWORKS) networks.delete(networks.keys().next().value!);
}

/**
 * key_used_after_burst: a key was presented with its right secret (a use served, rate limited or refused for its
 * policies) from a network that completed a burst of failed authentications naming no known key within the hour
 * before: the failures were a search for keys, and this use is one it found, so it is alerted to the key's owner
 * whatever the hourly cap of address bursts hid. Decoys cannot hide it: only a working key makes it. One per key per
 * UTC hour of the use, as revoked_key_used; a use logged late, in an hour already passed, raises none.
 */
export function keyUsedAfterBurst(state: DetectorState, use: KeyUse, wide: string, outcome: string): AnomalyDetectedData | null {
  const network = state.burstNetworks.get(wide);
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
      wideNetwork: wide,
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
    state.burstNetworks.delete(wide);
  }
}
