import type { ApiKeyListQuery, ApiKeyPage, ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../../keys/projection/api-key-view.js';

export class InMemoryApiKeyReadModel implements ApiKeyReadModel {
  private readonly views = new Map<string, ApiKeyView>();
  private checkpoint: number | null = null;

  async findBySecretHash(secretHash: string): Promise<ApiKeyView | null> {
    for (const view of this.views.values()) if (view.secretHash === secretHash) return { ...view };
    return null;
  }

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    const view = this.views.get(id);
    return view && view.accountId === accountId ? { ...view } : null;
  }

  async list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    const before = query.beforePosition ?? Number.MAX_SAFE_INTEGER;
    const matching = [...this.views.values()]
      .filter((v) => v.accountId === accountId && v.createdPosition < before)
      .sort((a, b) => b.createdPosition - a.createdPosition);
    return { views: matching.slice(0, query.limit).map((v) => ({ ...v })), hasMore: matching.length > query.limit };
  }

  async getMany(ids: readonly string[]): Promise<Map<string, ApiKeyView>> {
    const found = new Map<string, ApiKeyView>();
    for (const id of ids) {
      const view = this.views.get(id);
      if (view) found.set(id, { ...view });
    }
    return found;
  }

  async scan(afterId: string | null, limit: number): Promise<ApiKeyView[]> {
    return [...this.views.values()]
      .filter((v) => afterId === null || v.id > afterId)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((v) => ({ ...v }));
  }

  async save(views: readonly ApiKeyView[], checkpoint: number): Promise<void> {
    for (const view of views) {
      const stored = this.views.get(view.id);
      if (!stored || view.revision > stored.revision) this.views.set(view.id, { ...view });
    }
    if (this.checkpoint === null || checkpoint > this.checkpoint) this.checkpoint = checkpoint;
  }

  async getCheckpoint(): Promise<number | null> {
    return this.checkpoint;
  }

  async reset(): Promise<void> {
    this.views.clear();
    this.checkpoint = null;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
