import { errorMessage } from '../runtime/error-message.js';

/** An adapter could not reach its server; the HTTP layer answers 503 so callers retry. */
export class StoreUnavailableError extends Error {
  constructor(store: string, cause: unknown) {
    super(`${store} is unavailable: ${errorMessage(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}
