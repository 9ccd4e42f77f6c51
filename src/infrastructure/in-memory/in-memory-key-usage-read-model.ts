import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import { type KeyUsageSummary, type KeyUsageSummaryEntry, type KeyUsageView, summaryEntry } from '../../usage/projection/key-usage-view.js';
import { InMemoryViewStore } from './in-memory-view-store.js';

export class InMemoryKeyUsageReadModel extends InMemoryViewStore<KeyUsageView> implements KeyUsageReadModel {
  constructor() {
    super((view) => view.keyId);
  }

  async summaries(ids: readonly string[]): Promise<Map<string, KeyUsageSummary>> {
    const found = new Map<string, KeyUsageSummary>();
    for (const id of ids) {
      const view = this.views.get(id);
      if (view) found.set(id, { accepted: view.accepted, rateLimited: view.rateLimited, refused: view.refused, lastUsedAt: view.lastUsedAt });
    }
    return found;
  }

  async *allSummaries(): AsyncIterable<KeyUsageSummaryEntry[]> {
    yield [...this.views.values()].map(summaryEntry);
  }
}
