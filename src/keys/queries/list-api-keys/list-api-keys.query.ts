import { Query } from '@nestjs/cqrs';
import type { KeyUsageSummary } from '../../../usage/projection/key-usage-view.js';
import type { ApiKeyView, KeyStatus } from '../../projection/api-key-view.js';

export interface ApiKeyListing {
  keys: Array<{ view: ApiKeyView; usage: KeyUsageSummary | undefined }>;
  hasMore: boolean;
}

export class ListApiKeysQuery extends Query<ApiKeyListing> {
  constructor(
    readonly accountId: string,
    readonly limit: number,
    readonly startingAfter: string | null,
    readonly status: KeyStatus | null = null,
    /** The instant the status filter applies at. */
    readonly now: Date = new Date(),
  ) {
    super();
  }
}
