import { Inject, Injectable } from '@nestjs/common';
import { ServiceUnavailable } from '../../shared/application/errors.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { KeyTable, type KnownKey } from './key-table.js';

/**
 * The longest an unknown key's authentication waits for the key table to reach the log's head. Normally that takes
 * one read of the log (a few ms); past this bound the table is stuck, and the key is answered unknown, as before.
 */
export const CATCH_UP_ON_MISS_TIMEOUT_MS = 1000;

/**
 * A key the key table does not know may be one just created elsewhere (the CLI, another instance) that this instance
 * has not read yet: it follows the log every POLL_INTERVAL_MS. On such a miss the table is brought up to the log's
 * head and asked again, so a key authenticates everywhere once its creation has answered, and a script that uses a
 * key the moment the CLI prints it is not refused (and counted a failed authentication). Concurrent misses share
 * one head read: a flood of unknown keys costs the store one read at a time, never one per request.
 */
@Injectable()
export class KeyTableCaughtUpOnMiss {
  private headRead: Promise<number | null> | null = null;

  constructor(
    @Inject(KeyTable) private readonly keys: Pick<KeyTable, 'lookup'>,
    @Inject(EVENT_STORE) private readonly store: Pick<EventStore, 'headPosition'>,
    @Inject(ProjectionProgress) private readonly progress: Pick<ProjectionProgress, 'inForce'>,
  ) {}

  /** The key with this hash once the table has read the log as far as it went when asked; null if still unknown. */
  async lookupAfterCatchingUp(keyHash: string): Promise<KnownKey | null> {
    try {
      await this.progress.inForce(await this.head(), CATCH_UP_ON_MISS_TIMEOUT_MS);
    } catch (error) {
      // A store down or a table stuck: the key is answered unknown, as it was before the catch-up.
      if (error instanceof ServiceUnavailable || error instanceof StoreUnavailableError) return null;
      throw error;
    }
    return this.keys.lookup(keyHash) ?? null;
  }

  private head(): Promise<number | null> {
    this.headRead ??= this.store.headPosition().finally(() => {
      this.headRead = null;
    });
    return this.headRead;
  }
}
