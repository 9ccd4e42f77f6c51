import { Query } from '@nestjs/cqrs';
import type { KeyUsageSummary, KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import type { ApiKeyView, KeyStatus } from '../../projection/api-key-view.js';

export interface ApiKeyListing {
  /** `hourly`: the key's usage view, read only when the query asks for the requests per hour (none yet: undefined). */
  keys: Array<{ view: ApiKeyView; usage: KeyUsageSummary | undefined; hourly?: KeyUsageView }>;
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
    /** Also read each key's usage view, for its requests per hour. */
    readonly withRequestsPerHour: boolean = false,
    /** name_prefix (as given: the handler folds it) and prefix: keys that match both, in the same order and pages. */
    readonly search: { namePrefix?: string; prefix?: string } = {},
  ) {
    super();
  }
}
