import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import { GetKeyUsageQuery } from './get-key-usage.query.js';

@QueryHandler(GetKeyUsageQuery)
export class GetKeyUsageHandler implements IQueryHandler<GetKeyUsageQuery, KeyUsageView | undefined> {
  constructor(@Inject(KEY_USAGE_READ_MODEL) private readonly usage: KeyUsageReadModel) {}

  async execute(query: GetKeyUsageQuery): Promise<KeyUsageView | undefined> {
    return (await this.usage.getMany([query.keyId])).get(query.keyId);
  }
}
