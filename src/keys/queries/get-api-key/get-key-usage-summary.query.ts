import { Query } from '@nestjs/cqrs';
import type { KeyUsageSummary } from '../../../usage/projection/key-usage-view.js';

/**
 * A key's usage summary alone (the answer to a change has the key's view from its decision already): from the
 * usage summaries (KEY_USAGE_SUMMARIES), or replayed from the log when they cannot be read.
 */
export class GetKeyUsageSummaryQuery extends Query<KeyUsageSummary | undefined> {
  constructor(
    readonly keyId: string,
    readonly from: 'views' | 'log' = 'views',
  ) {
    super();
  }
}
