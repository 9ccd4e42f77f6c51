import type { EventStore } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { applyToKeyUsageView, type KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { foldApiKeyView } from '../../projection/api-key-view.js';
import type { ApiKeyWithUsage } from './get-api-key.query.js';
import { occurredAt } from '../get-api-key-history/key-history-order.js';

const USAGE_PAGE = 5000;

/**
 * The key of `accountId` as it was at `asOf`: its lifecycle events and its uses that happened by then (occurredAt),
 * folded with the same pure functions the projections use. Costs one read of the usage stream, and only for a key
 * of that account: another account's key costs what an unknown id does, so the time taken tells nothing of it.
 */
export async function replayKeyAsOf(store: EventStore, accountId: string, keyId: string, asOf: Date): Promise<ApiKeyWithUsage | null> {
  const until = asOf.getTime();
  const view = foldApiKeyView((await store.readStream(apiKeyStreamId(keyId))).filter((event) => Date.parse(occurredAt(event)) <= until));
  if (!view || view.accountId !== accountId) return null;
  return { view, usage: await replayKeyUsage(store, keyId, until) };
}

/** The key's usage view as its uses made by `until` (epoch ms; every use the log holds by default) fold it. */
export async function replayKeyUsage(store: EventStore, keyId: string, until = Infinity): Promise<KeyUsageView | undefined> {
  let usage: KeyUsageView | undefined;
  for (let from = 0; ; from += USAGE_PAGE) {
    const page = await store.readStream(keyUsageStreamId(keyId), { fromRevision: from, maxCount: USAGE_PAGE });
    for (const event of page) {
      if (Date.parse(event.data.usedAt as string) <= until) usage = applyToKeyUsageView(usage, event);
    }
    if (page.length < USAGE_PAGE) return usage;
  }
}
