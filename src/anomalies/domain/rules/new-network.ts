import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { KeyState } from '../detector-state.js';
import { finding } from '../finding.js';
import { networkOf } from '../ip-network.js';
import { HOUR_MS, type KeyRuleResult, type KeyUse } from './key-use.js';

/**
 * new_network: a key with an established pattern is used from a network (IPv4 /24, IPv6 /48) it never used.
 * Once a key has been seen from maxKnownNetworks networks it has no pattern to break: the set stops growing
 * and the rule stays quiet for that key, rather than forgetting networks and calling them new again.
 */
export function newNetwork(key: KeyState, use: KeyUse, t: AnomalyThresholds): KeyRuleResult {
  const network = use.address === null ? null : networkOf(use.address);
  if (network === null || key.networks.has(network) || key.networks.size >= t.maxKnownNetworks) {
    return { key, finding: null };
  }
  const networks = new Set(key.networks).add(network);
  const updated: KeyState = { ...key, networks };
  const historyMs = key.firstUseMs === null ? 0 : use.atMs - key.firstUseMs;
  const established = key.uses >= t.establishedMinRequests && historyMs >= t.establishedMinHours * HOUR_MS;
  if (!established) return { key: updated, finding: null };

  return {
    key: updated,
    finding: finding({
      rule: 'new_network',
      keyId: use.keyId,
      accountId: use.accountId,
      ip: use.address,
      evidence: {
        network,
        knownNetworks: key.networks.size,
        previousUses: key.uses,
        historyHours: Math.floor(historyMs / HOUR_MS),
        requestId: use.requestId,
      },
      windowStartMs: key.firstUseMs!,
      windowEndMs: use.atMs,
      detectedAtMs: use.atMs,
      idWindow: network,
    }),
  };
}
