import { Query } from '@nestjs/cqrs';
import type { KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import type { TrafficSinceRoll } from '../../presentation/present-api-key.js';
import type { ApiKeyView } from '../../projection/api-key-view.js';

export interface ApiKeyWithUsage {
  view: ApiKeyView;
  usage: KeyUsageView | undefined;
  /** For a rolled key: its traffic since the roll. */
  sinceRoll?: TrafficSinceRoll;
}

export class GetApiKeyQuery extends Query<ApiKeyWithUsage> {
  constructor(
    readonly accountId: string,
    readonly keyId: string,
    /** When set, the key as it was at that instant, replayed from the log instead of read from the views. */
    readonly asOf: Date | null = null,
    /** Read a rolled key's uses since the roll too (GET /v1/api-keys/{id} shows them; lists and changes do not). */
    readonly withTrafficSinceRoll = false,
    /**
     * With asOf: how long the replay may read the log before it answers 503 (null: as long as it takes, for the CLI, whose
     * process serves no one else). The request thread serves every other request meanwhile.
     */
    readonly replayBudgetMs: number | null = null,
    /** Without asOf: the key's usage from its view (a read of the read-model store), or replayed from the log. */
    readonly usageFrom: 'views' | 'log' = 'views',
  ) {
    super();
  }
}
