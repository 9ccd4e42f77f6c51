import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../../usage/projection/key-usage-read-model.port.js';
import { KeyNotFound } from '../../domain/api-key-errors.js';
import { API_KEY_QUERIES, type ApiKeyQueries } from '../../projection/api-key-read-model.port.js';
import { type ApiKeyWithUsage, GetApiKeyQuery } from './get-api-key.query.js';
import { replayKeyAsOf, replayKeyUsage } from './replay-key-as-of.js';
import { trafficSinceRoll } from './traffic-since-roll.js';

@QueryHandler(GetApiKeyQuery)
export class GetApiKeyHandler implements IQueryHandler<GetApiKeyQuery, ApiKeyWithUsage> {
  constructor(
    @Inject(API_KEY_QUERIES) private readonly keys: ApiKeyQueries,
    @Inject(KEY_USAGE_READ_MODEL) private readonly usage: KeyUsageReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(query: GetApiKeyQuery): Promise<ApiKeyWithUsage> {
    const deadline = query.asOf === null || query.replayBudgetMs === null ? undefined : performance.now() + query.replayBudgetMs;
    const found = query.asOf
      ? await replayKeyAsOf(this.store, query.accountId, query.keyId, query.asOf, { usageViews: this.usage, deadline })
      : await this.current(query);
    // Another account's key, or one that did not exist yet, answers exactly like a key that does not exist.
    if (!found || found.view.accountId !== query.accountId) {
      throw new KeyNotFound(query.keyId);
    }
    const rotation = found.view.rotation;
    if (rotation === null || !query.withTrafficSinceRoll) return found;
    return { ...found, sinceRoll: await trafficSinceRoll(this.store, query.keyId, rotation.rolledAt, query.asOf, deadline) };
  }

  private async current(query: GetApiKeyQuery): Promise<ApiKeyWithUsage | null> {
    const view = await this.keys.findById(query.accountId, query.keyId);
    if (!view) return null;
    if (query.usageFrom === 'log') return { view, usage: await replayKeyUsage(this.store, view.id) };
    const usage = await this.usage.getMany([view.id]);
    return { view, usage: usage.get(view.id) };
  }
}
