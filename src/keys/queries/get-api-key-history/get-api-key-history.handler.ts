import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../shared/domain/domain-error.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { GetApiKeyHistoryQuery, type KeyHistoryPage } from './get-api-key-history.query.js';

/** A key's lifecycle and usage streams from the event store, merged in log order, a page at a time. */
@QueryHandler(GetApiKeyHistoryQuery)
export class GetApiKeyHistoryHandler implements IQueryHandler<GetApiKeyHistoryQuery, KeyHistoryPage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, keyId, limit, cursor }: GetApiKeyHistoryQuery): Promise<KeyHistoryPage> {
    const [created] = await this.store.readStream(apiKeyStreamId(keyId), { maxCount: 1 });
    // Another account's key answers exactly like a key that does not exist.
    if (!created || created.data.accountId !== accountId) throw new DomainError('KEY_NOT_FOUND', `No such API key: ${keyId}`);

    const [lifecycle, usage] = await Promise.all([
      this.store.readStream(apiKeyStreamId(keyId), { fromRevision: cursor.lifecycle, maxCount: limit + 1 }),
      this.store.readStream(keyUsageStreamId(keyId), { fromRevision: cursor.usage, maxCount: limit + 1 }),
    ]);
    const merged = [...lifecycle, ...usage].sort((a, b) => a.position - b.position);
    const events = merged.slice(0, limit);
    if (merged.length <= limit) return { events, next: null };
    const next = { ...cursor };
    for (const event of events) {
      if (event.streamId === apiKeyStreamId(keyId)) next.lifecycle = event.revision + 1;
      else next.usage = event.revision + 1;
    }
    return { events, next };
  }
}
