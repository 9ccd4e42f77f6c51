import { finding } from '../finding.js';
import type { KeyRule } from './key-use.js';
import { NO_ADDRESSES, ownAddresses } from '../detector-state.js';

/**
 * many_addresses: manyAddressesCount distinct addresses used the key within the sliding window ending now.
 * Keeping only the most recent manyAddressesCount addresses is enough to tell, and bounds the state under attack.
 */
export const manyAddresses: KeyRule = (key, use, t) => {
  if (use.address === null) return null;
  const windowMs = t.manyAddressesWindowSeconds * 1000;
  const now = Math.max(use.atMs, key.lastUseMs ?? use.atMs);

  const addresses = ownAddresses(key);
  for (const [address, seenMs] of addresses) if (seenMs <= now - windowMs) addresses.delete(address);
  if (use.atMs > now - windowMs) addresses.set(use.address, Math.max(use.atMs, addresses.get(use.address) ?? use.atMs));
  while (addresses.size > t.manyAddressesCount) addresses.delete(leastRecent(addresses));
  // A use too late for the window, and none left in it: the shared empty value again.
  if (addresses.size === 0) key.addresses = NO_ADDRESSES;

  const quiet = key.addressesQuietUntilMs !== null && use.atMs < key.addressesQuietUntilMs;
  if (quiet || addresses.size < t.manyAddressesCount) return null;

  key.addressesQuietUntilMs = now + windowMs;
  return finding({
    rule: 'many_addresses',
    keyId: use.keyId,
    accountId: use.accountId,
    ip: null,
    evidence: {
      distinctAddresses: addresses.size,
      threshold: t.manyAddressesCount,
      windowSeconds: t.manyAddressesWindowSeconds,
      addresses: [...addresses.keys()].sort(),
      requestId: use.requestId,
    },
    windowStartMs: now - windowMs,
    windowEndMs: now,
    detectedAtMs: use.atMs,
  });
};

function leastRecent(addresses: ReadonlyMap<string, number>): string {
  let oldest: [string, number] | null = null;
  for (const entry of addresses) if (oldest === null || entry[1] < oldest[1]) oldest = entry;
  return oldest![0];
}
