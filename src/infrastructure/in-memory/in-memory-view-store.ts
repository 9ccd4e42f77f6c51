import type { ViewStore } from '../../shared/projections/view-projection.js';

/** Views by id and a checkpoint in memory, with the same revision guard as the durable stores. */
export class InMemoryViewStore<V extends { revision: number }> implements ViewStore<V> {
  protected readonly views = new Map<string, V>();
  private checkpoint: number | null = null;

  constructor(private readonly idOf: (view: V) => string) {}

  async getMany(ids: readonly string[]): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    for (const id of ids) {
      const view = this.views.get(id);
      if (view) found.set(id, structuredClone(view));
    }
    return found;
  }

  async save(views: readonly V[], checkpoint: number): Promise<void> {
    for (const view of views) {
      const stored = this.views.get(this.idOf(view));
      if (!stored || view.revision > stored.revision) this.views.set(this.idOf(view), structuredClone(view));
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

  /** An account's views before `beforePosition` that `matches` keeps, newest first by log position: a page as the durable stores give it. */
  protected newestFirst<P extends V & { accountId: string; position: number }>(
    accountId: string,
    query: { beforePosition?: number; limit: number },
    matches: (view: P) => boolean,
  ): { views: P[]; hasMore: boolean } {
    const before = query.beforePosition ?? Number.MAX_SAFE_INTEGER;
    const matching = [...(this.views.values() as Iterable<P>)]
      .filter((v) => v.accountId === accountId && v.position < before && matches(v))
      .sort((a, b) => b.position - a.position);
    return { views: matching.slice(0, query.limit).map((v) => structuredClone(v)), hasMore: matching.length > query.limit };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
