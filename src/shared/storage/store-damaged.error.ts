import { errorMessage } from '../runtime/error-message.js';
import { StoreUnavailableError } from './store-unavailable.error.js';

/**
 * A store whose engine finds its data damaged (SQLite's SQLITE_CORRUPT) after it opened: answered 503 as a store
 * that cannot answer now, for another instance may, and logged as an error, for no retry here mends it. `reported`:
 * the store wrote that error line itself when it first met the damage (a read-model file, the log's readers), so
 * whoever meets the error again (each request, each projection's retry) answers it without another line.
 */
export class StoreDamagedError extends StoreUnavailableError {
  readonly reported: boolean;

  /** `advice`: what to do, said after the damage by whoever reports the error (a start, a CLI command, a request's line). */
  constructor(store: string, cause: unknown, options: { reported?: boolean; advice?: string } = {}) {
    super(store, cause);
    this.message = `${store} is damaged: ${errorMessage(cause)}${options.advice ? `. ${options.advice}` : ''}`;
    this.name = 'StoreDamagedError';
    this.reported = options.reported ?? false;
  }
}
