import { errorMessage } from '../runtime/error-message.js';
import { StoreUnavailableError } from './store-unavailable.error.js';

/**
 * A store whose engine finds its data damaged (SQLite's SQLITE_CORRUPT) after it opened: answered 503 as a store
 * that cannot answer now, for another instance may, and logged as an error, for no retry here mends it.
 */
export class StoreDamagedError extends StoreUnavailableError {
  constructor(store: string, cause: unknown) {
    super(store, cause);
    this.message = `${store} is damaged: ${errorMessage(cause)}`;
    this.name = 'StoreDamagedError';
  }
}
