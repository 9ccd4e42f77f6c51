import type { KeyUsageReadModel, KeyUsageSummaries } from '../../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageSummary } from '../../../usage/projection/key-usage-view.js';
import type { ApiKeyView } from '../../projection/api-key-view.js';

export type UsageSource = KeyUsageSummaries & Pick<KeyUsageReadModel, 'allSummaries'>;
export type ViewsWithUsage = Array<{ view: ApiKeyView; usage: KeyUsageSummary | undefined }>;

export interface UsageInWindowsOptions {
  /** Keys whose usage one pass reads: a window's summaries are all that is held. */
  window: number;
  /** Keys looked up first to measure the lookups' pace. */
  probe: number;
  /** Until a pass is measured, what a window's lookups may take before a pass is tried instead. */
  firstPassAfterMs: number;
  now?: () => number;
}

export const USAGE_IN_WINDOWS: UsageInWindowsOptions = { window: 10_000, probe: 8, firstPassAfterMs: 30_000 };

/**
 * Each batch of views with its keys' usage, in the same order and the same summaries as looking each batch up gives
 * (KeyUsageSummaries.summaries), read whichever way this run has measured cheaper: the lookups (a batch at a time, as
 * read), or one pass over every usage summary (allSummaries) for a window of keys, keeping that window's only. Chosen
 * from the time each took here, not from the server: an index answers a lookup in about a millisecond (10,000 keys in
 * seconds), FerretDB 1.24 scans the collection for each (0.3-1.4 s a key), where one pass over 20,000 views took 11-82 s.
 */
export async function* usageInWindows(batches: AsyncIterable<ApiKeyView[]>, usage: UsageSource, options: UsageInWindowsOptions = USAGE_IN_WINDOWS): AsyncIterable<ViewsWithUsage> {
  const now = options.now ?? (() => performance.now());
  const measured = { lookupMs: 0, lookedUp: 0, passMs: undefined as number | undefined };
  const lookupsCheaper = (keys: number) => {
    if (measured.lookedUp === 0) return true;
    const lookups = (measured.lookupMs / measured.lookedUp) * keys;
    return lookups <= (measured.passMs ?? options.firstPassAfterMs);
  };
  const lookUp = async (views: ApiKeyView[]): Promise<ViewsWithUsage> => {
    const started = now();
    const found = await usage.summaries(views.map((view) => view.id));
    measured.lookupMs += now() - started;
    measured.lookedUp += views.length;
    return views.map((view) => ({ view, usage: found.get(view.id) }));
  };
  const pass = async (views: ApiKeyView[]): Promise<ViewsWithUsage> => {
    const started = now();
    const wanted = new Set(views.map((view) => view.id));
    const found = new Map<string, KeyUsageSummary>();
    for await (const entries of usage.allSummaries()) {
      for (const { keyId, accepted, rateLimited, refused, lastUsedAt } of entries) if (wanted.has(keyId)) found.set(keyId, { accepted, rateLimited, refused, lastUsedAt });
    }
    measured.passMs = now() - started;
    return views.map((view) => ({ view, usage: found.get(view.id) }));
  };
  /** A held window, as one read: the lookups in batches of `size` (printed as they come), or one pass. */
  async function* flush(views: ApiKeyView[], size: number): AsyncIterable<ViewsWithUsage> {
    if (!lookupsCheaper(views.length)) return yield* inBatches(await pass(views), size);
    for (let from = 0; from < views.length; from += size) yield await lookUp(views.slice(from, from + size));
  }

  const held: ApiKeyView[] = [];
  let size = 0;
  for await (const batch of batches) {
    size = Math.max(size, batch.length);
    if (held.length === 0 && lookupsCheaper(options.window)) {
      // Until a pace is measured, a few keys first: a slow server's batch of 500 would take minutes to look up.
      const first = measured.lookedUp === 0 ? batch.slice(0, options.probe) : batch;
      if (first.length > 0) yield await lookUp(first);
      const rest = batch.slice(first.length);
      if (rest.length === 0) continue;
      if (lookupsCheaper(options.window)) {
        yield await lookUp(rest);
        continue;
      }
      held.push(...rest);
    } else held.push(...batch);
    if (held.length >= options.window) yield* flush(held.splice(0, options.window), size);
  }
  if (held.length > 0) yield* flush(held, size);
}

function* inBatches<T>(items: T[], size: number): Iterable<T[]> {
  for (let from = 0; from < items.length; from += size) yield items.slice(from, from + size);
}
