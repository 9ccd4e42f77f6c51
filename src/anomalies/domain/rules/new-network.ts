import { finding } from '../finding.js';
import { networkOf } from '../../../shared/domain/client-address.js';
import { HOUR_MS, type KeyRule } from './key-use.js';
import { ownNetworks } from '../detector-state.js';

/**
 * new_network: a key with an established pattern is used from a network (IPv4 /24, IPv6 /48) it never used.
 * Once a key has been seen from maxKnownNetworks networks it has no pattern to break: the set stops growing
 * and the rule stays quiet for that key, rather than forgetting networks and calling them new again.
 */
export const newNetwork: KeyRule = (key, use, t) => {
  const network = use.address === null ? null : networkOf(use.address);
  if (network === null || key.networks.has(network) || key.networks.size >= t.maxKnownNetworks) return null;
  const knownNetworks = key.networks.size;
  ownNetworks(key).add(network);
  const historyMs = key.firstUseMs === null ? 0 : use.atMs - key.firstUseMs;
  const established = key.uses >= t.establishedMinRequests && historyMs >= t.establishedMinHours * HOUR_MS;
  if (!established) return null;
  return finding({
    rule: 'new_network',
    keyId: use.keyId,
    accountId: use.accountId,
    ip: use.address,
    evidence: {
      network,
      knownNetworks,
      previousUses: key.uses,
      historyHours: Math.floor(historyMs / HOUR_MS),
      requestId: use.requestId,
    },
    windowStartMs: key.firstUseMs!,
    windowEndMs: use.atMs,
    detectedAtMs: use.atMs,
    idWindow: network,
  });
};
