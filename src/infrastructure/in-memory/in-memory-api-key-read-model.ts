import type { ApiKeyListAllQuery, ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import { type ApiKeyView, keyStatusAt } from '../../keys/projection/api-key-view.js';
import { matchesKeySearch } from '../../keys/projection/key-search.js';
import { pagesInOrder } from '../../keys/projection/pages-in-order.js';
import { InMemoryViewStore } from './in-memory-view-store.js';

export class InMemoryApiKeyReadModel extends InMemoryViewStore<ApiKeyView> implements ApiKeyReadModel {
  constructor() {
    super((view) => view.id);
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    const view = this.views.get(id);
    return view && view.accountId === accountId ? structuredClone(view) : null;
  }

  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const before = query.beforePosition ?? Number.MAX_SAFE_INTEGER;
    const now = new Date(query.now ?? Date.now());
    const matching = [...this.views.values()]
      .filter((v) => v.accountId === accountId && v.createdPosition < before)
      .filter((v) => query.status === undefined || keyStatusAt(v, now) === query.status)
      .filter((v) => matchesKeySearch(v, query))
      .sort((a, b) => b.createdPosition - a.createdPosition);
    return { views: matching.slice(0, query.limit).map((v) => structuredClone(v)), hasMore: matching.length > query.limit };
  }

  listAll(accountId: string, query: ApiKeyListAllQuery): AsyncIterable<ApiKeyView[]> {
    return pagesInOrder((account, page) => this.list(account, page), accountId, query, 100);
  }

  async holdsAccount(accountId: string): Promise<boolean> {
    for (const view of this.views.values()) if (view.accountId === accountId) return true;
    return false;
  }

  async *allViews(): AsyncIterable<ApiKeyView[]> {
    yield [...this.views.values()].map((v) => structuredClone(v));
  }
}
