import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { KEY_USAGE_SUMMARIES, type KeyUsageSummaries } from '../../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageSummary } from '../../../usage/projection/key-usage-view.js';
import { GetKeyUsageSummaryQuery } from './get-key-usage-summary.query.js';
import { replayKeyUsage } from './replay-key-as-of.js';

@QueryHandler(GetKeyUsageSummaryQuery)
export class GetKeyUsageSummaryHandler implements IQueryHandler<GetKeyUsageSummaryQuery, KeyUsageSummary | undefined> {
  constructor(
    @Inject(KEY_USAGE_SUMMARIES) private readonly usage: KeyUsageSummaries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ keyId, from }: GetKeyUsageSummaryQuery): Promise<KeyUsageSummary | undefined> {
    if (from === 'log') return replayKeyUsage(this.store, keyId);
    return (await this.usage.summaries([keyId])).get(keyId);
  }
}
