import { Query } from '@nestjs/cqrs';
import type { ApiKeyPage } from '../../projection/api-key-read-model.port.js';

export class ListApiKeysQuery extends Query<ApiKeyPage> {
  constructor(
    readonly accountId: string,
    readonly limit: number,
    readonly startingAfter: string | null,
  ) {
    super();
  }
}
