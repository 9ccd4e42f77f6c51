import type { EventStore } from '../../../shared/event-store/event-store.port.js';
import type { KeyUsageReadModel } from '../../../usage/projection/key-usage-read-model.port.js';
import { applyToKeyUsageView, type KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { foldApiKeyView } from '../../projection/api-key-view.js';
import type { ApiKeyWithUsage } from './get-api-key.query.js';
import { occurredAt } from '../get-api-key-history/key-history-order.js';
import { keyUsagePages } from './key-usage-pages.js';

export interface AsOfReplay {
  /** The current usage views: a view whose every use was made by as_of is where the replay starts. */
  usageViews?: Pick<KeyUsageReadModel, 'getMany'>;
  /** Epoch ms (performance.now()): a replay still reading then gives up (UsageReplayTooLong). */
  deadline?: number;
}

/**
 * The key of `accountId` as it was at `asOf`: its lifecycle events and its uses that happened by then (occurredAt),
 * folded with the same pure functions the projections use. Reads the usage stream only for a key of that account:
 * another account's key costs what an unknown id does, so the time taken tells nothing of it.
 */
export async function replayKeyAsOf(store: EventStore, accountId: string, keyId: string, asOf: Date, replay: AsOfReplay = {}): Promise<ApiKeyWithUsage | null> {
  const until = asOf.getTime();
  const view = foldApiKeyView((await store.readStream(apiKeyStreamId(keyId))).filter((event) => Date.parse(occurredAt(event)) <= until));
  if (!view || view.accountId !== accountId) return null;
  return { view, usage: await usageAsOf(store, keyId, until, replay) };
}

/**
 * The usage view of the key's uses made by `until`. When the current view's last use was made by then, every use it
 * counts was (its lastUsedAt is the latest usedAt it folded), so it is the fold of the stream up to its revision and
 * only the uses logged since are read: an as_of at or after the key's last use costs what the views' lag does.
 */
async function usageAsOf(store: EventStore, keyId: string, until: number, { usageViews, deadline }: AsOfReplay): Promise<KeyUsageView | undefined> {
  const current = (await usageViews?.getMany([keyId]))?.get(keyId);
  if (current && Date.parse(current.lastUsedAt) <= until) {
    // A copy: the fold changes a view in place, and a read model may hand out the one it keeps.
    return replayKeyUsage(store, keyId, until, { from: structuredClone(current), deadline });
  }
  return replayKeyUsage(store, keyId, until, { deadline });
}

/** The key's usage view as its uses made by `until` (epoch ms; every use the log holds by default) fold it. */
export async function replayKeyUsage(
  store: EventStore,
  keyId: string,
  until = Infinity,
  options: { from?: KeyUsageView; deadline?: number } = {},
): Promise<KeyUsageView | undefined> {
  let usage = options.from;
  const fromRevision = usage ? usage.revision + 1 : 0;
  for await (const page of keyUsagePages(store, keyId, { fromRevision, until, deadline: options.deadline })) {
    for (const event of page) {
      if (Date.parse(event.data.usedAt as string) <= until) usage = applyToKeyUsageView(usage, event);
    }
  }
  return usage;
}
