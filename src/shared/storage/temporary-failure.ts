import { ServiceUnavailable } from '../application/errors.js';
import { StoreDamagedError } from './store-damaged.error.js';
import { StoreUnavailableError } from './store-unavailable.error.js';

/**
 * A failure that the same call, made again later, may not meet: a store that did not answer (unreachable, a lock held
 * past the busy timeout, a timeout) or a service that cannot answer now. The HTTP mapping answers these 503
 * (error-mapping.ts); the CLI exits 75 (EX_TEMPFAIL). By type, never by message. A damaged store is not one: the
 * same file is damaged at the next try, and a repair is needed, not a wait.
 */
export function isTemporaryFailure(error: unknown): boolean {
  if (error instanceof StoreDamagedError) return false;
  return error instanceof StoreUnavailableError || error instanceof ServiceUnavailable;
}
