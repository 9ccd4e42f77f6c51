import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../shared/domain/domain-error.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../../usage/projection/key-usage-read-model.port.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../../projection/api-key-read-model.port.js';
import { type ApiKeyWithUsage, GetApiKeyQuery } from './get-api-key.query.js';

@QueryHandler(GetApiKeyQuery)
export class GetApiKeyHandler implements IQueryHandler<GetApiKeyQuery, ApiKeyWithUsage> {
  constructor(
    @Inject(API_KEY_READ_MODEL) private readonly keys: ApiKeyReadModel,
    @Inject(KEY_USAGE_READ_MODEL) private readonly usage: KeyUsageReadModel,
  ) {}

  async execute(query: GetApiKeyQuery): Promise<ApiKeyWithUsage> {
    const view = await this.keys.findById(query.accountId, query.keyId);
    // Another account's key answers exactly like a key that does not exist.
    if (!view) throw new DomainError('KEY_NOT_FOUND', `No such API key: ${query.keyId}`);
    const usage = await this.usage.getMany([view.id]);
    return { view, usage: usage.get(view.id) };
  }
}
