import { Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import type { KeyHistoryCursor } from './key-history-cursor.js';
import type { KeyHistoryDirection } from './key-history-direction.js';
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
    /** Null: from the history's start, or newest first from its end. */
    readonly cursor: KeyHistoryCursor | null,
    readonly order: KeyHistoryOrder = 'occurred',
    readonly direction: KeyHistoryDirection = 'oldest_first',
  ) {
    super();
  }
}
