import { canonicalAddress } from '../../../shared/domain/client-address.js';
import type { EventStore } from '../../../shared/event-store/event-store.port.js';
import type { TrafficSinceRoll } from '../../presentation/present-api-key.js';
import { firstUseLoggedSince } from './first-use-logged-since.js';
import { isKeyUse } from '../../../usage/domain/usage-archived.js';
import { readsUsageEvent } from '../../../usage/projection/key-usage-view.js';
import { keyUsagePages, LOGGED_LATE_MARGIN_MS } from './key-usage-pages.js';

const MAX_ADDRESSES = 20;

/**
 * Who still uses a rolled key: its uses made since the roll (up to `until`, else all), their last time and the
 * addresses they came from, most recent first. Read from the key's usage stream, only for a rolled key, whose
 * use after the roll is expected to dwindle, and only from its first use logged LOGGED_LATE_MARGIN_MS before the
 * roll: a use made since the roll was logged no earlier, unless the clock that dated it was more than the margin
 * ahead of the log's. So the read costs the uses logged from an hour before the roll (up to `until`'s), not the
 * key's whole usage.
 */
export async function trafficSinceRoll(store: EventStore, keyId: string, rolledAt: string, until: Date | null, deadline?: number): Promise<TrafficSinceRoll> {
  const from = Date.parse(rolledAt);
  const to = until?.getTime() ?? Infinity;
  let uses = 0;
  let lastUsedAt: string | null = null;
  const lastSeen = new Map<string, number>();
  const fromRevision = await firstUseLoggedSince(store, keyId, from - LOGGED_LATE_MARGIN_MS);
  for await (const page of keyUsagePages(store, keyId, { fromRevision, until: to, deadline })) {
    for (const event of page) {
      // A use this version cannot read (a newer version's schema) is not counted, as the usage views count none.
      if (!isKeyUse(event) || !readsUsageEvent(event)) continue;
      const usedAt = String(event.data.usedAt);
      const at = Date.parse(usedAt);
      if (at < from || at > to) continue;
      uses++;
      if (lastUsedAt === null || at > Date.parse(lastUsedAt)) lastUsedAt = usedAt;
      const ip = event.data.ip;
      // Canonical: uses recorded before 2026-12-05 hold the address as the client wrote it.
      if (typeof ip === 'string') {
        const address = canonicalAddress(ip);
        lastSeen.set(address, Math.max(at, lastSeen.get(address) ?? 0));
      }
    }
  }
  const addresses = [...lastSeen.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_ADDRESSES).map(([ip]) => ip);
  return { uses, lastUsedAt, addresses, addressCount: lastSeen.size };
}
