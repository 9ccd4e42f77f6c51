import { UnknownReference } from '../../../shared/application/errors.js';
import type { ApiKeyReadModel } from '../../projection/api-key-read-model.port.js';
import { foldKeyName } from '../../projection/key-search.js';
import type { ApiKeyListing, ListApiKeysQuery } from './list-api-keys.query.js';
import { USAGE_IN_WINDOWS, usageInWindows, type UsageInWindowsOptions, type UsageSource } from './usage-in-windows.js';

/**
 * Every key ListApiKeysHandler would page through for the query (its limit aside), in the same order, with the same usage,
 * a batch at a time as the store reads them (ApiKeyReadModel.listAll), each batch's usage looked up as a page's is, or, where
 * this run measures the lookups slower than a pass, a window's from one pass over the usage summaries (usageInWindows): the
 * operator's `list --all`, which held every page until the last one until 2026-12-07. The stored views only: the service's
 * listing answers from its key table.
 */
export async function* allApiKeys(
  keys: ApiKeyReadModel,
  usage: UsageSource,
  query: ListApiKeysQuery,
  usageOptions: UsageInWindowsOptions = USAGE_IN_WINDOWS,
): AsyncIterable<ApiKeyListing['keys']> {
  let beforePosition: number | undefined;
  if (query.startingAfter !== null) {
    const cursor = await keys.findById(query.accountId, query.startingAfter);
    if (!cursor) throw new UnknownReference('starting_after: no such API key in this account.');
    beforePosition = cursor.createdPosition;
  }
  const listing = keys.listAll(query.accountId, {
    ...(beforePosition === undefined ? {} : { beforePosition }),
    ...(query.status === null ? {} : { status: query.status, now: query.now.toISOString() }),
    ...(query.search.namePrefix === undefined ? {} : { namePrefix: foldKeyName(query.search.namePrefix) }),
    ...(query.search.prefix === undefined ? {} : { prefix: query.search.prefix }),
  });
  yield* usageInWindows(listing, usage, usageOptions);
}
