import { ServiceUnavailable } from '../../shared/application/errors.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import type { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import type { ApiKeyListQuery, ApiKeyPage, ApiKeyQueries } from '../projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../projection/api-key-view.js';

/**
 * The key queries of a service instance, which says "no such key" only once it has applied the log as far as the
 * log went when asked. Behind a round-robin balancer, an id another instance has just answered (a new key, a
 * cursor) may be one this instance has not read yet: it polls the log every POLL_INTERVAL_MS. On a miss it brings
 * its key table up to the log's head (bounded by READ_YOUR_WRITES_TIMEOUT_MS) and looks again; a key found costs
 * no store call.
 */
export class KeyQueriesCaughtUpOnMiss implements ApiKeyQueries {
  constructor(
    private readonly keys: ApiKeyQueries,
    private readonly store: Pick<EventStore, 'headPosition'>,
    private readonly progress: Pick<ProjectionProgress, 'inForce'>,
  ) {}

  async findById(accountId: string, id: string): Promise<ApiKeyView | null> {
    const found = await this.keys.findById(accountId, id);
    if (found) return found;
    try {
      await this.progress.inForce(await this.store.headPosition());
    } catch (error) {
      if (!(error instanceof ServiceUnavailable)) throw error;
      throw new ServiceUnavailable('This instance has not yet read the log far enough to tell whether the API key exists; retry shortly.');
    }
    return this.keys.findById(accountId, id);
  }

  list(accountId: string, query: ApiKeyListQuery): Promise<ApiKeyPage> {
    return this.keys.list(accountId, query);
  }
}
