import { UnknownReference } from '../../../shared/application/errors.js';
import type { KeyUsageSummaries } from '../../../usage/projection/key-usage-read-model.port.js';
import type { ApiKeyReadModel } from '../../projection/api-key-read-model.port.js';
import { foldKeyName } from '../../projection/key-search.js';
import type { ApiKeyListing, ListApiKeysQuery } from './list-api-keys.query.js';

/**
 * Every key ListApiKeysHandler would page through for the query (its limit aside), in the same order, with the same usage,
 * a batch at a time as the store reads them (ApiKeyReadModel.listAll), each batch's usage looked up as a page's is: the
 * operator's `list --all`, which held every page until the last one until 2026-12-07. The stored views only: the service's
 * listing answers from its key table.
 */
export async function* allApiKeys(keys: ApiKeyReadModel, usage: KeyUsageSummaries, query: ListApiKeysQuery): AsyncIterable<ApiKeyListing['keys']> {
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
  for await (const views of listing) {
    const summaries = await usage.summaries(views.map((view) => view.id));
    yield views.map((view) => ({ view, usage: summaries.get(view.id) }));
  }
}
