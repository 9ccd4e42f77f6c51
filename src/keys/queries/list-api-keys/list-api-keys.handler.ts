import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../shared/domain/domain-error.js';
import { API_KEY_READ_MODEL, type ApiKeyPage, type ApiKeyReadModel } from '../../projection/api-key-read-model.port.js';
import { ListApiKeysQuery } from './list-api-keys.query.js';

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery, ApiKeyPage> {
  constructor(@Inject(API_KEY_READ_MODEL) private readonly readModel: ApiKeyReadModel) {}

  async execute(query: ListApiKeysQuery): Promise<ApiKeyPage> {
    if (query.startingAfter === null) return this.readModel.list(query.accountId, { limit: query.limit });
    const cursor = await this.readModel.findById(query.accountId, query.startingAfter);
    if (!cursor) throw new DomainError('INVALID_REQUEST', 'starting_after: no such API key in this account.');
    return this.readModel.list(query.accountId, { limit: query.limit, beforePosition: cursor.createdPosition });
  }
}
