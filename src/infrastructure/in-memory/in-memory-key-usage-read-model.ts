import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageView } from '../../usage/projection/key-usage-view.js';

export class InMemoryKeyUsageReadModel implements KeyUsageReadModel {
  private readonly views = new Map<string, KeyUsageView>();
  private checkpoint: number | null = null;

  async getMany(keyIds: readonly string[]): Promise<Map<string, KeyUsageView>> {
    const found = new Map<string, KeyUsageView>();
    for (const id of keyIds) {
      const view = this.views.get(id);
      if (view) found.set(id, structuredClone(view));
    }
    return found;
  }

  async save(views: readonly KeyUsageView[], checkpoint: number): Promise<void> {
    for (const view of views) {
      const stored = this.views.get(view.keyId);
      if (!stored || view.revision > stored.revision) this.views.set(view.keyId, structuredClone(view));
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
