import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { KeyNotFound } from '../../domain/api-key-errors.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { GetApiKeyHistoryQuery, type KeyHistoryPage } from './get-api-key-history.query.js';
import { readKeyHistoryPage } from './read-key-history.js';

@QueryHandler(GetApiKeyHistoryQuery)
export class GetApiKeyHistoryHandler implements IQueryHandler<GetApiKeyHistoryQuery, KeyHistoryPage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, keyId, limit, cursor, order, direction }: GetApiKeyHistoryQuery): Promise<KeyHistoryPage> {
    const { accountId: owner, ...page } = await readKeyHistoryPage(this.store, keyId, limit, cursor, order, direction);
    // Another account's key answers exactly like a key that does not exist, and shows nothing the page read.
    if ((owner ?? (await this.accountOfCreation(keyId))) !== accountId) throw new KeyNotFound(keyId);
    return page;
  }

  /** For a page that read no lifecycle event (its cursor past them): the account the key was created in. */
  private async accountOfCreation(keyId: string): Promise<unknown> {
    const [created] = await this.store.readStream(apiKeyStreamId(keyId), { maxCount: 1 });
    return created?.data.accountId;
  }
}
