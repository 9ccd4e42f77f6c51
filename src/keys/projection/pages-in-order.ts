import type { ApiKeyListAllQuery, ApiKeyPage, ApiKeyListQuery } from './api-key-read-model.port.js';
import type { ApiKeyView } from './api-key-view.js';

/**
 * Every page of a store's listing, one after the other, each asked from the last one's end (beforePosition): for a store
 * that serves a page from its index (SQLite, in memory), a walk down the index, one page held at a time.
 */
export async function* pagesInOrder(
  list: (accountId: string, query: ApiKeyListQuery) => Promise<ApiKeyPage>,
  accountId: string,
  query: ApiKeyListAllQuery,
  size: number,
): AsyncIterable<ApiKeyView[]> {
  let beforePosition = query.beforePosition;
  for (;;) {
    const page = await list(accountId, { ...query, limit: size, ...(beforePosition === undefined ? {} : { beforePosition }) });
    if (page.views.length > 0) yield page.views;
    if (!page.hasMore) return;
    beforePosition = page.views.at(-1)!.createdPosition;
  }
}
