import { Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import type { KeyHistoryCursor } from './key-history-cursor.js';
import type { KeyHistoryOrder } from './key-history-order.js';

export interface KeyHistoryPage {
  events: RecordedEvent[];
  next: KeyHistoryCursor | null;
}

export class GetApiKeyHistoryQuery extends Query<KeyHistoryPage> {
  constructor(
    readonly accountId: string,
    readonly keyId: string,
    readonly limit: number,
    readonly cursor: KeyHistoryCursor,
    readonly order: KeyHistoryOrder = 'occurred',
  ) {
    super();
  }
}
