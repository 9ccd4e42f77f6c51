import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageSummary } from '../../../usage/projection/key-usage-view.js';
import { GetKeyUsageSummaryQuery } from './get-key-usage-summary.query.js';

@QueryHandler(GetKeyUsageSummaryQuery)
export class GetKeyUsageSummaryHandler implements IQueryHandler<GetKeyUsageSummaryQuery, KeyUsageSummary | undefined> {
  constructor(@Inject(KEY_USAGE_READ_MODEL) private readonly usage: KeyUsageReadModel) {}

  async execute(query: GetKeyUsageSummaryQuery): Promise<KeyUsageSummary | undefined> {
    return (await this.usage.summaries([query.keyId])).get(query.keyId);
  }
}
